import XCTest
import Foundation
import LatentTensor
import LatentNN
import LatentData
import LatentProbability
import LatentModels

/// The residual flow as a `FlowModel`: a short training on two moons reaches a stated NLL,
/// checkpoints restore the weights and the power-iteration vectors, evaluation is exact, and
/// an inverse that cannot converge is a clear error.
final class ResidualFlowTests: XCTestCase {
    private func smallModel(seed: UInt64 = 1) -> FlowModel {
        FlowModel(configuration: .residual(features: 2, layers: 4, hidden: [32, 32], seed: seed))
    }

    /// On two moons (noise 0.1, scale 2: a fitted Gaussian has NLL ≈ 3.27 nats, the density's
    /// entropy is ≈ 2.34) 200 Adam steps (batch 128, learning rate 0.01) on the Russian-roulette
    /// objective bring the exact test NLL of 4 blocks 32-32 from above 3.35 (3.43 measured) to below
    /// the Gaussian fit, < 3.24 (3.19 measured), at least 0.15 lower; residual flows learn two moons
    /// slowly (docs/RESIDUAL_FLOWS.md). Samples by the fixed-point inverse are finite and on the data's scale.
    func testShortTrainingOnTwoMoonsReachesStatedNLL() throws {
        let moons = TwoMoons(noise: 0.1)
        let model = smallModel()
        model.eval()
        let before = FlowTraining.testNLL(model, density: moons, count: 2_000, generator: RandomGenerator(seed: 8))
        model.train()
        FlowTraining.fit(model, density: moons, steps: 200, batchSize: 128, learningRate: 1e-2, generator: RandomGenerator(seed: 7))
        model.eval()
        let after = FlowTraining.testNLL(model, density: moons, count: 2_000, generator: RandomGenerator(seed: 8))
        XCTAssertGreaterThan(before, 3.35)
        XCTAssertLessThan(after, 3.24)
        XCTAssertGreaterThan(before - after, 0.15)
        let samples = try model.sample(500, generator: RandomGenerator(seed: 9))
        XCTAssertTrue(samples.scalars.allSatisfy { $0.isFinite && abs($0) < 10 })
        // Every sample maps back to its noise: log p by the exact log-det is finite for all of them.
        XCTAssertTrue(withoutGrad { model.logProb(samples) }.scalars.allSatisfy { $0.isFinite })
    }

    /// Training moves the power-iteration vectors u, v; a saved and reloaded model has the same
    /// weights, the same u and v, and gives identical exact log-densities.
    func testCheckpointRestoresWeightsAndPowerIterationVectors() throws {
        let model = smallModel(seed: 2)
        let u0 = model.namedBuffers().filter { $0.0.hasSuffix(".u") }.map { $0.1.value.scalars }
        XCTAssertEqual(u0.count, 4 * 3)
        FlowTraining.fit(model, density: TwoMoons(noise: 0.1), steps: 5, batchSize: 64, learningRate: 1e-2, generator: RandomGenerator(seed: 3))
        let u1 = model.namedBuffers().filter { $0.0.hasSuffix(".u") }.map { $0.1.value.scalars }
        XCTAssertNotEqual(u0, u1, "training steps must run power iterations")
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("residual-flow-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.save(checkpointTo: url)
        let restored = try FlowModel.load(checkpointFrom: url)
        XCTAssertEqual(restored.configuration, model.configuration)
        for ((name, a), (_, b)) in zip(model.namedBuffers(), restored.namedBuffers()) { XCTAssertEqual(a.value.scalars, b.value.scalars, name) }
        model.eval()
        restored.eval()
        let x = TwoMoons(noise: 0.1).sample(50, generator: RandomGenerator(seed: 4))
        XCTAssertEqual(withoutGrad { restored.logProb(x) }.scalars, withoutGrad { model.logProb(x) }.scalars)
        // A fresh model of the same seed differs: only the checkpoint's u, v and weights make them equal.
        let fresh = smallModel(seed: 2)
        fresh.eval()
        XCTAssertNotEqual(withoutGrad { fresh.logProb(x) }.scalars, withoutGrad { model.logProb(x) }.scalars)
    }

    /// In evaluation mode log p is exact (repeatable, no random draws), and equals a brute-force
    /// change of variables: log N(z) + Σ log|det| with each block's Jacobian by central differences.
    func testEvaluationIsExactAndRepeatable() {
        let model = FlowModel(configuration: .residual(features: 2, layers: 2, hidden: [16], options: ResidualFlowOptions(actNorm: false), seed: 5))
        model.eval()
        let x = TwoMoons(noise: 0.1).sample(5, generator: RandomGenerator(seed: 6))
        let first = withoutGrad { model.logProb(x) }.scalars
        XCTAssertEqual(withoutGrad { model.logProb(x) }.scalars, first)
        let blocks = model.flow.namedParameters().isEmpty ? [] : Self.blocks(model.flow)
        XCTAssertEqual(blocks.count, 2)
        let eps: Float = 1e-2
        for row in 0..<5 {
            var point = Array(x.scalars[(2 * row)..<(2 * row + 2)])
            var logDet = 0.0
            for block in blocks {
                let f = { (p: [Float]) in withoutGrad { block.forward(Tensor(shape: [1, 2], scalars: p)) }.scalars }
                var j = [Double](repeating: 0, count: 4)
                for c in 0..<2 {
                    var plus = point, minus = point
                    plus[c] += eps
                    minus[c] -= eps
                    let (fp, fm) = (f(plus), f(minus))
                    for r in 0..<2 { j[r * 2 + c] = Double(fp[r] - fm[r]) / Double(2 * eps) }
                }
                logDet += log(abs(j[0] * j[3] - j[1] * j[2]))
                point = f(point)
            }
            let logNormal = -Double(point[0] * point[0] + point[1] * point[1]) / 2 - log(2 * Double.pi)
            XCTAssertEqual(Double(first[row]), logNormal + logDet, accuracy: 2e-3)
        }
    }

    /// With a 1-iteration cap the fixed-point inverse cannot converge: sampling throws
    /// `inverseDidNotConverge` naming the block, instead of returning wrong points.
    func testUnconvergedSamplingIsAClearError() {
        var options = ResidualFlowOptions()
        options.block.inverseMaxIterations = 1
        let model = FlowModel(configuration: .residual(features: 2, layers: 2, hidden: [16], options: options, seed: 6))
        model.eval()
        XCTAssertThrowsError(try model.sample(10, generator: RandomGenerator(seed: 1))) { error in
            guard case let FlowModelError.inverseDidNotConverge(block, rows, total, iterations, _) = error else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(block, 1)
            XCTAssertEqual(rows, 10)
            XCTAssertEqual(total, 10)
            XCTAssertEqual(iterations, 1)
            XCTAssertTrue("\(error)".contains("did not converge"))
        }
    }

    private static func blocks(_ module: Module) -> [ResidualBlock] {
        if let block = module as? ResidualBlock { return [block] }
        return module.namedChildren().flatMap { blocks($0.1) }
    }
}
