import LatentTensor

/// A probability distribution over tensors, in the style of `torch.distributions`.
///
/// Shapes: a distribution holds a *batch* of independent distributions (`batchShape`), each over
/// an *event* (`eventShape`). `logProb(x)` takes `x` of shape `[..., batch..., event...]` and
/// returns the log density summed over the event axes, shape `[..., batch...]`. Draws have shape
/// `sampleShape + batchShape + eventShape`.
///
/// `sample` never carries gradients; `rsample` (where `hasRSample`) is reparameterized — a
/// differentiable function of the parameters and independent noise, e.g. z = μ + σ·ε — so that
/// gradients of a Monte Carlo objective flow into the parameters (the VAE's reparameterization trick).
public protocol Distribution {
    /// Shape of the batch of independent distributions.
    var batchShape: [Int] { get }
    /// Shape of one event (summed over by `logProb`).
    var eventShape: [Int] { get }
    /// log p(x), summed over the event axes: shape `[..., batch...]`. Nats.
    func logProb(_ x: Tensor) -> Tensor
    /// Independent draws of shape `sampleShape + batchShape + eventShape`, without gradients.
    func sample(_ sampleShape: [Int], generator: RandomGenerator) -> Tensor
    /// Whether `rsample` is available.
    var hasRSample: Bool { get }
    /// Reparameterized draws (gradients flow to the parameters). Stops with a message if `!hasRSample`.
    func rsample(_ sampleShape: [Int], generator: RandomGenerator) -> Tensor
    /// Mean, shape `batchShape + eventShape`.
    var mean: Tensor { get }
    /// Variance, shape `batchShape + eventShape`.
    var variance: Tensor { get }
    /// Entropy H = −E[log p] in nats, shape `batchShape` (closed form where one exists).
    func entropy() -> Tensor
}

extension Distribution {
    /// Default for distributions without a closed form: stops and points to `entropyEstimate`.
    public func entropy() -> Tensor {
        fatalError("\(type(of: self)) has no closed-form entropy; use entropyEstimate(samples:)")
    }

    /// Default: no reparameterized sampler.
    public var hasRSample: Bool { false }

    public func rsample(_ sampleShape: [Int], generator: RandomGenerator) -> Tensor {
        fatalError("\(type(of: self)) has no reparameterized sampler (rsample); use sample, or a score-function estimator")
    }

    /// Default for reparameterized distributions: `rsample` without recording gradients.
    public func sample(_ sampleShape: [Int], generator: RandomGenerator) -> Tensor {
        require(hasRSample, "\(type(of: self)) must implement sample")
        return withoutGrad { rsample(sampleShape, generator: generator).detached() }
    }

    /// One draw (`sampleShape` = []) from the global generator.
    public func sample() -> Tensor { sample([], generator: .global) }

    /// Full shape of draws for `sampleShape`.
    public func drawShape(_ sampleShape: [Int]) -> [Int] { sampleShape + batchShape + eventShape }

    /// Monte Carlo entropy estimate −(1/n) Σ log p(xᵢ) from `samples` draws, for distributions
    /// without a closed form (shape `batchShape`).
    public func entropyEstimate(samples: Int, generator: RandomGenerator = .global) -> Tensor {
        require(samples > 0, "entropyEstimate: samples must be positive, got \(samples)")
        return withoutGrad { -logProb(sample([samples], generator: generator)).mean(axis: 0) }
    }

    /// Standard deviation √variance.
    public var stddev: Tensor { variance.sqrt() }
}
