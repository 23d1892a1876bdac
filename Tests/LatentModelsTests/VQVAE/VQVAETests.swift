import Foundation
import XCTest
import LatentTensor
import LatentNN
import LatentData
@testable import LatentModels

/// A small VQ-VAE on mnist-5k: the bound falls, the codebook stays in use, the prior learns the codes.
final class VQVAETests: XCTestCase {
    func testTrainsOnMNIST5kWithALiveCodebookAndALearnedPrior() throws {
        let data = try ModelTestSupport.mnist5k()
        let model = try VQVAE.mlp(hidden: 128, positions: 4, dimension: 8, codes: 16, priorHidden: 32, seed: 1)
        let trainer = Trainer(model: model, optimizer: Adam(model.namedParameters(), learningRate: 2e-3),
                              configuration: TrainerConfiguration(epochs: 3, seed: 2))
        let test = DataLoader(data.test.prefix(500), batchSize: 250, shuffle: false)
        let before = trainer.evaluate(test)
        let reports = try trainer.fit(train: DataLoader(data.train.prefix(1920), batchSize: 64, seed: 3), test: test)
        let after = reports.last!.test
        print("VQ-VAE mnist-5k: bound \(before["loss"]!) → \(after["loss"]!), rec \(after["reconstruction"]!), code NLL \(after["code_nll"]!), perplexity \(after["perplexity"]!), usage \(after["usage"]!)")
        XCTAssertLessThan(after["loss"]!, before["loss"]! - 300, "from about 554 nats untrained")
        XCTAssertLessThan(after["reconstruction"]!, 205, "4 codes of 16 carry only 16 bits per image")
        // Uniform codes would cost 4·log 16 = 11.09 nats; the prior must beat that.
        XCTAssertLessThan(after["code_nll"]!, 4 * Foundation.log(16.0) - 0.5)
        XCTAssertGreaterThan(after["perplexity"]!, 5, "many of the 16 codes in use")
        XCTAssertGreaterThanOrEqual(after["usage"]!, 0.5)
        let samples = model.sample(5, generator: RandomGenerator(seed: 4))
        XCTAssertEqual(samples.shape, [5, 1, 28, 28])
        XCTAssertTrue(samples.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        // Reconstruction through the codes is deterministic.
        let x = data.test.inputs.slice(axis: 0, from: 0, to: 3)
        XCTAssertEqual(model.reconstruct(x).scalars, model.reconstruct(x).scalars)
    }
}
