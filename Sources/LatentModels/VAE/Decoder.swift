import LatentTensor
import LatentNN
import LatentProbability

/// The generative network p(x|z): any `body` mapping latents `[N, L]` to N·D parameters, reshaped
/// to `[N] + outputShape`, and read through a `Likelihood` — or, with `autoregressive`, an
/// autoregressive p(x|z) = Π_i p(x_i | x_<i, z) whose conditioning map is the body's output
/// (`Decoder+Autoregressive.swift`).
public final class Decoder: Module {
    /// Latents `[N, L]` → `[N, …]` with D = ∏ `outputShape` values per row.
    public let body: any Layer
    /// Shape of one data point, e.g. `[1, 28, 28]` or `[784]`.
    public let outputShape: [Int]
    /// How parameters become a distribution.
    public let likelihood: Likelihood
    /// Learned log σ per data element (`outputShape`), for `.gaussianLearnedScale` and
    /// `.discretizedLogistic`; initialized to `initialLogScale`.
    public let logScale: Parameter?
    /// The PixelCNN reading the body's output `[N, K·H·W]` as its conditioning map `[N, K, H, W]`;
    /// nil for a factorized p(x|z).
    public let autoregressive: PixelCNN?

    /// A decoder producing data of shape `outputShape`.
    public init(body: any Layer, outputShape: [Int], likelihood: Likelihood = .bernoulli, initialLogScale: Float = -1) {
        require(!outputShape.isEmpty && outputShape.allSatisfy { $0 > 0 },
                "Decoder: outputShape must be non-empty with positive sizes, got \(outputShape)")
        self.body = body
        self.outputShape = outputShape
        self.likelihood = likelihood
        logScale = likelihood.needsLogScale ? Parameter(Tensor.full(outputShape, initialLogScale)) : nil
        autoregressive = nil
    }

    /// An autoregressive decoder: `body` maps latents `[N, L]` to a conditioning map of
    /// `pixelCNN.conditionChannels`·H·W values per row for the `pixelCNN` over binary images of
    /// shape `outputShape` = `[1, H, W]` (Bernoulli conditionals).
    public init(body: any Layer, outputShape: [Int], pixelCNN: PixelCNN) {
        require(outputShape.count == 3 && outputShape[0] == 1 && outputShape[1] > 0 && outputShape[2] > 0,
                "Decoder: an autoregressive decoder models one-channel images [1, H, W], got \(outputShape)")
        self.body = body
        self.outputShape = outputShape
        likelihood = .bernoulli
        logScale = nil
        autoregressive = pixelCNN
    }

    /// The likelihood's parameters for latents `[..., L]`: `[...] + outputShape`.
    public func parameters(_ z: Tensor) -> Tensor {
        let lead = Array(z.shape.dropLast())
        let rows = lead.reduce(1, *)
        let theta = body(z.reshaped([rows, z.shape.last!]))
        let d = outputShape.reduce(1, *)
        require(theta.count == rows * d, "Decoder: body must output \(d) values per latent (outputShape \(outputShape)), got shape \(theta.shape)")
        return theta.reshaped(lead + outputShape)
    }

    /// p(x|z) for latents `[..., L]`: batch `[...]`, event `outputShape`.
    public func callAsFunction(_ z: Tensor) -> Independent {
        require(autoregressive == nil, "Decoder: an autoregressive decoder has no factorized p(x|z); use logProb(_:given:) or decode(_:generator:)")
        return likelihood.distribution(parameters(z), logScale: logScale?.value, eventRank: outputShape.count)
    }
}
