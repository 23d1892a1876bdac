import Foundation
import XCTest
import LatentTensor
import LatentNN
import LatentProbability
import LatentData
import LatentModels

final class VAETests: XCTestCase {
    func testClosedFormKLMatchesLibraryKL() {
        let g = RandomGenerator(seed: 1)
        let q = DiagonalGaussian(loc: Tensor.randn([3, 4], generator: g), logScale: Tensor.randn([3, 4], generator: g) * 0.5)
        let p = DiagonalGaussian(loc: Tensor.randn([3, 4], generator: g), logScale: Tensor.randn([3, 4], generator: g) * 0.5)
        let standard = klDivergence(q.distribution, StandardNormal(eventShape: [4]))
        XCTAssertTrue(q.klToStandardNormalPerDimension().sum(axis: 1).isClose(to: standard, rtol: 1e-5, atol: 1e-5))
        XCTAssertTrue(q.klPerDimension(to: p).sum(axis: 1).isClose(to: klDivergence(q.distribution, p.distribution), rtol: 1e-5, atol: 1e-5))
        XCTAssertTrue(q.logProb(p.loc).isClose(to: q.distribution.logProb(p.loc), rtol: 1e-5, atol: 1e-5))
    }

    func testVAEKLTermIsTheClosedFormAndLossIsItsSum() {
        let (e, d) = VAEArchitectures.mlp(imageShape: [1, 8, 8], hidden: 16, latent: 3, generator: RandomGenerator(seed: 2))
        let vae = VAE(encoder: e, decoder: d)
        let x = ModelTestSupport.syntheticImages(5)
        let t = vae.elboTerms(x, generator: RandomGenerator(seed: 3))
        let q = vae.encoder(x)
        XCTAssertTrue(t.kl.isClose(to: klDivergence(q.distribution, StandardNormal(eventShape: [3])), rtol: 1e-5, atol: 1e-5))
        let loss = vae.trainingLoss(Batch(x: x), step: 0, generator: RandomGenerator(seed: 3))
        XCTAssertEqual(Double(loss.loss.item), loss.parts["reconstruction"]! + loss.parts["kl"]!, accuracy: 1e-3)
        XCTAssertEqual(t.reconstruction.shape, [5])
    }

    func testLikelihoodsAndPriorsGiveFiniteLosses() {
        let x = ModelTestSupport.syntheticImages(4)
        for likelihood in [Likelihood.bernoulli, .continuousBernoulli, .gaussian(logScale: -2), .gaussianLearnedScale,
                           .discretizedLogistic(levels: 256)] {
            let (e, d) = VAEArchitectures.mlp(imageShape: [1, 8, 8], hidden: 8, latent: 2, likelihood: likelihood)
            for prior: any LatentPrior in [StandardNormalPrior(latentDimension: 2), MixtureOfGaussiansPrior(latentDimension: 2, components: 3)] {
                let vae = VAE(encoder: e, decoder: d, prior: prior)
                let loss = vae.trainingLoss(Batch(x: x), step: 0, generator: RandomGenerator(seed: 1))
                XCTAssertTrue(loss.loss.item.isFinite, "\(likelihood) with \(type(of: prior))")
                loss.loss.backward()
                XCTAssertNotNil(vae.encoder.parameters()[0].grad)
            }
        }
    }

    func testMixturePriorWithOneUnitComponentIsStandardNormal() {
        let mixture = MixtureOfGaussiansPrior(latentDimension: 3, components: 1)
        mixture.loc.value = Tensor.zeros([1, 3])
        let z = Tensor.randn([2, 5, 3], generator: RandomGenerator(seed: 4))
        XCTAssertTrue(mixture.logProb(z).isClose(to: StandardNormalPrior(latentDimension: 3).logProb(z), rtol: 1e-5, atol: 1e-5))
        XCTAssertEqual(mixture.sample(7, generator: RandomGenerator(seed: 1)).shape, [7, 3])
    }

    func testConvolutionalArchitecturesShapes() {
        let (e28, d28) = VAEArchitectures.convolutional28()
        let q = e28(Tensor.zeros([2, 1, 28, 28]))
        XCTAssertEqual(q.loc.shape, [2, 16])
        XCTAssertEqual(d28.parameters(q.loc).shape, [2, 1, 28, 28])
        let (e64, d64) = VAEArchitectures.convolutional64(latent: 6)
        let q64 = e64(Tensor.zeros([1, 1, 64, 64]))
        XCTAssertEqual(q64.loc.shape, [1, 6])
        XCTAssertEqual(d64.parameters(Tensor.zeros([3, 1, 6])).shape, [3, 1, 1, 64, 64])
        let (e32, d32) = VAEArchitectures.convolutional32(channels: 3, latent: 5, hidden: 12)
        let q32 = e32(Tensor.zeros([2, 3, 32, 32]))
        XCTAssertEqual(q32.loc.shape, [2, 5])
        XCTAssertEqual(d32.parameters(q32.loc).shape, [2, 3, 32, 32])
    }

