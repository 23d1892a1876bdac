import XCTest
import LatentTensor
import LatentNN
import LatentProbability
import LatentModels

/// A VAE whose posterior is refined by `PosteriorFlow.planar`: planar layers whose (w, u, b)
/// depend on x through h(x).
final class PlanarPosteriorFlowTests: XCTestCase {
    private func planarVAE(seed: UInt64) -> VAE {
        let g = RandomGenerator(seed: seed)
        let (e, d) = VAEArchitectures.mlp(imageShape: [1, 8, 8], hidden: 16, latent: 3, generator: g)
        let flow = PosteriorFlow.planar(latent: 3, inputFeatures: 64, count: 4, contextFeatures: 8, generator: g)
        return VAE(encoder: e, decoder: d, flow: flow)
    }

    func testLayersAreConditionalPlanarLayers() {
        let flow = planarVAE(seed: 1).flow!
        XCTAssertEqual(flow.layers.count, 4)
        for layer in flow.layers {
            let planar = try? XCTUnwrap(layer as? Planar)
            XCTAssertEqual(planar?.features, 3)
            XCTAssertEqual(planar?.contextFeatures, 8)
        }
        XCTAssertTrue(flow.namedParameters().map { $0.0 }.contains("layers.3.hypernetwork.weight"))
    }

    /// Finite loss and gradients; K importance weights `[K, B]` whose K = 1 value is the
    /// one-sample ELBO from the same noise; after a few steps the flow depends on x.
    func testTrainingLossAndImportanceWeights() {
        let vae = planarVAE(seed: 2)
        let x = ModelTestSupport.syntheticImages(6, seed: 9)
        let optimizer = Adam(vae.namedParameters(), learningRate: 1e-2)
        var losses: [Float] = []
        for step in 0..<20 {
            let objective = vae.trainingLoss(Batch(x: ModelTestSupport.syntheticImages(16, seed: UInt64(step))), step: step,
                                             generator: RandomGenerator(seed: UInt64(100 + step)))
            losses.append(objective.loss.item)
            optimizer.zeroGrad()
            objective.loss.backward()
            XCTAssertTrue(vae.parameters().allSatisfy { !($0.grad?.hasNonFinite ?? false) }, "step \(step)")
            optimizer.step()
        }
        XCTAssertTrue(losses.allSatisfy { $0.isFinite }, "\(losses)")

        let logW = withoutGrad { vae.logImportanceWeights(x, samples: 5, generator: RandomGenerator(seed: 4)) }
        XCTAssertEqual(logW.shape, [5, 6])
        XCTAssertFalse(logW.hasNonFinite)
        let t = withoutGrad { vae.elboTerms(x, generator: RandomGenerator(seed: 4)) }
        let one = withoutGrad { vae.logImportanceWeights(x, samples: 1, generator: RandomGenerator(seed: 4)) }
        XCTAssertTrue((-(t.reconstruction + t.kl)).isClose(to: one.squeezed(axis: 0), rtol: 1e-4, atol: 1e-3))

        let z0 = Tensor.zeros([2, 3]) + 0.5
        let images = ModelTestSupport.syntheticImages(2, seed: 21)
        let (z, _) = withoutGrad { vae.flow!(z0, input: images) }
        XCTAssertGreaterThan(FlowTestSupport.maxDifference(z[0..<1], z[1..<2]), 1e-4, "the trained layers act differently on different x")
    }
}

