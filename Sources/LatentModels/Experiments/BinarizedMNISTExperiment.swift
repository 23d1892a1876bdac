import Foundation
import LatentTensor
import LatentNN
import LatentData

extension VAEExperiments {
    /// The one-stochastic-layer MNIST setting of Burda et al. (IWAE, 2016): encoder and decoder MLPs
    /// 784-200-200-50 (tanh; `VAEArchitectures.deepMLP`), a Bernoulli decoder, training images
    /// *dynamically* binarized (a fresh Bernoulli draw of every pixel in every epoch, from the
    /// loader's per-epoch generator), Adam 1e-3, batch `batchSize` (100 in the paper), the
    /// `objective` (`.elbo` or `.iwae(samples: k)`), for `epochs` epochs or until `timeLimit`
    /// seconds of training have passed, whichever comes first (checked after each epoch).
    ///
    /// The test images are binarized *once* with a generator seeded by `testBinarizationSeed`.
    /// Reports the test −ELBO on all 10 000 binarized test images and −log p(x) by importance
    /// sampling with `importanceSamples` draws (the paper: 5000) on the first `importanceImages`
    /// of them, nats per image; `epochs_run` holds the epochs actually trained.
    ///
    /// The paper's numbers after 3 280 epochs (with its learning-rate schedule): 86.76 (VAE),
    /// 84.78 (IWAE, k = 50).
    public static func binarizedIWAESetting(epochs: Int, objective: VAEObjective = .elbo, timeLimit: Double? = nil,
                                            batchSize: Int = 100, importanceSamples: Int = 5000,
                                            importanceImages: Int = 10_000, testBinarizationSeed: UInt64 = 0xB1A5_7E57,
                                            options: Options = Options()) throws -> ExperimentResult {
        let start = Date()
        let data = try MNIST.load(.mnist, source: options.source)
        let testSet = data.test.staticallyBinarized(seed: testBinarizationSeed)
        let (e, d) = VAEArchitectures.deepMLP(generator: RandomGenerator(seed: options.seed))
        let vae = VAE(encoder: e, decoder: d, objective: objective)
        let trainer = Trainer(model: vae, optimizer: Adam(vae.namedParameters(), learningRate: 1e-3),
                              configuration: TrainerConfiguration(epochs: epochs, seed: options.seed, metricsFile: options.metricsFile))
        trainer.onEpochEnd = { [unowned trainer] report, _ in
            options.progress?(report)
            if let limit = timeLimit, Date().timeIntervalSince(start) >= limit { trainer.configuration.epochs = trainer.epoch }
        }
        let train = DataLoader(data.train, batchSize: batchSize, seed: options.seed,
                               transform: .dynamicBinarization, prefetch: true)
        let test = DataLoader(testSet, batchSize: 500, shuffle: false)
        try trainer.fit(train: train, test: test)
        let trainingSeconds = Date().timeIntervalSince(start)
        let last = trainer.history.last?.test ?? trainer.evaluate(test)
        var metrics = ["test_negative_elbo": last["loss"]!, "test_kl": last["kl"]!,
                       "test_reconstruction": last["reconstruction"]!, "epochs_run": Double(trainer.epoch),
                       "training_seconds": trainingSeconds]
        if importanceSamples > 0 {
            let n = min(importanceImages, testSet.count)
            vae.eval()
            let generator = RandomGenerator(seed: options.seed ^ 0x5EED)
            let logp = withoutGrad {
                vae.logMarginal(testSet.inputs.slice(axis: 0, from: 0, to: n), samples: importanceSamples,
                                generator: generator, maxRows: 2 * importanceSamples)
            }
            metrics["test_nll_iwae\(importanceSamples)_first\(n)"] = -Double(logp.mean().item)
        }
        let objectiveName: String
        switch objective {
        case .elbo: objectiveName = "VAE (ELBO)"
        case let .iwae(k): objectiveName = "IWAE k=\(k)"
        case let .wae(lambda): objectiveName = "WAE-MMD λ=\(lambda)"
        }
        return ExperimentResult(name: "binarized MNIST 784-200-200-50 tanh, \(objectiveName), batch \(batchSize), \(trainer.epoch) epochs",
                                metrics: metrics, seconds: Date().timeIntervalSince(start), history: trainer.history)
    }
}