    /// A colour 32×32 conv VAE with the discretized-logistic likelihood builds from its
    /// configuration and reports bits/dim as −ELBO / (3·32·32 · ln 2); other sides are refused.
    func testCIFARShapedConvVAEReportsBitsPerDim() throws {
        let config = VAEConfiguration(architecture: .convolutional, imageShape: [3, 32, 32], latent: 4, hidden: [],
                                      likelihood: .discretizedLogistic, levels: 256, seed: 3)
        let vae = try config.build()
        let x = Tensor(shape: [2, 3, 32, 32], scalars: (0..<6144).map { Float(($0 * 37 + 11) % 256) / 255 })
        let metrics = vae.evaluationMetrics(Batch(x: x), generator: RandomGenerator(seed: 6))
        let bits = try XCTUnwrap(metrics["bits_per_dim"])
        XCTAssertEqual(bits, metrics["loss"]! / (3072 * log(2.0)), accuracy: 1e-9)
        XCTAssertTrue(bits.isFinite && bits > 0, "bits/dim \(bits)")
        XCTAssertNil(try VAEConfiguration(architecture: .convolutional, imageShape: [1, 28, 28], hidden: []).build()
            .evaluationMetrics(Batch(x: Tensor.zeros([1, 1, 28, 28])), generator: RandomGenerator(seed: 1))["bits_per_dim"],
                     "Bernoulli on [0, 1] pixels is not a mass over 8-bit levels: no bits/dim")
        XCTAssertTrue(VAEConfiguration(architecture: .convolutional, imageShape: [3, 30, 30], hidden: []).problems()
            .contains { $0.contains("28×28, 32×32 or 64×64") })
    }

    /// A 784-200-20 VAE on 3000 mnist-5k images for 300 steps (batch 100, Adam 1e-3, Bernoulli on
    /// [0, 1] values), then ELBO ≤ IWAE₁₀ ≤ IWAE₁₀₀ on 100 test images (gaps of several nats).
    func testMNIST5kTrainingReachesBoundAndIWAEBoundsIncreaseWithK() throws {
        let data = try ModelTestSupport.mnist5k()
        let (e, d) = VAEArchitectures.mlp(hidden: 200, latent: 20, generator: RandomGenerator(seed: 1))
        let vae = VAE(encoder: e, decoder: d)
        let train = DataLoader(data.train.prefix(3000), batchSize: 100, seed: 1)
        let test = DataLoader(data.test.prefix(500), batchSize: 250, shuffle: false)
        let trainer = Trainer(model: vae, optimizer: Adam(vae.namedParameters(), learningRate: 1e-3),
                              configuration: TrainerConfiguration(epochs: 10, seed: 1))
        try trainer.fit(train: train, test: test)
        let negativeELBO = trainer.history.last!.test["loss"]!
        print("mnist-5k 300 steps: test −ELBO \(negativeELBO)")
        XCTAssertLessThan(negativeELBO, 165, "test −ELBO after 300 steps")
        XCTAssertLessThan(negativeELBO, trainer.history.first!.test["loss"]!)

        vae.eval()
        let x = data.test.inputs.slice(axis: 0, from: 0, to: 100)
        let g = RandomGenerator(seed: 9)
        let (elbo, iwae10, iwae100) = withoutGrad { () -> (Double, Double, Double) in
            let t = vae.elboTerms(x, generator: g)
            return (-Double((t.reconstruction + t.kl).mean().item),
                    Double(vae.logMarginal(x, samples: 10, generator: g).mean().item),
                    Double(vae.logMarginal(x, samples: 100, generator: g).mean().item))
        }
        print("ELBO \(elbo), IWAE10 \(iwae10), IWAE100 \(iwae100)")
        XCTAssertLessThan(elbo, iwae10)
        XCTAssertLessThan(iwae10, iwae100)
        XCTAssertLessThan(iwae100 - elbo, 30, "the IWAE gain stays a few nats")
    }

    func testIWAEObjectiveTrains() throws {
        let (e, d) = VAEArchitectures.mlp(imageShape: [1, 8, 8], hidden: 16, latent: 3, generator: RandomGenerator(seed: 2))
        let vae = VAE(encoder: e, decoder: d, objective: .iwae(samples: 5))
        let loader = DataLoader(inputs: ModelTestSupport.syntheticImages(64), batchSize: 32, seed: 1)
        let trainer = Trainer(model: vae, optimizer: Adam(vae.namedParameters(), learningRate: 1e-2),
                              configuration: TrainerConfiguration(epochs: 20))
        let reports = try trainer.fit(train: loader)
        let first = reports.first!.train["loss"]!, last = reports.last!.train["loss"]!
        XCTAssertLessThan(last, first - 5)
        XCTAssertEqual(reports.last!.train["iwae_bound"]!, -last, accuracy: 1e-3)
    }
}
