import Foundation
import XCTest
import LatentTestSupport
import Latent
@testable import LatentCLI

/// The command's manners, part two (issue 18): one naming style — snake_case — for every key of
/// every JSON the program writes, Float32 results written with a Float's own digits, run folders
/// written under the old names (`bitsPerDim`) still resuming, help text in two columns at the
/// terminal's width, and progress of long evaluation work on standard error.
final class OutputNamingTests: XCTestCase {
    /// `test.bits_per_dim`, `nll_iwae4_first8`: lower-case words joined by `_`, dotted prefixes allowed.
    static let snakeCase = try! NSRegularExpression(pattern: #"^[a-z0-9]+(_[a-z0-9]+)*(\.[a-z0-9]+(_[a-z0-9]+)*)*$"#)

    /// Fails for every key of `value` (nested objects included) that is not snake_case.
    static func assertSnakeCase(_ value: Any, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        switch value {
        case let object as [String: Any]:
            for (key, item) in object {
                let range = NSRange(key.startIndex..., in: key)
                XCTAssertNotNil(snakeCase.firstMatch(in: key, range: range), "\(what): key '\(key)' is not snake_case", file: file, line: line)
                assertSnakeCase(item, what, file: file, line: line)
            }
        case let list as [Any]: list.forEach { assertSnakeCase($0, what, file: file, line: line) }
        default: break
        }
    }

    private func object(_ url: URL) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any], url.path)
    }

    private func tiny(_ data: URL) -> [String] {
        ["--data", "mnist-5k", "--data-dir", data.path, "--train-size", "64", "--test-size", "32", "--batch-size", "32", "--picture-every", "0"]
    }

    func testTrainEvalAndRunFilesUseSnakeCaseKeys() throws {
        let latent = try LatentRunner(self)
        let data = try sharedDataRoot()
        // An image flow: its bits/dim was `bitsPerDim` in every file before.
        let train = try latent.succeed(["train", "realnvp", "--layers", "1", "--hidden", "8", "--epochs", "1", "--json", "--output", "flow"] + tiny(data))
        let events = LatentRunner.jsonLines(train.stdout)
        // The first step's progress event comes at once, later ones every 10 s.
        XCTAssertEqual(Set(events.compactMap { $0["event"] as? String }), ["start", "progress", "epoch", "done"], train.stdout)
        let progress = try XCTUnwrap(events.first { $0["event"] as? String == "progress" })
        XCTAssertNotNil(progress["examples_per_second"] as? Double, "\(progress)")
        XCTAssertNotNil((progress["train"] as? [String: Any])?["bits_per_dim"], "\(progress)")
        for event in events { OutputNamingTests.assertSnakeCase(event, "train --json \(event["event"] ?? "")") }
        let epoch = try XCTUnwrap(events.first { $0["event"] as? String == "epoch" })
        XCTAssertNotNil((epoch["test"] as? [String: Any])?["bits_per_dim"], "\(epoch)")

        let log = try String(contentsOf: latent.path("flow/metrics.jsonl"), encoding: .utf8)
        for record in LatentRunner.jsonLines(log) { OutputNamingTests.assertSnakeCase(record, "metrics.jsonl") }
        XCTAssertTrue(log.contains("\"test.bits_per_dim\":") && log.contains("\"train.bits_per_dim\":"), log)
        let summary = try object(latent.path("flow/summary.json"))
        OutputNamingTests.assertSnakeCase(summary, "summary.json")
        XCTAssertNotNil((summary["test"] as? [String: Any])?["bits_per_dim"], "\(summary)")
        XCTAssertTrue(try String(contentsOf: latent.path("flow/metrics.csv"), encoding: .utf8).hasPrefix("epoch,step,seconds,learning_rate,train.bits_per_dim,"))

        let eval = try latent.run(["eval", "flow", "--json"])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        XCTAssertEqual(eval.stderr, "", "--json prints no progress")
        let event = try LatentRunner.evalEvent(eval.stdout)
        OutputNamingTests.assertSnakeCase(event, "eval --json")
        let metrics = try LatentRunner.evalMetrics(eval.stdout)
        XCTAssertEqual(Set(metrics.keys), ["nll", "bits_per_dim"])
        // bits/dim = NLL of the 8-bit pixels / (784 ln 2), to Float precision.
        XCTAssertEqual(metrics["bits_per_dim"]!, metrics["nll"]! / (784 * Foundation.log(2.0)), accuracy: 1e-5)
        XCTAssertTrue(try latent.succeed(["eval", "flow"]).stdout.contains("  bits_per_dim  "))
    }

    /// Float32 results (the learning rate, a loss, KL per dimension) carry a Float's digits in
    /// every JSON output: at most 9 significant digits, where the Double would print 17.
    func testFloatResultsAreWrittenWithFloatDigits() throws {
        let latent = try LatentRunner(self)
        let data = try sharedDataRoot()
        try latent.succeed(["train", "vae", "--hidden", "8", "--latent", "3", "--epochs", "1", "--quiet", "--output", "vae"] + tiny(data))
        let eval = try latent.succeed(["eval", "vae", "--samples", "4", "--images", "8", "--json"])
        let event = try LatentRunner.evalEvent(eval.stdout)
        OutputNamingTests.assertSnakeCase(event, "eval --json")
        let perDimension = try XCTUnwrap(event["kl_per_dimension"] as? [Double])
        XCTAssertEqual(perDimension.count, 3)
        let list = try XCTUnwrap(eval.stdout.range(of: #""kl_per_dimension":\[[^\]]*\]"#, options: .regularExpression), eval.stdout)
        for number in eval.stdout[list].dropFirst(#""kl_per_dimension":["#.count).dropLast().split(separator: ",") {
            let digits = number.prefix { $0 != "e" }.filter(\.isNumber).drop { $0 == "0" }
            XCTAssertLessThanOrEqual(digits.count, 9, "a Float's value written with a Double's digits: \(number)")
            XCTAssertNotNil(Float(String(number)))
        }
        let log = try String(contentsOf: latent.path("vae/metrics.jsonl"), encoding: .utf8)
        XCTAssertTrue(log.contains("\"learning_rate\":0.001,"), log)
        let seconds = try XCTUnwrap(LatentRunner.jsonLines(log).first?["seconds"] as? Double)
        XCTAssertEqual(seconds, (seconds * 1000).rounded() / 1000, "epoch times to the millisecond")
    }

    /// A run folder written before the names were unified (`bitsPerDim` in metrics.jsonl,
    /// summary.json and the checkpoints' epoch records) resumes, and reports under today's names.
    func testARunFolderWithOldNamesResumesUnderTodaysNames() throws {
        let latent = try LatentRunner(self)
        let data = try sharedDataRoot()
        let settings = ["--layers", "1", "--hidden", "8", "--quiet"] + tiny(data)
        try latent.succeed(["train", "realnvp", "--epochs", "1", "--output", "run"] + settings)
        for file in ["metrics.jsonl", "metrics.csv", "summary.json"] {
            let url = latent.path("run/" + file)
            let text = try String(contentsOf: url, encoding: .utf8)
            XCTAssertTrue(text.contains("bits_per_dim"), file)
            try text.replacingOccurrences(of: "bits_per_dim", with: "bitsPerDim").write(to: url, atomically: true, encoding: .utf8)
        }
        for name in ["last", "best"] {
            let url = latent.path("run/checkpoints/\(name).safetensors")
            var (tensors, metadata) = try SafeTensors.read(from: url)
            metadata[TrainerCheckpointKey.history] = try XCTUnwrap(metadata[TrainerCheckpointKey.history]).replacingOccurrences(of: "bits_per_dim", with: "bitsPerDim")
            try SafeTensors.write(tensors, metadata: metadata, to: url)
            tensors.removeAll()
        }
        let inspect = try latent.succeed(["inspect", "run"]).stdout
        XCTAssertTrue(inspect.contains("test.bits_per_dim") && !inspect.contains("bitsPerDim"), inspect)

        try latent.succeed(["train", "--resume", "run", "--epochs", "2", "--quiet"])
        let log = try String(contentsOf: latent.path("run/metrics.jsonl"), encoding: .utf8)
        XCTAssertFalse(log.contains("bitsPerDim"), log)
        let records = LatentRunner.jsonLines(log).filter { $0["final"] == nil }
        XCTAssertEqual(records.map { $0["epoch"] as? Int }, [1, 2])
        for record in records { XCTAssertNotNil(record["test.bits_per_dim"] as? Double, "\(record)") }
        let csv = try String(contentsOf: latent.path("run/metrics.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.count, 3)
        XCTAssertFalse(csv[0].contains("bitsPerDim"), String(csv[0]))
        XCTAssertTrue(csv[0].contains("test.bits_per_dim"), String(csv[0]))
        let summary = try object(latent.path("run/summary.json"))
        XCTAssertNotNil((summary["test"] as? [String: Any])?["bits_per_dim"], "\(summary)")
    }

    func testHelpKeepsItsColumnsAtTheTerminalWidth() throws {
        for width in [80, 100] {
            let overview = TrainCommand.settingsHelp(width: width).split(separator: "\n", omittingEmptySubsequences: false)
            XCTAssertTrue(overview.allSatisfy { $0.count <= width }, "train --help wider than \(width)")
            let table = overview.drop { !$0.hasPrefix("  --data ") }.prefix { !$0.isEmpty }
            XCTAssertEqual(table.filter { $0.hasPrefix("  --") }.count, SettingsSchema.keys.count)
            for line in table where !line.hasPrefix("  --") {
                XCTAssertTrue(line.hasPrefix(String(repeating: " ", count: 24)), "a continuation line leaves the description column: \(line)")
            }
            let models = overview.drop { $0 != "Models:" }.dropFirst().prefix { !$0.isEmpty }
            XCTAssertEqual(models.filter { !$0.hasPrefix("   ") }.count, ModelKind.allCases.count)
            for line in models where line.hasPrefix("   ") { XCTAssertTrue(line.hasPrefix(String(repeating: " ", count: 17)), "\(line)") }
            XCTAssertTrue(models.contains { $0.hasPrefix("  flow-matching  flow matching") }, models.joined(separator: "\n"))
            let vae = try TrainCommand.modelHelp(.vae, data: nil, width: width).split(separator: "\n")
            XCTAssertTrue(vae.allSatisfy { $0.count <= width }, vae.filter { $0.count > width }.joined(separator: "\n"))
        }
        // The built command under an 80-column terminal: the help formatter leaves the table alone.
        let latent = try LatentRunner(self)
        let process = latent.process(["train", "--help"])
        process.environment?["COLUMNS"] = "80"
        let outcome = try LatentRunner.collect(process, timeout: 60)
        let table = outcome.stdout.split(separator: "\n").drop { !$0.hasPrefix("  --data ") }.prefix { !$0.hasPrefix("Example") }
        XCTAssertFalse(table.isEmpty, outcome.stdout)
        for line in table { XCTAssertTrue(line.hasPrefix("  ") && line.count <= 80, "broken help line: \(line)") }
    }

    func testEvalProgressOnATerminalOnlyAndNeverWithQuietOrJSON() {
        var written = ""
        let live = WorkProgress(console: Console(mode: .human, interactive: true), write: { written += $0 })
        live.begin("importance sampling, K = 100", unit: "images")
        live.update(250, of: 1000)
        live.update(1000, of: 1000)
        XCTAssertTrue(written.hasPrefix("\r\u{1B}[2Keval: importance sampling, K = 100 ██████"), written)
        XCTAssertTrue(written.contains(" 1000/1000 images (100%), 0:00 left"), written)
        live.finish()
        XCTAssertTrue(written.hasSuffix("\r\u{1B}[2K"), "the live line is cleared before the results")

        written = ""
        let plain = WorkProgress(console: Console(mode: .human, interactive: false), interval: 0, write: { written += $0 })
        plain.begin("β-VAE score", unit: "sprites")
        plain.update(512, of: 2048)
        XCTAssertTrue(written.hasPrefix("eval: β-VAE score 512/2048 sprites (25%), "), written)
        XCTAssertTrue(written.hasSuffix(" left\n") && !written.contains("\u{1B}"), written)
        written = ""
        let patient = WorkProgress(console: Console(mode: .human, interactive: false), write: { written += $0 })
        patient.begin("FactorVAE score", unit: "sprites")
        patient.update(1, of: 2)
        XCTAssertEqual(written, "", "a pipe gets a line only once a task has run for 10 s")

        for mode in [OutputMode.quiet, .json] {
            let silent = WorkProgress(console: Console(mode: mode, interactive: true), interval: 0, write: { written += $0 })
            silent.begin("test metrics", unit: "examples")
            silent.update(1, of: 2)
            silent.finish()
        }
        XCTAssertEqual(written, "", "--quiet and --json print no progress")
    }
}
