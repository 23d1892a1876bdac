import Foundation
import LatentTensor
import LatentProbability

/// A batch of diagonal Gaussians N(μ, diag σ²) over a latent vector: the encoder's q(z|x) and a
/// conditional prior's p(z|x). `loc` and `logScale` are `[B, L]` (log σ, not log σ²).
public struct DiagonalGaussian {
    /// μ, `[B, L]`.
    public let loc: Tensor
    /// log σ, `[B, L]`.
    public let logScale: Tensor

    /// A Gaussian with mean `loc` and log standard deviation `logScale` (same shape `[B, L]`).
    public init(loc: Tensor, logScale: Tensor) {
        require(loc.shape == logScale.shape && loc.rank == 2,
                "DiagonalGaussian: loc and logScale must both be [B, L], got \(loc.shape) and \(logScale.shape)")
        (self.loc, self.logScale) = (loc, logScale)
    }

    /// Latent dimensions L.
    public var dimension: Int { loc.shape[1] }

    /// The same law as a `LatentProbability` distribution: batch `[B]`, event `[L]`.
    public var distribution: Independent { Normal(loc: loc, logScale: logScale).independent(1) }

    /// z = μ + σ ⊙ ε, ε ~ N(0, I): `[K, B, L]` (reparameterized, differentiable in μ and log σ;
    /// for K = 1 one fused op, `Tensor.reparameterized`).
    public func rsample(_ k: Int, generator: RandomGenerator) -> Tensor {
        require(k > 0, "DiagonalGaussian.rsample: sample count must be positive, got \(k)")
        let eps = Tensor.randn([k] + loc.shape, generator: generator)
        guard k == 1 else { return loc + logScale.exp() * eps }
        // One draw: the fused op (same values), shaped [1, B, L].
        return Tensor.reparameterized(loc: loc, logScale: logScale, noise: eps.reshaped(loc.shape)).reshaped([1] + loc.shape)
    }

    /// log q(z) summed over the latent axis, for z `[..., B, L]`: `[..., B]` (nats).
    public func logProb(_ z: Tensor) -> Tensor {
        let u = (z - loc) * (-logScale).exp()
        return (u.square() * -0.5 - logScale - Float(0.5 * Foundation.log(2 * Double.pi))).sum(axis: -1)
    }

    /// KL(self ‖ N(0, I)) per dimension, `[B, L]`: ½(μ² + σ² − 1) − log σ (one fused op,
    /// `Tensor.standardNormalKL`).
    public func klToStandardNormalPerDimension() -> Tensor {
        Tensor.standardNormalKL(loc: loc, logScale: logScale)
    }

    /// KL(self ‖ other) per dimension, `[B, L]`:
    /// log σₚ − log σ_q + (σ_q² + (μ_q − μₚ)²) / (2σₚ²) − ½.
    public func klPerDimension(to other: DiagonalGaussian) -> Tensor {
        require(other.loc.shape == loc.shape, "DiagonalGaussian.kl: shapes differ: \(loc.shape) vs \(other.loc.shape)")
        let ratio = ((logScale - other.logScale) * 2).exp()
        let shift = (loc - other.loc).square() * (other.logScale * -2).exp()
        return other.logScale - logScale + (ratio + shift) * 0.5 - 0.5
    }
}
