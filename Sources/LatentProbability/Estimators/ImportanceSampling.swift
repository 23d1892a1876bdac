import Foundation
import LatentTensor

/// Monte Carlo estimates around log p(x) = log ∫ p(x, z) dz for a latent-variable model, from a
/// proposal q(z) (usually the encoder's q(z|x)):
///
/// - ELBO  L = E_q[log p(x, z) − log q(z)] ≤ log p(x) (Jensen),
/// - importance-weighted bound L_K = E[log (1/K) Σₖ p(x, zₖ)/q(zₖ)], which increases to log p(x)
///   as K grows (Burda et al., IWAE) — the standard way to report a VAE's test log-likelihood,
/// - the Jensen gap log p(x) − L = KL(q(z) ‖ p(z|x)).
///
/// `logJoint(z)` must return log p(x, z) per data point for z of shape `[K, N, latent...]`: shape `[K, N]`.
public enum ImportanceSampling {
    /// Draws K latent samples per data point and returns log wₖ = log p(x, zₖ) − log q(zₖ), `[K, N]`.
    public static func logWeights(samples k: Int, proposal q: any Distribution, generator: RandomGenerator = .global,
                                  logJoint: (Tensor) -> Tensor) -> Tensor {
        require(k > 0, "ImportanceSampling: samples must be positive, got \(k)")
        let z = q.hasRSample ? q.rsample([k], generator: generator) : q.sample([k], generator: generator)
        let lw = logJoint(z) - q.logProb(z)
        require(lw.shape.first == k, "ImportanceSampling: logJoint must return [K, N] for z of shape \(z.shape), got \(lw.shape)")
        return lw
    }

    /// log (1/K) Σₖ exp(log wₖ) per data point, from log-weights `[K, N]`: stable logsumexp.
    public static func logMeanExp(_ logWeights: Tensor) -> Tensor {
        logWeights.logSumExp(axis: 0) - Float(Foundation.log(Double(logWeights.shape[0])))
    }

    /// The importance-weighted estimate of log p(x) with K samples, `[N]` (nats).
    public static func logMarginal(samples k: Int, proposal q: any Distribution, generator: RandomGenerator = .global,
                                   logJoint: (Tensor) -> Tensor) -> Tensor {
        logMeanExp(logWeights(samples: k, proposal: q, generator: generator, logJoint: logJoint))
    }

    /// The ELBO estimated from K samples, `[N]` (nats).
    public static func elbo(samples k: Int, proposal q: any Distribution, generator: RandomGenerator = .global,
                            logJoint: (Tensor) -> Tensor) -> Tensor {
        logWeights(samples: k, proposal: q, generator: generator, logJoint: logJoint).mean(axis: 0)
    }

    /// The Jensen gap log p(x) − ELBO = KL(q ‖ p(z|x)) ≥ 0, with log p(x) estimated by `logMarginal`
    /// with `marginalSamples` and the ELBO with `elboSamples`, `[N]`.
    public static func jensenGap(marginalSamples: Int = 1000, elboSamples: Int = 1000, proposal q: any Distribution,
                                 generator: RandomGenerator = .global, logJoint: (Tensor) -> Tensor) -> Tensor {
        logMarginal(samples: marginalSamples, proposal: q, generator: generator, logJoint: logJoint)
            - elbo(samples: elboSamples, proposal: q, generator: generator, logJoint: logJoint)
    }
}
