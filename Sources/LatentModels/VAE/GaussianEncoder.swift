import LatentTensor
import LatentNN

/// An amortized Gaussian posterior q(z|x) = N(μ(x), diag σ(x)²): any network `body` mapping inputs
/// `[B, …]` to `[B, 2L]`, read as (μ, s) with s = log σ or s = log σ² (`scaleHead`). log σ is
/// soft-clamped to (−`logScaleBound`, `logScaleBound`) by a scaled tanh, which keeps σ finite early
/// in training without killing gradients.
public final class GaussianEncoder: Module {
    /// How the second half of the body's output is read.
    public enum ScaleHead: String, Codable, CaseIterable, Sendable {
        /// s = log σ (this package's default).
        case logScale
        /// s = log σ², σ = exp(s/2) — the "logvar" head of most PyTorch VAEs. At the same weights σ starts
        /// closer to 1 and moves half as fast per unit of s; 0.3–0.5 nats better after 3 epochs of the
        /// convolutional MNIST VAE in both frameworks (docs/RESULTS.md §3).
        case logVariance
    }

    /// Inputs `[B, …]` → `[B, 2L]`.
    public let body: any Layer
    /// Latent dimensions L.
    public let latentDimension: Int
    /// Bound on |log σ| (nats of scale).
    public let logScaleBound: Float
    /// Whether the body outputs log σ or log σ² (not a parameter: set it before training, and the
    /// same way when loading weights).
    public var scaleHead: ScaleHead = .logScale

    /// An encoder whose `body` outputs 2·`latentDimension` features.
    public init(body: any Layer, latentDimension: Int, logScaleBound: Float = 8) {
        require(latentDimension > 0, "GaussianEncoder: latent dimension must be positive, got \(latentDimension)")
        self.body = body
        self.latentDimension = latentDimension
        self.logScaleBound = logScaleBound
    }

    /// q(z|x) for inputs `[B, …]`.
    public func callAsFunction(_ x: Tensor) -> DiagonalGaussian {
        let h = body(x)
        require(h.rank == 2 && h.shape[1] == 2 * latentDimension,
                "GaussianEncoder: body must output [B, \(2 * latentDimension)] (μ and log σ or log σ²), got \(h.shape)")
        let parts = h.split(count: 2, axis: 1)
        let raw = scaleHead == .logVariance ? parts[1] * 0.5 : parts[1]
        let logScale = (raw * (1 / logScaleBound)).tanh() * logScaleBound
        return DiagonalGaussian(loc: parts[0], logScale: logScale)
    }
}
