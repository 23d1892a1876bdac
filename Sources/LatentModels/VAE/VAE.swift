import Foundation
import LatentTensor
import LatentNN
import LatentProbability

/// A variational autoencoder (Kingma & Welling, 2014): encoder q(z|x), decoder p(x|z), prior p(z),
/// and optionally a `PosteriorFlow` refining q.
///
/// Per example, ELBO(x) = E_q[log p(x|z)] − KL(q(z|x) ‖ p(z)), summed over data and latent
/// dimensions; losses are the batch mean of −ELBO in nats. The KL is in closed form when the prior
/// has one and there is no flow, else the one-sample estimate log q(z|x) − log p(z). With the
/// `.wae` objective the same encoder, decoder and prior form a Wasserstein autoencoder instead.
public final class VAE: Module, TrainableModel {
    /// q(z|x).
    public let encoder: GaussianEncoder
    /// p(x|z).
    public let decoder: Decoder
    /// p(z).
    public let prior: any LatentPrior
    /// Refines q(z|x) when set.
    public let flow: PosteriorFlow?
    /// How the KL is weighted in training.
    public let regularizer: KLRegularizer
    /// Training objective (ELBO or IWAE).
    public var objective: VAEObjective
    /// When > 0, `evaluationMetrics` also reports `"nll_iwae"`: −log p(x) by importance sampling with this K.
    public var evaluationImportanceSamples: Int
    /// β-TCVAE's extra weight on the total correlation (Chen et al., 2018): the ELBO objective adds
    /// this times the minibatch estimate of TC (`TotalCorrelation`), so a TC weight of B in the
    /// paper's terms is `B − 1` here. 0 = off. Needs the Gaussian posterior without a flow.
    public var totalCorrelationWeight: Float = 0 {
        didSet { require(totalCorrelationWeight == 0 || flow == nil, "VAE: the total-correlation penalty needs q(z|x) without a posterior flow") }
    }
    /// N, the training set size, for the TC estimate's constant (0: the batch size). Does not change gradients.
    public var totalCorrelationDatasetSize: Int = 0

    /// A VAE from its parts; the encoder, decoder and prior must agree on the latent dimension.
    public init(encoder: GaussianEncoder, decoder: Decoder, prior: (any LatentPrior)? = nil, flow: PosteriorFlow? = nil,
                regularizer: KLRegularizer = KLRegularizer(), objective: VAEObjective = .elbo,
                evaluationImportanceSamples: Int = 0) {
        let p = prior ?? StandardNormalPrior(latentDimension: encoder.latentDimension)
        require(p.latentDimension == encoder.latentDimension,
                "VAE: encoder has \(encoder.latentDimension) latent dimensions but the prior \(p.latentDimension)")
        self.encoder = encoder
        self.decoder = decoder
        self.prior = p
        self.flow = flow
        self.regularizer = regularizer
        self.objective = objective
        self.evaluationImportanceSamples = evaluationImportanceSamples
    }

    /// Latent dimensions L.
    public var latentDimension: Int { encoder.latentDimension }

    /// The pieces of the one-sample ELBO for inputs `[B, …]`: reconstruction −log p(x|z) `[B]`,
    /// KL `[B]`, per-dimension KL `[B, L]` when closed-form, the Gaussian q₀(z|x) and the sample z
    /// `[B, L]` (after the flow, if any).
    public func elboTerms(_ x: Tensor, generator: RandomGenerator)
        -> (reconstruction: Tensor, kl: Tensor, klPerDimension: Tensor?, posterior: DiagonalGaussian, z: Tensor) {
        let q = encoder(x)
        let z0 = q.rsample(1, generator: generator).squeezed(axis: 0)
        if let flow = flow {
            let (z, logDet) = flow(z0, input: x)
            return (-decoder.logProb(x, given: z), q.logProb(z0) - logDet - prior.logProb(z), nil, q, z)
        }
        let reconstruction = -decoder.logProb(x, given: z0)
        if let perDim = prior.klPerDimension(from: q) {
            return (reconstruction, perDim.sum(axis: 1), perDim, q, z0)
        }
        return (reconstruction, q.logProb(z0) - prior.logProb(z0), nil, q, z0)
    }

    /// log wₖ = log p(x|zₖ) + log p(zₖ) − log q(zₖ|x) for K draws zₖ ~ q(z|x): `[K, B]`.
    public func logImportanceWeights(_ x: Tensor, samples k: Int, generator: RandomGenerator) -> Tensor {
        let q = encoder(x)
        let z0 = q.rsample(k, generator: generator)                      // [K, B, L]
        guard let flow = flow else { return decoder.logProb(x, given: z0) + prior.logProb(z0) - q.logProb(z0) }
        let (z, logDet) = flow(z0, input: x)
        return decoder.logProb(x, given: z) + prior.logProb(z) - q.logProb(z0) + logDet
    }

