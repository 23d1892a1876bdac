import LatentTensor
import LatentNN

/// Glow's learned prior for the half of the channels a multi-scale level factors out (Kingma &
/// Dhariwal 2018, `split2d` of the reference code): instead of N(0, I), the split-off channels x₂
/// are scored by a Gaussian whose mean and log-scale a zero-initialized 3×3 convolution computes
/// from the kept channels x₁ (and the context, if any):
///
///     x = [x₁, x₂] (channels ⌊C/2⌋ and the rest),   (μ, log σ) = conv([x₁, context]),
///     log p(x₂ | x₁) = Σ log N(x₂; μ, σ²)
///                    = Σ log N(ε; 0, 1) − Σ log σ,   ε = (x₂ − μ)/σ.
///
/// The second line is exact, so the prior is written as a bijector placed just before a
/// `MultiScale` in a data → latent stack: forward maps x ↦ [x₁, ε] with log|det| = −Σ log σ
/// (shape `[N]`), and the standard normal base then scores ε. The inverse, [x₁, ε] ↦
/// [x₁, μ + σ·ε] with log|det| = +Σ log σ, is sampling from N(μ(x₁), σ(x₁)²) in the generative
/// direction (with temperature T, ε ~ N(0, T²) gives μ + T·σ·ε, as in Glow). The log-scale is not
/// clamped: this is the exact Gaussian of the paper.
///
/// Shapes: inputs `[N, C, H, W]` (C ≥ 2); the conditioner maps `[N, ⌊C/2⌋ + F, H, W]` →
/// `[N, 2(C − ⌊C/2⌋), H, W]`, means first, then log-scales; the context `[N, F]` is broadcast
/// over pixels. A new layer (zero weights and bias) is the identity: the standard normal prior.
public final class SplitPrior: Module, Bijector {
    /// The zero-initialized convolution producing (μ, log σ) from the kept half.
    public let conditioner: Conv2d
    /// C, the channels of the input (kept and factored-out together).
    public let channels: Int
    /// Width F of the context (0: the prior ignores any context).
    public let contextFeatures: Int

    /// A prior for the last C − ⌊C/2⌋ of `channels` channels given the first ⌊C/2⌋ (the split of
    /// `MultiScale`), computed by a `kernelSize`×`kernelSize` convolution that starts at zero (no
    /// random draws: inserting the layer leaves the other layers' initialization unchanged).
    public init(channels: Int, contextFeatures: Int = 0, kernelSize: Int = 3) {
        require(channels >= 2, "SplitPrior: needs at least 2 channels, got \(channels)")
        require(contextFeatures >= 0, "SplitPrior: contextFeatures must be ≥ 0, got \(contextFeatures)")
        require(kernelSize >= 1 && kernelSize % 2 == 1, "SplitPrior: kernelSize must be odd and positive, got \(kernelSize)")
        let kept = channels / 2
        let out = 2 * (channels - kept)
        conditioner = Conv2d(kept + contextFeatures, out, kernelSize: Size2D(kernelSize, kernelSize),
                             padding: Size2D(kernelSize / 2, kernelSize / 2), weightInit: .zeros, generator: RandomGenerator(seed: 0))
        FlowSupport.assign(conditioner.bias!, Tensor.zeros([out]))
        self.channels = channels
        self.contextFeatures = contextFeatures
    }

    /// μ and log σ, each `[N, C − ⌊C/2⌋, H, W]`, of the factored-out channels given the kept ones
    /// `[N, ⌊C/2⌋, H, W]`.
    public func meanAndLogScale(given kept: Tensor, context: Tensor?) -> (mean: Tensor, logScale: Tensor) {
        require(kept.rank == 4 && kept.shape[1] == channels / 2,
                "SplitPrior: the kept half must be [N, \(channels / 2), H, W], got \(kept.shape)")
        let h = conditioner(CouplingInput.make(kept, context: context, contextFeatures: contextFeatures, "SplitPrior"))
        let parts = h.split(count: 2, axis: 1)
        return (parts[0], parts[1])
    }

    /// The conditional prior p(x₂ | x₁) as a distribution over `[C − ⌊C/2⌋, H, W]` (batch `[N]`).
    public func distribution(given kept: Tensor, context: Tensor?) -> Independent {
        let (mean, logScale) = meanAndLogScale(given: kept, context: context)
        return Independent(Normal(loc: mean, logScale: logScale), reinterpretedBatchDims: 3)
    }

    /// The two halves of `v`, checked.
    private func halves(_ v: Tensor) -> (kept: Tensor, split: Tensor) {
        require(v.rank == 4 && v.shape[1] == channels,
                "SplitPrior: input must be [N, \(channels), H, W], got \(v.shape)")
        let parts = v.split(sizes: [channels / 2, channels - channels / 2], axis: 1)
        return (parts[0], parts[1])
    }

    public func forwardAndLogDet(_ x: Tensor, context: Tensor?) -> (y: Tensor, logDet: Tensor) {
        let (kept, split) = halves(x)
        let (mean, logScale) = meanAndLogScale(given: kept, context: context)
        let epsilon = (split - mean) * (-logScale).exp()
        return (Tensor.concat([kept, epsilon], axis: 1), -FlowSupport.eventSum(logScale))
    }

    public func inverseAndLogDet(_ y: Tensor, context: Tensor?) -> (x: Tensor, logDet: Tensor) {
        let (kept, epsilon) = halves(y)
        let (mean, logScale) = meanAndLogScale(given: kept, context: context)
        return (Tensor.concat([kept, mean + epsilon * logScale.exp()], axis: 1), FlowSupport.eventSum(logScale))
    }
}
