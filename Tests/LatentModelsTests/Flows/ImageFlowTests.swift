import XCTest
import Foundation
import LatentTensor
import LatentNN
import LatentData
import LatentModels

/// Glow and multi-scale RealNVP on tiny 8-bit images `[1, 4, 4]`: exact round trips, consistent
/// densities in both directions, conditional sampling, checkpoints.
final class ImageFlowTests: XCTestCase {
    private static let configurations: [FlowConfiguration] = [
        .glow(imageShape: [1, 4, 4], scales: 2, stepsPerScale: 2, hiddenChannels: 8, seed: 1),
        .multiScaleRealNVP(imageShape: [1, 4, 4], scales: 2, couplingsPerScale: 4, hiddenChannels: 8, seed: 2),
        .glow(imageShape: [1, 4, 4], scales: 1, stepsPerScale: 2, hiddenChannels: 8, contextFeatures: 3, seed: 3),
    ]

    /// data → noise → data is the identity, and log p(y) through the inverse equals
    /// log p_base(z) − log|det ∂f/∂z| through the forward pass.
    func testRoundTripAndDensityConsistency() {
        for configuration in Self.configurations {
            let model = FlowModel(configuration: configuration)
            let y = ImageFlowTestData.images(32, seed: 1), c = ImageFlowTestData.context(configuration, rows: 32)
            _ = withoutGrad { model.logProb(y, context: c) }
            FlowTestSupport.perturb(model, std: 0.05)
            withoutGrad {
                let z = model.flow.inverse(y, context: c)
                let (back, forwardLogDet) = model.flow.forwardAndLogDet(z, context: c)
                let name = "\(configuration.architecture)"
                XCTAssertLessThan(FlowTestSupport.maxDifference(back, y), 1e-4, name)
                let viaInverse = model.logProb(y, context: c), viaForward = model.base.logProb(z) - forwardLogDet
                XCTAssertFalse(viaInverse.hasNonFinite, name)
                XCTAssertLessThan(FlowTestSupport.maxDifference(viaInverse, viaForward) / 100, 1e-4, name)
            }
        }
    }

    /// Samples are images in [0, 1]; metrics report bits/dim on the 8-bit data.
    func testSamplingAndMetrics() throws {
        for configuration in Self.configurations {
            let model = FlowModel(configuration: configuration)
            let k = ImageFlowTestData.images(16, seed: 2).reshaped([16, 1, 4, 4])
            let metrics = model.evaluationMetrics(Batch(x: k, y: ImageFlowTestData.context(configuration, rows: 16)), generator: RandomGenerator(seed: 3))
            XCTAssertTrue(metrics["bits_per_dim"]!.isFinite && metrics["bits_per_dim"]! > 0)
            let x = try model.sample(16, context: ImageFlowTestData.context(configuration, rows: 16), temperature: 0.7, generator: RandomGenerator(seed: 4))
            XCTAssertEqual(x.shape, [16, 16])
            XCTAssertTrue(x.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        }
    }

    /// ActNorm's data-dependent initialization and the 1×1 convolutions' permutations survive a
    /// checkpoint: the rebuilt model gives identical log-probs.
    func testCheckpointRestoresImageFlows() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("image-flow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (i, configuration) in Self.configurations.enumerated() {
            let model = FlowModel(configuration: configuration)
            let y = ImageFlowTestData.images(8, seed: 6), c = ImageFlowTestData.context(configuration, rows: 8)
            let expected = withoutGrad { model.logProb(y, context: c) }.scalars
            let url = directory.appendingPathComponent("\(i).safetensors")
            try model.save(checkpointTo: url)
            let restored = try FlowModel.load(checkpointFrom: url)
            XCTAssertEqual(withoutGrad { restored.logProb(y, context: c) }.scalars, expected, "\(configuration.architecture)")
        }
    }
}
