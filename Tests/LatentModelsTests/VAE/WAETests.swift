import Foundation
import XCTest
import LatentTensor
import LatentNN
import LatentProbability
import LatentData
@testable import LatentModels

/// The WAE-MMD objective of a VAE: its value from its parts, and on MNIST that the MMD penalty
/// pulls the codes onto the prior while an unpenalized autoencoder's codes drift away.
final class WAETests: XCTestCase {
    func testLossIsReconstructionPlusLambdaTimesMMDOfCodesAgainstPriorDraws() throws {
        let vae = try VAEConfiguration(imageShape: [1, 4, 4], latent: 2, hidden: [8], waeLambda: 7, seed: 1).build()
        XCTAssertEqual(vae.objective, .wae(lambda: 7))
        let x = Tensor.bernoulli([6, 1, 4, 4], p: 0.4, generator: RandomGenerator(seed: 2))
        let loss = vae.trainingLoss(Batch(x: x), step: 0, generator: RandomGenerator(seed: 3))
        // By hand: deterministic codes μ(x), the same six prior draws from the same seed.
        let z = vae.encoder(x).loc
        let reconstruction = -Double(vae.decoder(z).logProb(x).mean().item)
        let draws = Tensor.randn([6, 2], generator: RandomGenerator(seed: 3))
        let mmd = Double(MaximumMeanDiscrepancy.unbiased(z, draws, kernel: .inverseMultiquadratic(latentDimension: 2)).item)
        XCTAssertEqual(loss.parts["reconstruction"]!, reconstruction, accuracy: 1e-4)
        XCTAssertEqual(loss.parts["mmd"]!, mmd, accuracy: 1e-6)
        XCTAssertEqual(Double(loss.loss.item), reconstruction + 7 * mmd, accuracy: 1e-3)
        XCTAssertEqual(Set(vae.evaluationMetrics(Batch(x: x), generator: RandomGenerator(seed: 3)).keys), ["loss", "reconstruction", "mmd"])
        XCTAssertFalse(VAEConfiguration(prior: .mixture, waeLambda: 1).problems().isEmpty)
        XCTAssertFalse(VAEConfiguration(posteriorFlowLayers: 2, waeLambda: 1).problems().isEmpty)
    }

    /// 90 steps on 1920 mnist-5k images, latent 4: with λ = 100 the held-out codes' MMD² to
    /// N(0, I) is a small fraction of the plain autoencoder's (λ = 0), and both reconstruct.
    func testMMDPenaltyMatchesTheCodesToThePriorOnMNIST() throws {
        let data = try ModelTestSupport.mnist5k()
        let test = data.test.prefix(500).inputs
        func train(lambda: Float) throws -> (mmd: Double, reconstruction: Double) {
            let vae = try VAEConfiguration(imageShape: [1, 28, 28], latent: 4, hidden: [64], waeLambda: lambda, seed: 4).build()
            let trainer = Trainer(model: vae, optimizer: Adam(vae.namedParameters(), learningRate: 3e-3),
                                  configuration: TrainerConfiguration(epochs: 3, seed: 5))
            _ = try trainer.fit(train: DataLoader(data.train.prefix(1920), batchSize: 64, seed: 6), test: nil)
            return withoutGrad {
                let t = vae.waeTerms(test, generator: RandomGenerator(seed: 7))
                return (Double(t.mmd.item), Double(t.reconstruction.item))
            }
        }
        let penalized = try train(lambda: 100), plain = try train(lambda: 0)
        print("WAE on mnist-5k: λ = 100: MMD² \(penalized.mmd), rec \(penalized.reconstruction); λ = 0: MMD² \(plain.mmd), rec \(plain.reconstruction)")
        XCTAssertLessThan(penalized.mmd, 0.05 * plain.mmd)
        XCTAssertLessThan(penalized.reconstruction, 200, "nats per image (about 540 untrained): the codes still carry the digits")
    }
}
