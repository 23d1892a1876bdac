import Foundation
import LatentTensor
import LatentNN
import LatentProbability

/// A conditional VAE (Sohn, Lee & Yan, 2015) for p(y|x): recognition network q(z|x, y), prior
/// p(z|x) — learned (a `GaussianEncoder` of x) or fixed N(0, I) — and decoder p(y|x, z).
///
/// Per example, the loss is −E_q[log p(y|x, z)] + KL(q(z|x, y) ‖ p(z|x)) (closed form between
/// diagonal Gaussians), summed over target and latent dimensions, averaged over the batch, nats.
/// How batches become (x, y) is the `task`'s job.
public final class ConditionalVAE: Module, TrainableModel {
    /// q(z|x, y); its body takes the flattened target and the condition concatenated, `[B, D_y + C]`.
    public let posterior: GaussianEncoder
    /// p(z|x) from the condition `[B, C]`; nil = the fixed prior N(0, I).
    public let prior: GaussianEncoder?
    /// p(y|x, z); its body takes z and the condition concatenated, `[N, L + C]`.
    public let decoder: Decoder
    /// How a batch splits into condition and target.
    public let task: ConditioningTask
    /// When > 0, `evaluationMetrics` also reports `"nll_iwae"`: −log p(y|x) with this many importance samples.
    public var evaluationImportanceSamples: Int

    /// A conditional VAE from its parts (latent dimensions must agree).
    public init(posterior: GaussianEncoder, prior: GaussianEncoder?, decoder: Decoder, task: ConditioningTask,
                evaluationImportanceSamples: Int = 0) {
        require(prior == nil || prior!.latentDimension == posterior.latentDimension,
                "ConditionalVAE: posterior has \(posterior.latentDimension) latent dimensions, prior \(prior!.latentDimension)")
        require(decoder.outputShape == task.targetShape,
                "ConditionalVAE: decoder outputs \(decoder.outputShape) but the task's target is \(task.targetShape)")
        self.posterior = posterior
        self.prior = prior
        self.decoder = decoder
        self.task = task
        self.evaluationImportanceSamples = evaluationImportanceSamples
    }

    /// An MLP conditional VAE: q and the learned prior are D-`hidden`-2L ReLU networks, the decoder
    /// (L + C)-`hidden`-D_y. With `learnedPrior: false` the prior is N(0, I) — the "one-hot label
    /// concatenated" CVAE when the task is `classConditional`.
    /// With `pixelCNN`, the decoder is that PixelCNN conditioned on (z, x) instead (one-channel targets).
    public static func mlp(task: ConditioningTask, hidden: Int = 400, latent: Int = 20, learnedPrior: Bool = true,
                           likelihood: Likelihood = .bernoulli, pixelCNN: PixelCNNDecoderConfiguration? = nil,
                           generator: RandomGenerator = .global) -> ConditionalVAE {
        let dy = task.targetShape.reduce(1, *), c = task.conditionFeatures
        func gaussian(_ inputs: Int) -> GaussianEncoder {
            GaussianEncoder(body: Sequential(Linear(inputs, hidden, generator: generator), Activation.relu,
                                             Linear(hidden, 2 * latent, generator: generator)), latentDimension: latent)
        }
        let decoder = Decoder(body: Sequential(Linear(latent + c, hidden, generator: generator), Activation.relu,
                                               Linear(hidden, dy, generator: generator)),
                              outputShape: task.targetShape, likelihood: likelihood)
        let pixelDecoder = pixelCNN?.decoder(imageShape: task.targetShape, inputs: latent + c, hidden: hidden, generator: generator)
        return ConditionalVAE(posterior: gaussian(dy + c), prior: learnedPrior ? gaussian(c) : nil, decoder: pixelDecoder ?? decoder, task: task)
    }

    /// Latent dimensions L.
    public var latentDimension: Int { posterior.latentDimension }

    /// q(z|x, y) for condition `[B, C]` and target `[B, …]`.
    public func recognition(condition x: Tensor, target y: Tensor) -> DiagonalGaussian {
        posterior(Tensor.concat([y.reshaped([y.shape[0], -1]), x], axis: 1))
    }

    /// p(z|x) for condition `[B, C]` (N(0, I) for the fixed prior).
    public func conditionalPrior(_ x: Tensor) -> DiagonalGaussian {
        if let prior = prior { return prior(x) }
        let zeros = Tensor.zeros([x.shape[0], latentDimension])
        return DiagonalGaussian(loc: zeros, logScale: zeros)
    }

    /// p(y|x, z) for condition `[B, C]` and latents `[..., B, L]`: batch `[..., B]`.
    public func likelihood(condition x: Tensor, z: Tensor) -> Independent {
        let xs = x.expanded(to: Array(z.shape.dropLast()) + [x.shape[1]])
        return decoder(Tensor.concat([z, xs], axis: -1))
    }

