import XCTest
import LatentTensor
import LatentNN
import LatentModels

final class DeepMLPArchitectureTests: XCTestCase {
    func testIWAESettingShapesAndParameterCount() {
        let (e, d) = VAEArchitectures.deepMLP(generator: RandomGenerator(seed: 0))
        let vae = VAE(encoder: e, decoder: d, objective: .iwae(samples: 3))
        XCTAssertEqual(vae.latentDimension, 50)
        // Encoder 784·200+200 + 200·200+200 + 200·100+100; decoder 50·200+200 + 200·200+200 + 200·784+784.
        let expected = (784 * 200 + 200) + (200 * 200 + 200) + (200 * 100 + 100) + (50 * 200 + 200) + (200 * 200 + 200) + (200 * 784 + 784)
        XCTAssertEqual(vae.namedParameters().map { $0.1.value.count }.reduce(0, +), expected)
        let x = Tensor.bernoulli(Tensor.full([2, 1, 28, 28], 0.3), generator: RandomGenerator(seed: 1))
        XCTAssertEqual(vae.logImportanceWeights(x, samples: 4, generator: RandomGenerator(seed: 2)).shape, [4, 2])
        XCTAssertTrue(vae.trainingLoss(Batch(x: x), step: 0, generator: RandomGenerator(seed: 3)).loss.item.isFinite)
    }
}
