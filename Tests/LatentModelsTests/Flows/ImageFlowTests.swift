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

    /// Dequantized 8-bit images y ∈ [0, 1), `[n, 16]`.
    private func images(_ n: Int, seed: UInt64) -> Tensor {
        let g = RandomGenerator(seed: seed)
        let k = Tensor(shape: [n, 1, 4, 4], scalars: (0..<(16 * n)).map { _ in Float(g.nextInt(below: 256)) / 255 })
        return Transforms.dequantize(k, levels: 256, generator: g).reshaped([n, 16])
    }

    private func context(_ c: FlowConfiguration, rows: Int) -> Tensor? {
        c.contextFeatures > 0 ? Tensor.randn([rows, c.contextFeatures], generator: RandomGenerator(seed: 5)) : nil
    }

    /// data → noise → data is the identity, and log p(y) through the inverse equals
    /// log p_base(z) − log|det ∂f/∂z| through the forward pass.
    func testRoundTripAndDensityConsistency() {
        for configuration in Self.configurations {
            let model = FlowModel(configuration: configuration)
            let y = images(32, seed: 1), c = context(configuration, rows: 32)
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
            let k = images(16, seed: 2).reshaped([16, 1, 4, 4])
            let metrics = model.evaluationMetrics(Batch(x: k, y: context(configuration, rows: 16)), generator: RandomGenerator(seed: 3))
            XCTAssertTrue(metrics["bitsPerDim"]!.isFinite && metrics["bitsPerDim"]! > 0)
            let x = try model.sample(16, context: context(configuration, rows: 16), temperature: 0.7, generator: RandomGenerator(seed: 4))
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
            let y = images(8, seed: 6), c = context(configuration, rows: 8)
            let expected = withoutGrad { model.logProb(y, context: c) }.scalars
            let url = directory.appendingPathComponent("\(i).safetensors")
            try model.save(checkpointTo: url)
            let restored = try FlowModel.load(checkpointFrom: url)
            XCTAssertEqual(withoutGrad { restored.logProb(y, context: c) }.scalars, expected, "\(configuration.architecture)")
        }
    }
}
