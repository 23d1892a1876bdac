import XCTest
import Foundation
import LatentTensor
import LatentNN
import LatentModels

/// Configuration → JSON → rebuilt model, with weights from a checkpoint, gives identical log-probs.
final class FlowCheckpointTests: XCTestCase {
    func testConfigurationRoundTripsThroughJSON() throws {
        let configuration = FlowConfiguration.realNVP(features: 784, layers: 8, hidden: [512, 512], contextFeatures: 10,
                                                      pattern: .checkerboard(height: 28, width: 28),
                                                      image: ImagePreprocessing(levels: 256, logitAlpha: 1e-6), seed: 9)
        XCTAssertEqual(try FlowConfiguration.decode(json: configuration.json()), configuration)
    }

    func testSavedAndReloadedModelsGiveIdenticalLogProbs() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-checkpoint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let configurations = FlowTestSupport.architectures + [
            .maf(features: 2, layers: 2, hidden: [16], contextFeatures: 3, seed: 8),
        ]
        let x = Tensor.randn([20, 2], generator: RandomGenerator(seed: 1))
        let context = Tensor.randn([20, 3], generator: RandomGenerator(seed: 2))
        for (i, configuration) in configurations.enumerated() {
            let model = FlowModel(configuration: configuration)
            FlowTestSupport.perturb(model, std: 0.1, seed: UInt64(i))
            let url = directory.appendingPathComponent("\(i).safetensors")
            try model.save(checkpointTo: url, metadata: ["note": "test"])
            let restored = try FlowModel.load(checkpointFrom: url)
            XCTAssertEqual(restored.configuration, configuration)
            let c = configuration.contextFeatures > 0 ? context : nil
            let expected = withoutGrad { model.logProb(x, context: c) }.scalars
            XCTAssertEqual(withoutGrad { restored.logProb(x, context: c) }.scalars, expected, "\(configuration.architecture)")
        }
    }

    func testACheckpointWithoutConfigurationIsAClearError() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("flow-plain-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        let model = FlowModel(configuration: .planar(features: 2, layers: 2))
        try model.save(to: url)
        XCTAssertThrowsError(try FlowModel.load(checkpointFrom: url)) { error in
            XCTAssertTrue("\(error)".contains("flow.configuration"), "\(error)")
        }
    }
}
