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

/// The peers' scripts print Latent's field names and the comparison table reads only those: a
/// renamed field in one place and not the others would leave the table's columns empty.
final class BenchmarkScriptKeysTests: XCTestCase {
    func testPeerScriptsAndTheTableUseBenchmarkResultsKeys() throws {
        var r = BenchmarkResult(workload: .glow, stepsPerSecond: 2, threads: 1, repeats: 1, steps: 1, parameters: 10)
        r.setQuality(["test_bits_per_dim": 1.5], seconds: 1)
        let keys = Set(try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.jsonLine().utf8)) as? [String: Any]).keys)
        let bench = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("bench")
        func names(_ file: String, _ pattern: String, after start: String? = nil) throws -> Set<String> {
            var text = try String(contentsOf: bench.appendingPathComponent(file), encoding: .utf8)
            if let start, let from = text.range(of: start) {   // up to the closing brace of that dictionary
                text = String(text[from.upperBound...])
                text = String(text[..<(text.range(of: "\n    }")?.lowerBound ?? text.endIndex)])
            }
            let regex = try NSRegularExpression(pattern: pattern, options: .anchorsMatchLines)
            return Set(regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { String(text[Range($0.range(at: 1), in: text)!]) })
        }
        // peer_common.py's result dictionary and the fields it adds.
        let printed = try names("peer_common.py", #"^\s+"([A-Za-z_]+)": "#, after: "result = {").union(names("peer_common.py", #"result\["([A-Za-z_]+)"\]"#))
        XCTAssertTrue(printed.isSuperset(of: ["throughput", "steps_per_second", "batch_size", "flops_per_step", "fraction_of_peak"]), "\(printed.sorted())")
        XCTAssertEqual(printed.subtracting(keys), [], "peer_common.py prints fields latent bench does not")
        // The table inside compare_peers.sh.
        let read = try names("compare_peers.sh", #"(?:first|l|r|c)\['([A-Za-z_]+)'\]"#).union(names("compare_peers.sh", #"(?:r|\))\["([A-Za-z_]+)"\]"#))
        XCTAssertTrue(read.isSuperset(of: ["peak_gflops_per_thread", "fraction_of_peak", "throughput"]), "\(read.sorted())")
        XCTAssertEqual(read.subtracting(keys), [], "compare_peers.sh reads fields latent bench does not write")
    }
}
