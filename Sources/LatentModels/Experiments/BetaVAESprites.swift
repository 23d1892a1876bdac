import Foundation
import LatentTensor
import LatentNN
import LatentData

extension VAEExperiments {
    /// A β-VAE (Higgins et al., 2017) on procedural 64×64 sprites: the `convolutional64`
    /// architecture with `latent` dimensions and a Bernoulli likelihood, trained `epochs` epochs on
    /// `count` random sprites (Adam 1e-3, batch 64), KL weight `beta` after a linear warm-up over the
    /// first epoch. Reports the −ELBO (β = 1) and KL on 2000 fresh sprites, the number of active
    /// units and the Mutual Information Gap of the posterior means against the five factors.
    public static func betaVAESprites(beta: Float = 4, latent: Int = 10, count: Int = 20_000, epochs: Int = 5,
                                      options: Options = Options()) throws -> ExperimentResult {
        let start = Date()
        let train = Sprites.random(count: count, generator: RandomGenerator(seed: options.seed)).dataset
        let test = Sprites.random(count: 2000, generator: RandomGenerator(seed: options.seed &+ 1))
        let (e, d) = VAEArchitectures.convolutional64(latent: latent, generator: RandomGenerator(seed: options.seed))
        let loader = DataLoader(train, batchSize: 64, seed: options.seed, prefetch: true)
        let vae = VAE(encoder: e, decoder: d,
                      regularizer: KLRegularizer(beta: beta, warmup: .linear(steps: loader.batchesPerEpoch)))
        let trainer = Trainer(model: vae, optimizer: Adam(vae.namedParameters(), learningRate: 1e-3),
                              configuration: TrainerConfiguration(epochs: epochs, seed: options.seed, metricsFile: options.metricsFile))
        trainer.onEpochEnd = { report, _ in options.progress?(report) }
        let testLoader = DataLoader(test.dataset, batchSize: 200, shuffle: false)
        try trainer.fit(train: loader, test: testLoader)
        let metrics = disentanglementMetrics(vae, trainer: trainer, testLoader: testLoader, factors: test.factorIndices)
        return ExperimentResult(name: "beta-vae sprites β=\(beta), latent \(latent), \(count) images × \(epochs) epochs",
                                metrics: metrics, seconds: Date().timeIntervalSince(start), history: trainer.history)
    }
}

extension VAEExperiments {
    /// Test −ELBO and KL of the last epoch, MIG of the posterior means against the true factors
    /// (overall and per factor as `mig_<factor>`), and the number of active units — the numbers every
    /// β-VAE sprites run reports. Puts the model in evaluation mode.
    static func disentanglementMetrics(_ vae: VAE, trainer: Trainer<VAE>, testLoader: DataLoader, factors: Tensor) -> [String: Double] {
        vae.eval()
        let codes = withoutGrad { Tensor.concat(IteratorSequence(testLoader.iterator(forEpoch: 0)).map { vae.encoder($0.x).loc }, axis: 0) }
        let mig = MutualInformationGap.measure(codes: codes, factors: factors)
        let diagnostics = LatentDiagnostics.measure(vae, on: testLoader)
        let last = trainer.history.last!.test
        var metrics = ["test_negative_elbo": last["loss"]!, "test_kl": last["kl"]!, "mig": mig.score,
                       "active_units": Double(diagnostics.activeUnits)]
        for (name, gap) in zip(Sprites.factorNames, mig.perFactor) { metrics["mig_" + name] = gap }
        return metrics
    }
}
