import XCTest
import Foundation
import LatentTensor
import LatentNN
import LatentData
import LatentModels

/// Per-epoch density pictures of a 2-D flow through the shared `Trainer`'s hook.
final class FlowPicturesTests: XCTestCase {
    func testEpochHookWritesOneDensityPicturePerEpoch() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-pictures-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = FlowModel(configuration: .realNVP(features: 2, layers: 2, hidden: [8], seed: 1))
        let (x, _) = FlowTestSupport.twoClusters(64, generator: RandomGenerator(seed: 2))
        let trainer = Trainer(model: model, optimizer: Adam(model.namedParameters(), learningRate: 1e-2),
                              configuration: TrainerConfiguration(epochs: 2))
        trainer.onEpochEnd = FlowPictures.epochHook(directory: directory, range: -4...4, resolution: 16, samples: 20)
        _ = try trainer.fit(train: DataLoader(inputs: x, batchSize: 32))
        for epoch in 1...2 {
            let bytes = try Data(contentsOf: directory.appendingPathComponent(String(format: "density-epoch-%03d.png", epoch)))
            XCTAssertEqual(Array(bytes.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "a PNG signature")
        }
        let map = try FlowPictures.densityMap(model, range: -4...4, resolution: 8, samples: 0, generator: RandomGenerator(seed: 3))
        XCTAssertEqual(map.rows, 8)
        XCTAssertTrue(map.values.allSatisfy { $0.isFinite && $0 >= 0 })
    }
}
