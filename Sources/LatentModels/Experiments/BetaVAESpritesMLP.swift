import Foundation
import LatentTensor
import LatentNN
import LatentData
import LatentViz

/// A trained β-VAE on sprites with its numbers and held-out sprites (see `VAEExperiments.betaVAESpritesMLP`).
public struct BetaVAESpritesRun {
    /// The numbers: test −ELBO (β = 1), KL, active units, MIG and the gap per factor.
    public var result: ExperimentResult
    /// The trained model.
    public var model: VAE
    /// The held-out sprites the numbers were measured on.
    public var test: SpriteSet

    /// A latent traversal of the model around the posterior mean of test sprite `index`: row d
    /// decodes the mean with z_d replaced by each of `values` (`ImageGrid.traversal`).
    public func traversal(index: Int = 0, values: [Double] = [-3, -2, -1, 0, 1, 2, 3], scale: Int = 1) -> RGBImage {
        let x = test.images.slice(axis: 0, from: index, to: index + 1)
        let l = model.latentDimension
        let mu = withoutGrad { model.encoder(x).loc.scalars }
        var codes: [Float] = []
        for d in 0..<l {
            for v in values {
                var z = mu
                z[d] = Float(v)
                codes += z
            }
        }
        let images = withoutGrad { model.decoder(Tensor(shape: [l * values.count, l], scalars: codes)).mean }
        return ImageGrid.traversal(images, dimensions: Array(0..<l), values: values, scale: scale)
    }
}

extension VAEExperiments {
    /// A short β-VAE (Higgins et al., 2017) run on procedural 64×64 sprites that fits a few minutes
    /// of one core: a ReLU MLP VAE 4096-`hidden`-`latent` (`VAEArchitectures.deepMLP`), Bernoulli
    /// likelihood, Adam 1e-3, batch 64, `steps` optimizer steps over `count` random sprites, KL
    /// weight `beta` after a linear warm-up over `warmupSteps`. Reports the −ELBO (β = 1) and KL on
    /// 2000 fresh sprites, the active units and the Mutual Information Gap of the posterior means
    /// against the five factors; returns the model too, for traversals.
    public static func betaVAESpritesMLP(beta: Float, latent: Int = 10, hidden: [Int] = [512, 512], steps: Int = 3000,
                                         count: Int = 16_000, warmupSteps: Int = 500,
                                         options: Options = Options()) throws -> BetaVAESpritesRun {
        let start = Date()
        let train = Sprites.random(count: count, generator: RandomGenerator(seed: options.seed)).dataset
        let test = Sprites.random(count: 2000, generator: RandomGenerator(seed: options.seed &+ 1))
        let (e, d) = VAEArchitectures.deepMLP(imageShape: [1, 64, 64], hidden: hidden, latent: latent,
                                              activation: { Activation.relu }, generator: RandomGenerator(seed: options.seed))
        let loader = DataLoader(train, batchSize: 64, seed: options.seed, dropLast: true, prefetch: true)
        let vae = VAE(encoder: e, decoder: d, regularizer: KLRegularizer(beta: beta, warmup: .linear(steps: warmupSteps)))
        let epochs = (steps + loader.batchesPerEpoch - 1) / loader.batchesPerEpoch
        let trainer = Trainer(model: vae, optimizer: Adam(vae.namedParameters(), learningRate: 1e-3),
                              configuration: TrainerConfiguration(epochs: epochs, seed: options.seed, metricsFile: options.metricsFile))
        trainer.onEpochEnd = { report, _ in options.progress?(report) }
        let testLoader = DataLoader(test.dataset, batchSize: 200, shuffle: false)
        try trainer.fit(train: loader, test: testLoader)
        var metrics = disentanglementMetrics(vae, trainer: trainer, testLoader: testLoader, factors: test.factorIndices)
        metrics["steps"] = Double(trainer.step)
        let result = ExperimentResult(name: "beta-vae sprites MLP 4096-\(hidden.map(String.init).joined(separator: "-"))-\(latent) β=\(beta), \(trainer.step) steps",
                                      metrics: metrics, seconds: Date().timeIntervalSince(start), history: trainer.history)
        return BetaVAESpritesRun(result: result, model: vae, test: test)
    }
}
