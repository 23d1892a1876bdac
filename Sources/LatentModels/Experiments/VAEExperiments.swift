import Foundation
import LatentTensor
import LatentNN
import LatentData
import LatentProbability

/// The numbers of one experiment run.
public struct ExperimentResult: CustomStringConvertible {
    /// What was run, e.g. "mlp-vae 784-400-20, 10 epochs".
    public var name: String
    /// Named results in nats per example (e.g. `test_negative_elbo`, `test_nll_iwae1000`).
    public var metrics: [String: Double]
    /// Wall-clock seconds (training and evaluation).
    public var seconds: Double
    /// The per-epoch reports of the training loop.
    public var history: [EpochReport]

    public var description: String {
        "\(name): " + metrics.keys.sorted().map { "\($0) = \(String(format: "%.2f", metrics[$0]!))" }.joined(separator: ", ")
            + String(format: " (%.0f s)", seconds)
    }
}

/// The reference VAE runs of issue 6 on MNIST scaled to [0, 1] with a Bernoulli likelihood on the
/// continuous values (no binarization), Adam 1e-3, batch 128. Each returns test-set numbers in nats.
public enum VAEExperiments {
    /// Options shared by the runs.
    public struct Options {
        /// Where MNIST is found.
        public var source: DataSource
        /// Seed of initialization, shuffling and sampling.
        public var seed: UInt64
        /// Optional JSON Lines metrics file for the training loop.
        public var metricsFile: URL?
        /// Called after every epoch (e.g. to print progress).
        public var progress: ((EpochReport) -> Void)?
        /// Options; `source` must locate the MNIST IDX files.
        public init(source: DataSource = DataSource(), seed: UInt64 = 0, metricsFile: URL? = nil,
                    progress: ((EpochReport) -> Void)? = nil) {
            (self.source, self.seed, self.metricsFile, self.progress) = (source, seed, metricsFile, progress)
        }
    }

    /// The MLP VAE 784-400-20 (ReLU) trained `epochs` epochs — with `flowLayers` > 0, its posterior
    /// refined by that many IAF layers conditioned on x (`PosteriorFlow.inverseAutoregressive`, MADE
    /// 400 hidden, context 400). Reports the test −ELBO (all 10 000 test images) and, on the first
    /// `importanceImages`, −log p(x) by IWAE with `importanceSamples`, the −ELBO averaged over
    /// `importanceSamples` draws, and their difference: the ELBO gap KL(q(z|x) ‖ p(z|x)).
    public static func mlpVAE(epochs: Int = 10, flowLayers: Int = 0, importanceSamples: Int = 1000,
                              importanceImages: Int = 1000, options: Options = Options()) throws -> ExperimentResult {
        let data = try MNIST.load(.mnist, source: options.source)
        let g = RandomGenerator(seed: options.seed)
        let (e, d) = VAEArchitectures.mlp(generator: g)
        let flow = flowLayers > 0
            ? PosteriorFlow.inverseAutoregressive(latent: 20, inputFeatures: 784, count: flowLayers, hidden: [400], contextFeatures: 400, generator: g)
            : nil
        let vae = VAE(encoder: e, decoder: d, flow: flow)
        let name = "mlp-vae 784-400-20\(flowLayers > 0 ? " + \(flowLayers) IAF layers" : ""), \(epochs) epochs"
        return try run(name: name, model: vae, data: data, epochs: epochs, options: options) { metrics in
            guard importanceSamples > 0 else { return }
            let x = data.test.inputs.slice(axis: 0, from: 0, to: min(importanceImages, data.test.count))
            vae.eval()
            let generator = RandomGenerator(seed: options.seed ^ 0x5EED)
            var logp: [Tensor] = [], elbo: [Tensor] = []
            withoutGrad {
                for start in stride(from: 0, to: x.shape[0], by: 8) {
                    let chunk = x.slice(axis: 0, from: start, to: min(start + 8, x.shape[0]))
                    let logW = vae.logImportanceWeights(chunk, samples: importanceSamples, generator: generator)
                    logp.append(ImportanceSampling.logMeanExp(logW))
                    elbo.append(logW.mean(axis: 0))
                }
            }
            let nll = -Double(Tensor.concat(logp).mean().item), negativeELBO = -Double(Tensor.concat(elbo).mean().item)
            metrics["test_nll_iwae\(importanceSamples)_first\(x.shape[0])"] = nll
            metrics["test_negative_elbo_first\(x.shape[0])"] = negativeELBO
            metrics["elbo_gap_first\(x.shape[0])"] = negativeELBO - nll
        }
    }

