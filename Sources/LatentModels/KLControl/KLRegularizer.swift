import LatentTensor
import LatentNN

/// How a VAE weighs its KL term during training. The evaluation ELBO never uses it (β = 1 there).
///
/// Exactly one regime applies, in this order of precedence:
/// - `controller` set: β · KL with β from the `TargetRateController` (updated after each step);
/// - `capacity` set: γ · |KL − C(step)| (`KLPenalty.capacity`);
/// - otherwise β · w(step) · KL, where KL becomes Σ_d max(λ, KL_d) when `freeBits` λ > 0.
public final class KLRegularizer: Module {
    /// Constant weight β (1 = the ELBO; > 1 = β-VAE).
    public let beta: Float
    /// Warm-up factor w(step).
    public let warmup: KLWarmup
    /// Free-bits floor per latent dimension (nats); 0 turns it off.
    public let freeBits: Float
    /// Capacity annealing, when set.
    public let capacity: CapacityAnnealing?
    /// Target-rate β controller, when set.
    public let controller: TargetRateController?

    /// A regularizer; the default is the plain ELBO (β = 1, no warm-up).
    public init(beta: Float = 1, warmup: KLWarmup = .none, freeBits: Float = 0,
                capacity: CapacityAnnealing? = nil, controller: TargetRateController? = nil) {
        require(beta >= 0 && freeBits >= 0, "KLRegularizer: need β ≥ 0 and freeBits ≥ 0, got \(beta), \(freeBits)")
        self.beta = beta
        self.warmup = warmup
        self.freeBits = freeBits
        self.capacity = capacity
        self.controller = controller
    }

    /// The KL term of the training loss (scalar) from per-example KLs `kl` `[B]` and, when available,
    /// per-dimension KLs `[B, L]`, with the weights in force at `step`, and log parts (`beta`,
    /// `capacity`). With `updateController`, the controller then moves β toward the target rate.
    public func penalty(kl: Tensor, perDimension: Tensor?, step: Int, updateController: Bool) -> (Tensor, [String: Double]) {
        if let controller = controller {
            let b = controller.beta
            let term = kl.mean() * Float(b)
            if updateController { controller.update(observedKL: Double(kl.mean().detached().item)) }
            return (term, ["beta": b])
        }
        if let capacity = capacity {
            let c = capacity.capacity(atStep: step)
            return (KLPenalty.capacity(kl, capacity: c, gamma: capacity.gamma), ["capacity": Double(c)])
        }
        let weight = Double(beta) * warmup.factor(atStep: step)
        let base: Tensor
        if freeBits > 0 {
            require(perDimension != nil, "KLRegularizer: free bits need per-dimension KLs (a prior with a closed-form KL)")
            base = KLPenalty.freeBits(perDimension: perDimension!, floor: freeBits)
        } else {
            base = kl.mean()
        }
        return (base * Float(weight), ["beta": weight])
    }
}
