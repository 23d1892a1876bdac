import Foundation
import LatentTensor
import LatentNN
import LatentProbability

/// A VAE with two stochastic layers (Burda et al., 2016, §5: the IWAE paper's two-layer model):
///
///     generative  p(z₂) = N(0, I),  p(z₁|z₂) = N(μₚ(z₂), σₚ(z₂)²),  p(x|z₁) = Bernoulli(logits(z₁))
///     inference   bottom-up: q(z₁|x) q(z₂|z₁)
///                 ladder:    q(z₂|x) q(z₁|z₂, x), q(z₁|z₂, x) ∝ N(μ̂₁(x), σ̂₁(x)²) · p(z₁|z₂)
///
/// The ladder (top-down) option follows Sønderby et al. (2016): one deterministic bottom-up pass
/// x → h₁ → h₂ gives a Gaussian estimate per layer, and the posterior of z₁ is the precision-weighted
/// product of its estimate and the generative model's own p(z₁|z₂) (`DiagonalGaussian.precisionWeighted`).
///
/// Every bound is built from the importance weights log w = log p(x|z₁) + log p(z₁|z₂) + log p(z₂)
/// − log q(z₁, z₂|x) (`terms`): the ELBO averages k of them, the IWAE bound takes
/// log (1/k) Σ exp(log wᵢ). Nats, summed over pixels and latent dimensions, averaged over the batch.
public final class HierarchicalVAE: Module, TrainableModel {
    /// Which factorization q uses.
    public enum Inference: String, Codable, CaseIterable, Sendable {
        /// q(z₁|x) q(z₂|z₁), the IWAE paper's.
        case bottomUp = "bottom-up"
        /// q(z₂|x) q(z₁|z₂, x) with the ladder VAE's precision-weighted merge.
        case ladder
    }

    /// What training minimizes.
    public enum Objective: Equatable, Sendable {
        /// −(1/k) Σᵢ log wᵢ: the ELBO, estimated with k samples per example.
        case elbo(samples: Int)
        /// −log (1/k) Σᵢ wᵢ: the importance-weighted bound with k samples.
        case iwae(samples: Int)

        /// k.
        public var samples: Int {
            switch self {
            case let .elbo(k), let .iwae(k): return k
            }
        }
    }

    /// The parts of the bound for k samples of each of B examples, all `[k, B]` nats.
    public struct Terms {
        /// −log p(x|z₁).
        public var reconstruction: Tensor
        /// log q(z₁|·) − log p(z₁|z₂): the one-sample KL estimate of the first layer.
        public var klZ1: Tensor
        /// log q(z₂|·) − log p(z₂).
        public var klZ2: Tensor
        /// The same KL terms with every expectation that has a closed form taken exactly, given the
        /// draws it is conditioned on: unbiased for E[klZ1], E[klZ2] with less variance (the ELBO
        /// objective and the reported −ELBO use these). Bottom-up: −H[q(z₁|x)] − log p(z₁|z₂) and
        /// KL(q(z₂|z₁) ‖ N(0, I)); ladder: KL(q(z₁|z₂, x) ‖ p(z₁|z₂)) and KL(q(z₂|x) ‖ N(0, I)).
        public var analyticKLZ1: Tensor
        /// See `analyticKLZ1`.
        public var analyticKLZ2: Tensor
        /// z₁ `[k, B, L₁]`.
        public var z1: Tensor
        /// z₂ `[k, B, L₂]`.
        public var z2: Tensor

        /// log w = −(reconstruction + klZ1 + klZ2).
        public var logWeights: Tensor { -(reconstruction + klZ1 + klZ2) }
    }