    /// The convolutional VAE (conv 32-64, 4×4 stride 2, latent 16, and a `hidden` fully connected
    /// layer of 256 units unless nil) trained `epochs` epochs; test −ELBO. Measured (seeds 0, 1):
    /// 104.96, 106.68 nats with the 256-unit layer, 107.10, 107.63 without.
    public static func convolutionalVAE(epochs: Int = 3, hidden: Int? = 256, options: Options = Options()) throws -> ExperimentResult {
        let data = try MNIST.load(.mnist, source: options.source)
        let (e, d) = VAEArchitectures.convolutional28(hidden: hidden, generator: RandomGenerator(seed: options.seed))
        let name = "conv-vae 32-64\(hidden.map { " + fc \($0)" } ?? "") latent 16, \(epochs) epochs"
        return try run(name: name, model: VAE(encoder: e, decoder: d), data: data,
                       epochs: epochs, options: options) { _ in }
    }

    /// A conditional VAE (MLP 400 hidden, latent 20) trained `epochs` epochs on `task` — by default
    /// class-conditional generation (x = one-hot label, y = image), or e.g. quadrant completion —
    /// with the fixed prior N(0, I) (for labels: "label concatenated") or the learned prior p(z|x);
    /// test −ELBO of log p(y|x) and its IWAE estimate with `importanceSamples` on the first
    /// `importanceImages` test images.
    public static func conditionalVAE(task: ConditioningTask = .classConditional(), taskName: String = "label → image",
                                      learnedPrior: Bool, epochs: Int = 10, importanceSamples: Int = 1000,
                                      importanceImages: Int = 1000, options: Options = Options()) throws -> ExperimentResult {
        let data = try MNIST.load(.mnist, source: options.source)
        let cvae = ConditionalVAE.mlp(task: task, learnedPrior: learnedPrior, generator: RandomGenerator(seed: options.seed))
        let name = "cvae \(taskName), \(learnedPrior ? "learned prior p(z|x)" : "fixed prior N(0, I)"), \(epochs) epochs"
        return try run(name: name, model: cvae, data: data, epochs: epochs, options: options) { metrics in
            guard importanceSamples > 0 else { return }
            let n = min(importanceImages, data.test.count)
            let (x, y) = cvae.task.split(Batch(x: data.test.inputs.slice(axis: 0, from: 0, to: n),
                                               y: data.test.labels!.slice(axis: 0, from: 0, to: n)))
            cvae.eval()
            let logp = withoutGrad {
                cvae.conditionalLogLikelihood(condition: x, target: y, samples: importanceSamples,
                                              generator: RandomGenerator(seed: options.seed ^ 0x5EED))
            }
            metrics["test_nll_iwae\(importanceSamples)_first\(n)"] = -Double(logp.mean().item)
        }
    }

    /// Trains `model` with Adam 1e-3, batch 128, then evaluates the test −ELBO (batches of 500) and
    /// lets `extra` add metrics.
    static func run<Model: TrainableModel>(name: String, model: Model, data: DatasetSplits, epochs: Int, options: Options,
                                           extra: (inout [String: Double]) throws -> Void) throws -> ExperimentResult {
        let start = Date()
        let trainer = Trainer(model: model, optimizer: Adam(model.namedParameters(), learningRate: 1e-3),
                              configuration: TrainerConfiguration(epochs: epochs, seed: options.seed, metricsFile: options.metricsFile))
        trainer.onEpochEnd = { report, _ in options.progress?(report) }
        let train = DataLoader(data.train, batchSize: 128, seed: options.seed, prefetch: true)
        let test = DataLoader(data.test, batchSize: 500, shuffle: false)
        try trainer.fit(train: train, test: test)
        let last = trainer.history.last?.test ?? trainer.evaluate(test)
        var metrics = ["test_negative_elbo": last["loss"]!, "test_kl": last["kl"]!, "test_reconstruction": last["reconstruction"]!]
        try extra(&metrics)
        return ExperimentResult(name: name, metrics: metrics, seconds: Date().timeIntervalSince(start), history: trainer.history)
    }
}
