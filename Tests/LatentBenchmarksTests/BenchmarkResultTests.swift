import Foundation
import XCTest
@testable import LatentBenchmarks

final class BenchmarkResultTests: XCTestCase {
    func testDerivedRatesAndJSONLine() throws {
        var r = BenchmarkResult(workload: .mlpVAE, stepsPerSecond: 200, threads: 2, repeats: 5, steps: 1000,
                                date: Date(timeIntervalSince1970: 0), machine: "test CPU (2 cores)",
                                peak: MachinePeak(cpu: "test CPU", isa: "avx2", gflopsPerThread: 72.5))
        XCTAssertEqual(r.throughput, 25_600)
        XCTAssertEqual(r.gflops, FLOPCount.perStep(.mlpVAE) * 200 * 1e-9, accuracy: 1e-9)
        XCTAssertEqual(r.fractionOfPeak, r.gflops / (2 * 72.5), accuracy: 1e-12)
        XCTAssertNil(r.qualityMet)
        r.setQuality(["test_negative_elbo": 105.2], seconds: 60)
        XCTAssertEqual(r.qualityMet, true)
        r.setQuality(["test_negative_elbo": 106.0], seconds: 60)
        XCTAssertEqual(r.qualityMet, false)

        let line = r.jsonLine()
        XCTAssertFalse(line.contains("\n"))
        let decoded = try JSONDecoder().decode(BenchmarkResult.self, from: Data(line.utf8))
        XCTAssertEqual(decoded.workload, "mlp-vae")
        XCTAssertEqual(decoded.unit, "img/s")
        XCTAssertEqual(decoded.throughput, 25_600)
        XCTAssertEqual(decoded.batchSize, 128)
        XCTAssertEqual(decoded.qualityTarget, 105.8)
        XCTAssertEqual(decoded.quality?["test_negative_elbo"], 106.0)
        XCTAssertEqual(decoded.date, "1970-01-01T00:00:00Z")
        XCTAssertEqual(decoded.cpu, "test CPU")
        XCTAssertEqual(decoded.isa, "avx2")
        XCTAssertEqual(decoded.peakGflopsPerThread, 72.5)
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        for key in ["workload", "unit", "throughput", "steps_per_second", "threads", "batch_size", "flops_per_step", "gflops",
                    "fraction_of_peak", "quality", "quality_metric", "quality_target", "quality_met", "quality_seconds", "date",
                    "machine", "cpu", "isa", "peak_gflops_per_thread"] {
            XCTAssertNotNil(object[key], key)
        }
        // One naming style with train and eval: snake_case only (the peers' scripts print the same keys).
        for key in object.keys { XCTAssertNil(key.range(of: "[A-Z]", options: .regularExpression), "camelCase key \(key)") }
    }
}