    /// x `[B, …]` → h₁ `[B, H₁]` (the deterministic layers below z₁).
    public let bottomUp: Sequential
    /// h₁ → q(z₁|x) (bottom-up), or the bottom-up estimate N(μ̂₁, σ̂₁²) (ladder).
    public let posterior1: GaussianEncoder
    /// z₁ → q(z₂|z₁) (bottom-up), or h₁ → q(z₂|x) (ladder).
    public let posterior2: GaussianEncoder
    /// z₂ → p(z₁|z₂).
    public let prior1: GaussianEncoder
    /// z₁ → p(x|z₁).
    public let decoder: Decoder
    /// Which factorization q uses (fixed by the layer shapes).
    public let inference: Inference
    /// The training objective.
    public var objective: Objective
    /// KL warm-up of the ELBO objective (Sønderby et al., 2016): the KL terms are weighted by
    /// β = min(1, step / `warmupSteps`) in training (0 = off, β = 1). Evaluation always uses β = 1.
    /// Without it the ladder posterior collapses at once on MNIST (docs/HIERARCHICAL_VAE.md).
    public var warmupSteps = 0
    /// When > 0, `evaluationMetrics` also reports `"nll_iwae"`: −log p(x) by importance sampling with this K.
    public var evaluationImportanceSamples = 0

    /// A model from its networks; their latent widths must agree (z₁: `posterior1`, `prior1`, the
    /// decoder's input; z₂: `posterior2` and `prior1`'s input).
    public init(bottomUp: Sequential, posterior1: GaussianEncoder, posterior2: GaussianEncoder, prior1: GaussianEncoder,
                decoder: Decoder, inference: Inference = .bottomUp, objective: Objective = .elbo(samples: 1)) {
        require(posterior1.latentDimension == prior1.latentDimension,
                "HierarchicalVAE: q(z₁) has \(posterior1.latentDimension) dimensions but p(z₁|z₂) \(prior1.latentDimension)")
        require(objective.samples > 0, "HierarchicalVAE: the objective needs at least one sample, got \(objective.samples)")
        (self.bottomUp, self.posterior1, self.posterior2, self.prior1, self.decoder) = (bottomUp, posterior1, posterior2, prior1, decoder)
        (self.inference, self.objective) = (inference, objective)
    }

    /// L₁, the width of z₁.
    public var latent1: Int { posterior1.latentDimension }
    /// L₂, the width of z₂.
    public var latent2: Int { posterior2.latentDimension }

    /// log N(z; 0, I) summed over the last axis.
    static func standardNormalLogProb(_ z: Tensor) -> Tensor {
        (z.square() * -0.5 - Float(0.5 * Foundation.log(2 * Double.pi))).sum(axis: -1)
    }

    /// One reparameterized draw per row of `q`: `[N, L]`.
    private static func draw(_ q: DiagonalGaussian, _ generator: RandomGenerator) -> Tensor {
        q.rsample(1, generator: generator).squeezed(axis: 0)
    }

