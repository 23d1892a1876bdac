import LatentTensor

/// The differentiable KL penalties of the KL-control toolbox, as free functions of the KL so they
/// can be gradient-checked. Inputs are per-example KLs in nats.
public enum KLPenalty {
    /// Free bits (Kingma et al., 2016): Σ_d max(λ, (1/B) Σ_b KL_bd) for per-dimension KLs `[B, L]`:
    /// a dimension whose batch-mean KL is below the floor λ (nats) gets no gradient pushing it lower.
    /// Returns a scalar.
    public static func freeBits(perDimension kl: Tensor, floor lambda: Float) -> Tensor {
        require(kl.rank == 2, "KLPenalty.freeBits: per-dimension KL must be [B, L], got \(kl.shape)")
        require(lambda >= 0, "KLPenalty.freeBits: floor must be ≥ 0 nats, got \(lambda)")
        return Tensor.maximum(kl.mean(axis: 0), Tensor(lambda)).sum()
    }

    /// Capacity annealing (Burgess et al., 2018): γ · |(1/B) Σ_b KL_b − C| for KLs `[B]` and the
    /// current capacity C (nats). Returns a scalar.
    public static func capacity(_ kl: Tensor, capacity c: Float, gamma: Float) -> Tensor {
        require(kl.rank == 1, "KLPenalty.capacity: KL must be [B], got \(kl.shape)")
        return (kl.mean() - c).abs() * gamma
    }
}

/// The capacity schedule C(step) = C_max · min(1, step / steps) and its weight γ.
public struct CapacityAnnealing: Equatable {
    /// Final capacity C_max (nats).
    public var maximum: Float
    /// Steps over which C rises linearly from 0 to C_max.
    public var steps: Int
    /// Weight γ of |KL − C| (Burgess et al. use 1000 on 64×64 sprites).
    public var gamma: Float

    /// A schedule reaching `maximum` nats after `steps` steps, weighted by `gamma`.
    public init(maximum: Float, steps: Int, gamma: Float) {
        require(maximum >= 0 && steps >= 0 && gamma > 0,
                "CapacityAnnealing: need maximum ≥ 0, steps ≥ 0, gamma > 0, got \(maximum), \(steps), \(gamma)")
        (self.maximum, self.steps, self.gamma) = (maximum, steps, gamma)
    }

    /// C at `step` (nats).
    public func capacity(atStep step: Int) -> Float {
        steps == 0 ? maximum : maximum * Float(min(1, Double(step) / Double(steps)))
    }
}
