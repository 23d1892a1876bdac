import Foundation
import XCTest
import LatentTestSupport
import LatentData
@testable import LatentBenchmarks

/// The `glow` workload's model and its training step (tiny: a few debug-build steps on one batch).
final class GlowWorkloadTests: XCTestCase {
    /// Parameters by hand, per step on C channels: ActNorm 2C; the LU 1×1 convolution 2C² + C (L
    /// and U are stored as full C×C matrices, as Latent and the peers keep them); the conditioner
    /// 3×3 C → 32, 1×1 32 → 32, 3×3 32 → 2C with biases. Levels of 4 and 8 channels, 4 steps each,
    /// and the split prior's 3×3 convolution 2 → 4 between them. Then three steps on one batch: the
    /// first loss (nats per image on the 8-bit pixels, after ActNorm's data-dependent start) lies
    /// where the same model in PyTorch (bench/glow_torch.py) starts over 12 seeds, 2.76–3.02
    /// bits/dim (the random 1×1 rotations make the spread), and the loss goes down.
    func testGlowSessionCountsItsParametersAndTrains() throws {
        let session = try WorkloadSession(.glow, source: DataSource(directory: try sharedDataRoot()), seed: 0, poolSize: 1)
        func step(_ c: Int) -> Int { 2 * c + (2 * c * c + c) + (9 * c * 32 + 32) + (32 * 32 + 32) + (9 * 32 * 2 * c + 2 * c) }
        XCTAssertEqual(session.parameterCount, 4 * step(4) + (9 * 2 * 4 + 4) + 4 * step(8))
        XCTAssertEqual(session.parameterCount, 51_132)
        let losses = (0..<3).map { _ in Double(session.step()) }
        XCTAssertTrue(losses.allSatisfy(\.isFinite), "\(losses)")
        let bitsPerDim = losses.map { $0 / (784 * log(2.0)) }
        XCTAssertTrue(bitsPerDim[0] > 2.6 && bitsPerDim[0] < 3.2, "first-step bits/dim \(bitsPerDim[0])")
        XCTAssertLessThan(losses[2], losses[0] - 20, "\(losses)")

        let r = BenchmarkResult(workload: .glow, stepsPerSecond: 2, threads: 1, repeats: 1, steps: 1,
                                parameters: session.parameterCount)
        XCTAssertEqual(r.throughput, 128)
        XCTAssertEqual(r.qualityMetric, "test_bits_per_dim")
        let decoded = try JSONDecoder().decode(BenchmarkResult.self, from: Data(r.jsonLine().utf8))
        XCTAssertEqual(decoded.parameters, 51_132)
        XCTAssertEqual(decoded.batchSize, 64)
    }
}