    /// The bound's parts for k samples (z₁, z₂) ~ q per example of x `[B, …]` (reparameterized,
    /// differentiable): every tensor `[k, B]`.
    public func terms(_ x: Tensor, samples k: Int, generator: RandomGenerator) -> Terms {
        require(k > 0, "HierarchicalVAE.terms: samples must be positive, got \(k)")
        let b = x.shape[0]
        let h = bottomUp(x)
        let z1: Tensor, z2: Tensor, logQ1: Tensor, logQ2: Tensor, p1: DiagonalGaussian, kl1: Tensor, kl2: Tensor
        switch inference {
        case .bottomUp:
            let q1 = posterior1(h)
            z1 = q1.rsample(k, generator: generator).reshaped([k * b, latent1])
            let q2 = posterior2(z1)
            z2 = Self.draw(q2, generator)
            p1 = prior1(z2)
            logQ1 = q1.logProb(z1.reshaped([k, b, latent1])).reshaped([k * b])
            logQ2 = q2.logProb(z2)
            // −H[q(z₁|x)] = −Σ (log σ + ½ log 2πe), the same for every draw of the example.
            let negativeEntropy = (q1.logScale + Float(0.5 * (Foundation.log(2 * Double.pi) + 1))).sum(axis: 1) * -1
            kl1 = negativeEntropy.expanded(to: [k, b]).reshaped([k * b]) - p1.logProb(z1)
            kl2 = q2.klToStandardNormalPerDimension().sum(axis: 1)
        case .ladder:
            let q2 = posterior2(h)
            z2 = q2.rsample(k, generator: generator).reshaped([k * b, latent2])
            p1 = prior1(z2)
            let estimate = posterior1(h)
            let tiled = DiagonalGaussian(loc: estimate.loc.expanded(to: [k, b, latent1]).reshaped([k * b, latent1]),
                                         logScale: estimate.logScale.expanded(to: [k, b, latent1]).reshaped([k * b, latent1]))
            let q1 = DiagonalGaussian.precisionWeighted(bottomUp: tiled, topDown: p1)
            z1 = Self.draw(q1, generator)
            logQ1 = q1.logProb(z1)
            logQ2 = q2.logProb(z2.reshaped([k, b, latent2])).reshaped([k * b])
            kl1 = q1.klPerDimension(to: p1).sum(axis: 1)
            kl2 = q2.klToStandardNormalPerDimension().sum(axis: 1).expanded(to: [k, b]).reshaped([k * b])
        }
        let z1s = z1.reshaped([k, b, latent1]), z2s = z2.reshaped([k, b, latent2])
        // x repeated k times row by row, so that p(x|z₁) is one flat [k·B] batch of the same shape as
        // its parameters (the fused Bernoulli kernel's path, not a broadcast).
        let xs = k == 1 ? x : x.expanded(to: [k] + x.shape).reshaped([k * b] + Array(x.shape.dropFirst()))
        return Terms(reconstruction: -decoder(z1).logProb(xs).reshaped([k, b]),
                     klZ1: (logQ1 - p1.logProb(z1)).reshaped([k, b]),
                     klZ2: logQ2.reshaped([k, b]) - Self.standardNormalLogProb(z2s),
                     analyticKLZ1: kl1.reshaped([k, b]), analyticKLZ2: kl2.reshaped([k, b]), z1: z1s, z2: z2s)
    }

    /// log wᵢ for k samples per example: `[k, B]`.
    public func logImportanceWeights(_ x: Tensor, samples k: Int, generator: RandomGenerator) -> Tensor {
        terms(x, samples: k, generator: generator).logWeights
    }

    /// The importance-sampled estimate log (1/K) Σₖ wₖ of log p(x), `[B]` nats (a lower bound that
    /// rises to log p(x) with K). Memory stays bounded: at most `maxRows` samples (rows of z) are
    /// drawn at a time — ⌊maxRows / K⌋ examples per pass, or one example in several passes when
    /// K > maxRows — and only the `[K, examples]` log-weights are kept.
    /// `progress(done, total)` hears after each chunk how many examples are done.
    public func logMarginal(_ x: Tensor, samples k: Int, generator: RandomGenerator, maxRows: Int = 8192,
                            progress: ((_ done: Int, _ total: Int) -> Void)? = nil) -> Tensor {
        require(k > 0 && maxRows > 0, "HierarchicalVAE.logMarginal: samples and maxRows must be positive, got \(k) and \(maxRows)")
        let n = x.shape[0], chunk = max(1, maxRows / k), piece = min(k, maxRows)
        var parts: [Tensor] = []
        for start in stride(from: 0, to: n, by: chunk) {
            let xs = x.slice(axis: 0, from: start, to: min(n, start + chunk))
            let weights = stride(from: 0, to: k, by: piece).map {
                logImportanceWeights(xs, samples: min(piece, k - $0), generator: generator)
            }
            parts.append(ImportanceSampling.logMeanExp(weights.count == 1 ? weights[0] : Tensor.concat(weights, axis: 0)))
            progress?(min(n, start + chunk), n)
        }
        return Tensor.concat(parts, axis: 0)
    }

