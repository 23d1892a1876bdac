import XCTest
import Foundation
import LatentTensor
import LatentNN
import LatentProbability
import LatentData
import LatentModels

/// Glow with the learned prior on the factored-out channels (`learnedSplitPrior`), on tiny 8-bit
/// images `[1, 4, 4]`: identical to the standard-normal Glow at initialization, exact round trips,
/// a density that matches the brute-force change of variables, sampling, checkpoints and the
/// backward-compatible configuration.
final class GlowSplitPriorTests: XCTestCase {
    private static let configurations: [FlowConfiguration] = [
        .glow(imageShape: [1, 4, 4], scales: 2, stepsPerScale: 2, hiddenChannels: 8, learnedSplitPrior: true, seed: 1),
        .glow(imageShape: [1, 4, 4], scales: 2, stepsPerScale: 1, hiddenChannels: 8, contextFeatures: 3,
              learnedSplitPrior: true, seed: 2),
    ]

    /// A new prior is N(0, I) and takes no random draws, so the model equals the plain Glow.
    func testANewLearnedPriorIsTheStandardNormal() {
        var plain = Self.configurations[0]
        plain.learnedSplitPrior = nil
        let learned = FlowModel(configuration: Self.configurations[0]), standard = FlowModel(configuration: plain)
        let y = ImageFlowTestData.images(16, seed: 1)
        let (a, b) = withoutGrad { (learned.logProb(y), standard.logProb(y)) }
        XCTAssertLessThan(FlowTestSupport.maxDifference(a, b), 1e-4)
        // One extra convolution 2 → 2·2 channels, 3×3: its weight and bias.
        XCTAssertEqual(learned.namedParameters().count, standard.namedParameters().count + 2)
        XCTAssertEqual(learned.parameters().map { $0.count }.reduce(0, +),
                       standard.parameters().map { $0.count }.reduce(0, +) + 4 * 2 * 9 + 4)
    }

    /// data → noise → data is the identity; log p(y) equals log p_base(f⁻¹(y)) + log|det ∂f⁻¹/∂y|
    /// with the 16×16 Jacobian of the whole data → noise map built by autodiff.
    func testRoundTripAndDensityAgainstTheBruteForceJacobian() {
        for configuration in Self.configurations {
            let model = FlowModel(configuration: configuration)
            let n = 3
            let y = ImageFlowTestData.images(n, seed: 2), c = ImageFlowTestData.context(configuration, rows: n)
            _ = withoutGrad { model.logProb(ImageFlowTestData.images(32, seed: 3), context: ImageFlowTestData.context(configuration, rows: 32)) }
            FlowTestSupport.perturb(model, std: 0.05)
            let name = "\(configuration.contextFeatures > 0 ? "conditional " : "")glow"
            let z = withoutGrad { model.flow.inverse(y, context: c) }
            XCTAssertLessThan(FlowTestSupport.maxDifference(withoutGrad { model.flow.forward(z, context: c) }, y), 1e-4, name)

            let leaf = y.requiringGrad()
            let out = model.flow.inverse(leaf, context: c)
            var jacobians = [[Double]](repeating: [Double](repeating: 0, count: 256), count: n)
            for i in 0..<16 {
                var seed = Tensor.zeros(out.shape)
                seed.withUnsafeMutableBufferPointer { p in for s in 0..<n { p[s * 16 + i] = 1 } }
                leaf.zeroGrad()
                out.backward(seed, retainGraph: true)
                let g = leaf.grad!.scalars
                for s in 0..<n { for j in 0..<16 { jacobians[s][i * 16 + j] = Double(g[s * 16 + j]) } }
            }
            model.zeroGrad()
            let baseLogProb = withoutGrad { model.base.logProb(z) }
            let logP = withoutGrad { model.logProb(y, context: c) }
            for s in 0..<n {
                let bruteForce = Double(baseLogProb[s]) + Self.logAbsDet(jacobians[s], 16)
                XCTAssertEqual(Double(logP[s]), bruteForce, accuracy: 2e-3 * max(1, abs(bruteForce)), name)
            }
        }
    }

    /// Samples are finite images in [0, 1], metrics are finite, and checkpoints restore the
    /// learned priors exactly.
    func testSamplingMetricsAndCheckpoints() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("glow-prior-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (i, configuration) in Self.configurations.enumerated() {
            let model = FlowModel(configuration: configuration)
            let k = ImageFlowTestData.images(16, seed: 4).reshaped([16, 1, 4, 4])
            let metrics = model.evaluationMetrics(Batch(x: k, y: ImageFlowTestData.context(configuration, rows: 16)), generator: RandomGenerator(seed: 5))
            XCTAssertTrue(metrics["bits_per_dim"]!.isFinite && metrics["bits_per_dim"]! > 0)
            FlowTestSupport.perturb(model, std: 0.05)
            let x = try model.sample(16, context: ImageFlowTestData.context(configuration, rows: 16), temperature: 0.7, generator: RandomGenerator(seed: 6))
            XCTAssertTrue(x.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
            let y = ImageFlowTestData.images(8, seed: 7), c = ImageFlowTestData.context(configuration, rows: 8)
            let expected = withoutGrad { model.logProb(y, context: c) }.scalars
            let url = directory.appendingPathComponent("\(i).safetensors")
            try model.save(checkpointTo: url)
            let restored = try FlowModel.load(checkpointFrom: url)
            XCTAssertEqual(restored.configuration, configuration)
            XCTAssertEqual(withoutGrad { restored.logProb(y, context: c) }.scalars, expected)
        }
    }

    /// Configurations without the option encode exactly as before (no new key), and JSON written
    /// before the option existed decodes to the standard-normal split.
    func testConfigurationStaysBackwardCompatible() throws {
        let plain = FlowConfiguration.glow(imageShape: [1, 4, 4], scales: 2, stepsPerScale: 2, hiddenChannels: 8, seed: 1)
        XCTAssertNil(plain.learnedSplitPrior)
        let json = try plain.json()
        XCTAssertFalse(json.contains("learnedSplitPrior"))
        XCTAssertEqual(try JSONDecoder().decode(FlowConfiguration.self, from: Data(json.utf8)), plain)
        XCTAssertTrue(try Self.configurations[0].json().contains("\"learnedSplitPrior\":true"))
    }

    /// log|det A| of an n×n row-major matrix (Gaussian elimination, partial pivoting).
    private static func logAbsDet(_ matrix: [Double], _ n: Int) -> Double {
        var a = matrix
        var total = 0.0
        for k in 0..<n {
            var p = k
            for i in k..<n where abs(a[i * n + k]) > abs(a[p * n + k]) { p = i }
            if p != k { for j in 0..<n { a.swapAt(k * n + j, p * n + j) } }
            total += log(abs(a[k * n + k]))
            for i in (k + 1)..<n {
                let f = a[i * n + k] / a[k * n + k]
                for j in k..<n { a[i * n + j] -= f * a[k * n + j] }
            }
        }
        return total
    }
}