    /// The importance-weighted estimate of log p(x) with K samples, `[B]` nats (a lower bound,
    /// increasing in K). Examples are processed in chunks so that K · chunk ≤ `maxRows` (at most
    /// 256 rows for an autoregressive decoder, whose activations are images of many channels);
    /// `progress(done, total)` hears after each chunk how many examples are done.
    public func logMarginal(_ x: Tensor, samples k: Int, generator: RandomGenerator, maxRows: Int = 8192,
                            progress: ((_ done: Int, _ total: Int) -> Void)? = nil) -> Tensor {
        require(k > 0, "VAE.logMarginal: samples must be positive, got \(k)")
        let n = x.shape[0]
        let chunk = max(1, (decoder.isAutoregressive ? min(maxRows, 256) : maxRows) / k)
        var parts: [Tensor] = []
        var start = 0
        while start < n {
            let end = min(n, start + chunk)
            parts.append(ImportanceSampling.logMeanExp(logImportanceWeights(x.slice(axis: 0, from: start, to: end), samples: k, generator: generator)))
            start = end
            progress?(end, n)
        }
        return Tensor.concat(parts, axis: 0)
    }

    /// The training objective on `batch` (`objective`, KL weighted by `regularizer` at `step`);
    /// parts `reconstruction`, `kl`, `beta` (or `capacity`), or `iwae_bound` for the IWAE objective.
    public func trainingLoss(_ batch: Batch, step: Int, generator: RandomGenerator) -> TrainingLoss {
        switch objective {
        case let .wae(lambda):
            let t = waeTerms(batch.x, generator: generator)
            return TrainingLoss(loss: t.reconstruction + t.mmd * lambda,
                                parts: ["reconstruction": Double(t.reconstruction.item), "mmd": Double(t.mmd.item)])
        case let .iwae(k):
            let bound = ImportanceSampling.logMeanExp(logImportanceWeights(batch.x, samples: k, generator: generator)).mean()
            return TrainingLoss(loss: -bound, parts: ["iwae_bound": Double(bound.item)])
        case .elbo:
            let t = elboTerms(batch.x, generator: generator)
            let reconstruction = t.reconstruction.mean()
            let (klTerm, klParts) = regularizer.penalty(kl: t.kl, perDimension: t.klPerDimension, step: step, updateController: true)
            var parts = klParts
            parts["reconstruction"] = Double(reconstruction.item)
            parts["kl"] = Double(t.kl.mean().item)
            var loss = reconstruction + klTerm
            if totalCorrelationWeight != 0 {
                let tc = TotalCorrelation.minibatchWeighted(z: t.z, posterior: t.posterior,
                                                            datasetSize: max(totalCorrelationDatasetSize, batch.x.shape[0])).mean()
                parts["tc"] = Double(tc.item)
                loss = loss + tc * totalCorrelationWeight
            }
            return TrainingLoss(loss: loss, parts: parts)
        }
    }

    /// `"loss"` (−ELBO, β = 1), `"reconstruction"`, `"kl"`, and `"nll_iwae"` when
    /// `evaluationImportanceSamples` > 0 — per-example means in nats. With the discretized
    /// logistic likelihood (a probability mass over the pixel levels, so −ELBO bounds −log P(x) of
    /// the discrete image), also `"bits_per_dim"`: −ELBO / (D · ln 2) over the D pixel values, an
    /// upper bound on the model's bits/dim, comparable with a flow's.
    /// For the WAE objective: `"loss"` (reconstruction + λ·MMD²), `"reconstruction"` and `"mmd"` instead.
    public func evaluationMetrics(_ batch: Batch, generator: RandomGenerator) -> [String: Double] {
        if case let .wae(lambda) = objective {
            let t = waeTerms(batch.x, generator: generator)
            let r = Double(t.reconstruction.item), mmd = Double(t.mmd.item)
            return ["loss": r + Double(lambda) * mmd, "reconstruction": r, "mmd": mmd]
        }
        let t = elboTerms(batch.x, generator: generator)
        let r = Double(t.reconstruction.mean().item), kl = Double(t.kl.mean().item)
        var metrics = ["loss": r + kl, "reconstruction": r, "kl": kl]
        if case .discretizedLogistic = decoder.likelihood {
            metrics[MetricNames.bitsPerDim] = (r + kl) / (Double(decoder.outputShape.reduce(1, *)) * Foundation.log(2.0))
        }
        if evaluationImportanceSamples > 0 {
            metrics["nll_iwae"] = -Double(logMarginal(batch.x, samples: evaluationImportanceSamples, generator: generator).mean().item)
        }
        return metrics
    }

    /// n draws from the model: the decoder's picture (`Decoder.decode`: its mean, or an ancestral
    /// sample) at z ~ p(z), `[n] + outputShape` (no gradients).
    public func sample(_ n: Int, generator: RandomGenerator) -> Tensor {
        decoder.decode(withoutGrad { prior.sample(n, generator: generator) }, generator: generator)
    }

    /// The decoder's picture (`Decoder.decode`; an autoregressive decoder samples with
    /// `generator`) at the posterior mean μ(x) (passed through the flow, if any):
    /// `[B] + outputShape` (no gradients).
    public func reconstruct(_ x: Tensor, generator: RandomGenerator = RandomGenerator(seed: 0)) -> Tensor {
        let z = withoutGrad {
            let mu = encoder(x).loc
            return flow.map { $0(mu, input: x).z } ?? mu
        }
        return decoder.decode(z, generator: generator)
    }
}