    /// log p(y|x, z) for targets `[B, …]`, condition `[B, C]` and latents `[..., B, L]`: `[..., B]`
    /// nats — the decoder's exact `logProb(_:given:)`, autoregressive decoders included.
    public func logLikelihood(target y: Tensor, condition x: Tensor, z: Tensor) -> Tensor {
        let xs = x.expanded(to: Array(z.shape.dropLast()) + [x.shape[1]])
        return decoder.logProb(y, given: Tensor.concat([z, xs], axis: -1))
    }

    /// Reconstruction −log p(y|x, z) `[B]` with one z ~ q(z|x, y), and KL(q ‖ p(z|x)) `[B]`.
    public func lossTerms(condition x: Tensor, target y: Tensor, generator: RandomGenerator) -> (reconstruction: Tensor, kl: Tensor) {
        let q = recognition(condition: x, target: y)
        let z = q.rsample(1, generator: generator).squeezed(axis: 0)
        return (-logLikelihood(target: y, condition: x, z: z), q.klPerDimension(to: conditionalPrior(x)).sum(axis: 1))
    }

    /// The importance-sampled estimate of log p(y|x) with K draws from q(z|x, y):
    /// log (1/K) Σₖ p(y|x, zₖ) p(zₖ|x) / q(zₖ|x, y), `[B]` nats, in chunks with K · chunk ≤ `maxRows`;
    /// `progress(done, total)` hears after each chunk how many examples are done.
    public func conditionalLogLikelihood(condition x: Tensor, target y: Tensor, samples k: Int,
                                         generator: RandomGenerator, maxRows: Int = 8192,
                                         progress: ((_ done: Int, _ total: Int) -> Void)? = nil) -> Tensor {
        require(k > 0, "ConditionalVAE.conditionalLogLikelihood: samples must be positive, got \(k)")
        let n = x.shape[0], chunk = max(1, (decoder.isAutoregressive ? min(maxRows, 256) : maxRows) / k)
        var parts: [Tensor] = []
        var start = 0
        while start < n {
            let end = min(n, start + chunk)
            let xc = x.slice(axis: 0, from: start, to: end), yc = y.slice(axis: 0, from: start, to: end)
            let q = recognition(condition: xc, target: yc)
            let z = q.rsample(k, generator: generator)
            let logW = logLikelihood(target: yc, condition: xc, z: z) + conditionalPrior(xc).logProb(z) - q.logProb(z)
            parts.append(ImportanceSampling.logMeanExp(logW))
            start = end
            progress?(end, n)
        }
        return Tensor.concat(parts, axis: 0)
    }

    /// −E_q[log p(y|x, z)] + KL(q(z|x, y) ‖ p(z|x)) on `batch` split by the task; parts
    /// `reconstruction` and `kl`.
    public func trainingLoss(_ batch: Batch, step: Int, generator: RandomGenerator) -> TrainingLoss {
        let (x, y) = task.split(batch)
        let t = lossTerms(condition: x, target: y, generator: generator)
        let r = t.reconstruction.mean(), kl = t.kl.mean()
        return TrainingLoss(loss: r + kl, parts: ["reconstruction": Double(r.item), "kl": Double(kl.item)])
    }

    /// `"loss"` (−ELBO of log p(y|x)), `"reconstruction"`, `"kl"`, and `"nll_iwae"` when
    /// `evaluationImportanceSamples` > 0 — per-example means in nats.
    public func evaluationMetrics(_ batch: Batch, generator: RandomGenerator) -> [String: Double] {
        let (x, y) = task.split(batch)
        let t = lossTerms(condition: x, target: y, generator: generator)
        let r = Double(t.reconstruction.mean().item), kl = Double(t.kl.mean().item)
        var metrics = ["loss": r + kl, "reconstruction": r, "kl": kl]
        if evaluationImportanceSamples > 0 {
            metrics["nll_iwae"] = -Double(conditionalLogLikelihood(condition: x, target: y, samples: evaluationImportanceSamples,
                                                                   generator: generator).mean().item)
        }
        return metrics
    }

    /// Targets drawn for conditions `[B, C]`: the decoder's picture (`Decoder.decode`: its mean, or
    /// an ancestral sample) at z ~ p(z|x), `[B] + targetShape` (no gradients).
    public func sample(condition x: Tensor, generator: RandomGenerator) -> Tensor {
        let z = withoutGrad { Tensor.concat([conditionalPrior(x).rsample(1, generator: generator).squeezed(axis: 0), x], axis: -1) }
        return decoder.decode(z, generator: generator)
    }
}
