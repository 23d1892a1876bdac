import Foundation
import LatentTensor
import LatentNN

/// The prior p(z) of a VAE. A class protocol (a `Module`), so learned priors keep their parameters
/// in the model's parameter tree and checkpoints.
public protocol LatentPrior: Module {
    /// Latent dimensions L.
    var latentDimension: Int { get }
    /// log p(z) for z `[..., L]`: `[...]` (nats).
    func logProb(_ z: Tensor) -> Tensor
    /// n draws `[n, L]` (no gradients).
    func sample(_ n: Int, generator: RandomGenerator) -> Tensor
    /// KL(q ‖ p) per latent dimension `[B, L]` in closed form, or nil when there is none (the VAE
    /// then uses the one-sample estimate log q(z) − log p(z)).
    func klPerDimension(from q: DiagonalGaussian) -> Tensor?
}

/// p(z) = N(0, I): no parameters, closed-form KL.
public final class StandardNormalPrior: Module, LatentPrior {
    /// Latent dimensions L.
    public let latentDimension: Int

    /// The standard normal over `latentDimension` dimensions.
    public init(latentDimension: Int) {
        require(latentDimension > 0, "StandardNormalPrior: dimension must be positive, got \(latentDimension)")
        self.latentDimension = latentDimension
    }

    /// Σ_d log N(z_d; 0, 1) for z `[..., L]`: `[...]`.
    public func logProb(_ z: Tensor) -> Tensor {
        (z.square() * -0.5 - Float(0.5 * Foundation.log(2 * Double.pi))).sum(axis: -1)
    }

    /// n standard normal draws `[n, L]`.
    public func sample(_ n: Int, generator: RandomGenerator) -> Tensor {
        Tensor.randn([n, latentDimension], generator: generator)
    }

    /// ½(μ² + σ² − 1) − log σ per dimension, `[B, L]`.
    public func klPerDimension(from q: DiagonalGaussian) -> Tensor? { q.klToStandardNormalPerDimension() }
}

/// A learned mixture of K diagonal Gaussians p(z) = Σₖ πₖ N(z; μₖ, diag σₖ²) (Tomczak & Welling's
/// VampPrior idea in its simplest form). Means start spread as N(0, I) draws, scales at 1.
public final class MixtureOfGaussiansPrior: Module, LatentPrior {
    /// Latent dimensions L.
    public let latentDimension: Int
    /// Mixture logits `[K]` (π = softmax).
    public let logits: Parameter
    /// Component means `[K, L]`.
    public let loc: Parameter
    /// Component log standard deviations `[K, L]`.
    public let logScale: Parameter

    /// A mixture of `components` Gaussians over `latentDimension` dimensions.
    public init(latentDimension: Int, components: Int, generator: RandomGenerator = .global) {
        require(latentDimension > 0 && components > 0,
                "MixtureOfGaussiansPrior: dimension and component count must be positive, got \(latentDimension), \(components)")
        self.latentDimension = latentDimension
        logits = Parameter(Tensor.zeros([components]))
        loc = Parameter(Tensor.randn([components, latentDimension], generator: generator))
        logScale = Parameter(Tensor.zeros([components, latentDimension]))
    }

    /// Components K.
    public var componentCount: Int { logits.shape[0] }

    /// log Σₖ πₖ N(z; μₖ, σₖ²) for z `[..., L]`: `[...]` (log-sum-exp over components).
    public func logProb(_ z: Tensor) -> Tensor {
        let zk = z.unsqueezed(axis: z.rank - 1)                             // [..., 1, L]
        let u = (zk - loc.value) * (-logScale.value).exp()                  // [..., K, L]
        let perComponent = (u.square() * -0.5 - logScale.value - Float(0.5 * Foundation.log(2 * Double.pi))).sum(axis: -1)
        return (perComponent + logits.value.logSoftmax(axis: 0)).logSumExp(axis: -1)
    }

    /// n draws `[n, L]`: a component k ~ π per draw, then N(μₖ, σₖ²).
    public func sample(_ n: Int, generator: RandomGenerator) -> Tensor {
        withoutGrad {
            let weights = logits.value.softmax(axis: 0).scalars
            var chosen: [Int] = []
            for _ in 0..<n {
                var u = generator.nextUniform(), k = 0
                while k < weights.count - 1 && u >= weights[k] { u -= weights[k]; k += 1 }
                chosen.append(k)
            }
            let mu = loc.value.indexSelect(axis: 0, indices: chosen)
            let sigma = logScale.value.indexSelect(axis: 0, indices: chosen).exp()
            return mu + sigma * Tensor.randn([n, latentDimension], generator: generator)
        }
    }

    /// nil: a mixture has no closed-form KL from a Gaussian.
    public func klPerDimension(from q: DiagonalGaussian) -> Tensor? { nil }
}
