import Foundation
import XCTest
import LatentTestSupport
import LatentTensor
import LatentData
@testable import LatentBenchmarks

/// Short runs of the real workloads (speed itself is measured in release builds, never here).
final class BenchmarksTests: XCTestCase {
    private let quick = BenchmarkOptions(threads: 1, seconds: 0.01, repeats: 1, warmupSeconds: 0)

    func testRunReportsTheToyFlowAndRestoresThreads() throws {
        let before = Threads.count
        let r = try Benchmarks.run(.realNVP2D, options: quick)
        XCTAssertEqual(Threads.count, before)
        XCTAssertEqual(r.workload, "realnvp-2d")
        XCTAssertEqual(r.batchSize, 512)
        XCTAssertEqual(r.threads, 1)
        XCTAssertGreaterThanOrEqual(r.steps, 1)
        XCTAssertGreaterThan(r.throughput, 0)
        XCTAssertEqual(r.throughput, r.stepsPerSecond)
        XCTAssertEqual(r.flopsPerStep, FLOPCount.perStep(.realNVP2D))
        XCTAssertNil(r.quality)
    }

    /// Per step: 8 couplings × 2 networks × 3 linear layers forward and backward (the two hidden
    /// ones fused with their ReLU), one Adam update.
    func testProfileOfTheToyFlowCountsEveryLayer() throws {
        let report = try Benchmarks.profile(.realNVP2D, options: quick, steps: 2)
        func row(_ label: String) -> ProfileReport.Row? { report.rows.first { $0.label == label } }
        XCTAssertEqual(report.steps, 2)
        XCTAssertEqual(row("linear")?.callsPerStep, 16)
        XCTAssertEqual(row("linearReLU")?.callsPerStep, 32)
        XCTAssertEqual(row("linear.backward")?.callsPerStep, 16)
        XCTAssertEqual(row("linearReLU.backward")?.callsPerStep, 32)
        XCTAssertEqual(row("optimizer.adam")?.callsPerStep, 1)
        XCTAssertEqual(row("backward.sort")?.callsPerStep, 1)
        XCTAssertEqual(report.rows.reduce(0) { $0 + $1.share }, 1, accuracy: 1e-9)
        XCTAssertGreaterThan(report.allocationsPerStep, 0)
        XCTAssertTrue(report.description.contains("linear.backward"))
        XCTAssertFalse(Profiler.isEnabled)
    }

    func testRunTrainsOnMNIST() throws {
        var options = quick
        options.source = DataSource(directory: try sharedDataRoot())
        let r = try Benchmarks.run(.mlpVAE, options: options)
        XCTAssertEqual(r.unit, "img/s")
        XCTAssertEqual(r.throughput, r.stepsPerSecond * 128, accuracy: 1e-9)
    }

    /// The CIFAR-shaped workload needs no data files; its first loss is the Bernoulli −log p of
    /// uniform pixels near logits 0, 3072·ln 2 ≈ 2129 nats, plus a small KL.
    func testSyntheticConvWorkloadTrains() throws {
        let session = try WorkloadSession(.convolutionalVAE32, source: DataSource(), seed: 0, poolSize: 1)
        let first = session.step()
        XCTAssertEqual(Double(first), 3072 * log(2.0), accuracy: 150)
        let r = BenchmarkResult(workload: .convolutionalVAE32, stepsPerSecond: 2, threads: 1, repeats: 1, steps: 1)
        XCTAssertEqual(r.workload, "conv-vae-32")
        XCTAssertEqual(r.throughput, 256)
        XCTAssertNil(r.qualityTarget)
        XCTAssertNil(r.qualityMetric)
    }

    func testRejectsBadOptions() {
        XCTAssertThrowsError(try Benchmarks.run(.realNVP2D, options: BenchmarkOptions(threads: 0)))
        XCTAssertThrowsError(try Benchmarks.profile(.realNVP2D, options: quick, steps: 0))
    }
}