    /// The objective on `batch`: −ELBO (k samples averaged, the KLs' closed-form parts taken exactly:
    /// `Terms.analyticKLZ1`) with parts `reconstruction`, `kl`, `kl_z1`, `kl_z2`; or −IWAE bound
    /// (from the log-weights alone) with the part `iwae_bound`. With `warmupSteps` > 0 the ELBO's
    /// KL is weighted by β(step) (part `beta`); the IWAE bound has no warm-up.
    public func trainingLoss(_ batch: Batch, step: Int, generator: RandomGenerator) -> TrainingLoss {
        let t = terms(batch.x, samples: objective.samples, generator: generator)
        switch objective {
        case .elbo:
            let rec = t.reconstruction.mean(), kl1 = t.analyticKLZ1.mean(), kl2 = t.analyticKLZ2.mean()
            let beta = Float(KLWarmup.linear(steps: warmupSteps).factor(atStep: step))
            var parts = ["reconstruction": Double(rec.item), "kl": Double(kl1.item + kl2.item), "kl_z1": Double(kl1.item), "kl_z2": Double(kl2.item)]
            if warmupSteps > 0 { parts["beta"] = Double(beta) }
            return TrainingLoss(loss: beta == 1 ? rec + kl1 + kl2 : rec + (kl1 + kl2) * beta, parts: parts)
        case .iwae:
            let bound = ImportanceSampling.logMeanExp(t.logWeights).mean()
            return TrainingLoss(loss: -bound, parts: ["iwae_bound": Double(bound.item)])
        }
    }

    /// `"loss"` (the one-sample −ELBO, KLs as in training), `"reconstruction"`, `"kl"`, `"kl_z1"`, `"kl_z2"`, and
    /// `"nll_iwae"` when `evaluationImportanceSamples` > 0: per-example means in nats.
    public func evaluationMetrics(_ batch: Batch, generator: RandomGenerator) -> [String: Double] {
        let t = terms(batch.x, samples: 1, generator: generator)
        let rec = Double(t.reconstruction.mean().item), kl1 = Double(t.analyticKLZ1.mean().item), kl2 = Double(t.analyticKLZ2.mean().item)
        var metrics = ["loss": rec + kl1 + kl2, "reconstruction": rec, "kl": kl1 + kl2, "kl_z1": kl1, "kl_z2": kl2]
        if evaluationImportanceSamples > 0 {
            metrics["nll_iwae"] = -Double(logMarginal(batch.x, samples: evaluationImportanceSamples, generator: generator).mean().item)
        }
        return metrics
    }

    /// n draws from the model: z₂ ~ N(0, T²I), z₁ = μₚ(z₂) + T σₚ(z₂) ε, and the decoder's mean
    /// (pixel probabilities) at z₁, `[n] + outputShape` (no gradients). T = `temperature`.
    public func sample(_ n: Int, temperature: Float = 1, generator: RandomGenerator) -> Tensor {
        withoutGrad {
            let z2 = Tensor.randn([n, latent2], generator: generator) * temperature
            let p1 = prior1(z2)
            let z1 = p1.loc + p1.logScale.exp() * Tensor.randn([n, latent1], generator: generator) * temperature
            return decoder(z1).mean
        }
    }

    /// The posterior means of z₂ and z₁ (z₁'s given z₂'s mean for the ladder; z₂'s given z₁'s
    /// mean bottom-up), `[B, L₂]` and `[B, L₁]`, no gradients.
    public func posteriorMeans(_ x: Tensor) -> (z1: Tensor, z2: Tensor) {
        withoutGrad {
            let h = bottomUp(x)
            switch inference {
            case .bottomUp:
                let z1 = posterior1(h).loc
                return (z1, posterior2(z1).loc)
            case .ladder:
                let z2 = posterior2(h).loc
                return (DiagonalGaussian.precisionWeighted(bottomUp: posterior1(h), topDown: prior1(z2)).loc, z2)
            }
        }
    }

    /// The decoder's mean at z₁'s posterior mean: `[B] + outputShape` (no gradients).
    public func reconstruct(_ x: Tensor) -> Tensor {
        withoutGrad { decoder(posteriorMeans(x).z1).mean }
    }
}
