import Foundation
import XCTest
import LatentTensor
import LatentNN
import LatentData
import LatentModels

final class PosteriorFlowTests: XCTestCase {
    private func flowVAE(seed: UInt64) -> VAE {
        let g = RandomGenerator(seed: seed)
        let (e, d) = VAEArchitectures.mlp(imageShape: [1, 8, 8], hidden: 16, latent: 3, generator: g)
        let flow = PosteriorFlow.inverseAutoregressive(latent: 3, inputFeatures: 64, count: 2, hidden: [8], contextFeatures: 8, generator: g)
        return VAE(encoder: e, decoder: d, flow: flow)
    }

    func testNewIAFFlowIsTheIdentity() {
        let vae = flowVAE(seed: 1)
        let z0 = Tensor.randn([2, 5, 3], generator: RandomGenerator(seed: 2))
        let (z, logDet) = vae.flow!(z0, input: ModelTestSupport.syntheticImages(5))
        XCTAssertEqual(z.scalars, z0.scalars)
        XCTAssertEqual(logDet.shape, [2, 5])
        XCTAssertEqual(logDet.scalars, [Float](repeating: 0, count: 10))
    }

    /// After some training (the flow no longer the identity), the one-sample ELBO from `elboTerms`
    /// and the K = 1 importance weight from the same noise agree: log q_T = log q₀ − Σ log det.
    func testFlowELBOBookkeepingAndTraining() throws {
        let vae = flowVAE(seed: 3)
        let loader = DataLoader(inputs: ModelTestSupport.syntheticImages(64), batchSize: 32, seed: 1)
        let trainer = Trainer(model: vae, optimizer: Adam(vae.namedParameters(), learningRate: 1e-2),
                              configuration: TrainerConfiguration(epochs: 15))
        let reports = try trainer.fit(train: loader)
        XCTAssertLessThan(reports.last!.train["loss"]!, reports.first!.train["loss"]! - 5)

        let x = ModelTestSupport.syntheticImages(6, seed: 9)
        let t = vae.elboTerms(x, generator: RandomGenerator(seed: 4))
        XCTAssertNil(t.klPerDimension)
        let logW = vae.logImportanceWeights(x, samples: 1, generator: RandomGenerator(seed: 4))
        XCTAssertTrue((-(t.reconstruction + t.kl)).isClose(to: logW.squeezed(axis: 0), rtol: 1e-4, atol: 1e-3))
        let (_, logDet) = vae.flow!(t.posterior.loc, input: x)
        XCTAssertGreaterThan(logDet.abs().sum().item, 0, "the trained flow is no longer the identity")
    }
}
