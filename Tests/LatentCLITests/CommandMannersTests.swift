import Foundation
import XCTest
import LatentCLI

/// The command's manners, run through the built executable: `--version`, per-model help with
/// defaults, `--dry-run` creating nothing, and numbers printed without Float→Double artefacts.
final class CommandMannersTests: XCTestCase {
    func testVersion() throws {
        let latent = try LatentRunner(self)
        let outcome = try latent.succeed(["--version"])
        XCTAssertEqual(outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines), LatentVersion.current)
        XCTAssertTrue(LatentVersion.current.hasPrefix("0."), LatentVersion.current)
    }

    func testPerModelHelpListsOnlyThatModelsSettingsWithDefaults() throws {
        let latent = try LatentRunner(self)
        let flow = try latent.succeed(["train", "realnvp", "--help"]).stdout
        for line in ["--layers 8", "--hidden 64,64", "--batch-size 512", "--learning-rate 0.001", "--noise 0.1", "--scale 2",
                     "an integer in 1…1000"] {
            XCTAssertTrue(flow.contains(line), "realnvp help lacks '\(line)':\n\(flow)")
        }
        for other in ["--beta", "--latent", "--task", "--warmup"] { XCTAssertFalse(flow.contains(other + " "), "realnvp help lists \(other)") }
        XCTAssertTrue(try latent.succeed(["train", "realnvp", "--data", "mnist", "-h"]).stdout.contains("--hidden 512,512"),
                      "defaults follow --data")
        let vae = try latent.succeed(["train", "vae", "--help"]).stdout
        for line in ["--beta 1", "--latent 20", "--hidden 400", "--data mnist", "--batch-size 128"] {
            XCTAssertTrue(vae.contains(line), "vae help lacks '\(line)':\n\(vae)")
        }
        for other in ["--layers", "--noise", "--scale", "--task", "--bins"] { XCTAssertFalse(vae.contains(other + " "), "vae help lists \(other)") }
        XCTAssertTrue(try latent.succeed(["train", "beta-vae", "--help"]).stdout.contains("--data sprites"))
        // Without a model: the overview of every model and setting.
        let overview = try latent.succeed(["train", "--help"]).stdout
        XCTAssertTrue(overview.contains("Models:") && overview.contains("--layers") && overview.contains("--beta"), overview)
        // A dataset the model cannot take is an error, not a help page.
        XCTAssertEqual(try latent.run(["train", "vae", "--data", "moons", "--help"]).status, 64)
    }

    func testDryRunPrintsTheResolvedSettingsAndCreatesNothing() throws {
        let latent = try LatentRunner(self)
        let text = try latent.succeed(["train", "realnvp", "--scale", "1", "--noise", "0.05", "--epochs", "3", "--output", "run", "--dry-run"]).stdout
        for line in ["settings valid", "epochs           3   (default 20)", "scale            1   (default 2)", "learning-rate    0.001", "memory: about"] {
            XCTAssertTrue(text.contains(line), "dry run lacks '\(line)':\n\(text)")
        }
        let json = try latent.succeed(["train", "maf", "--data", "rings", "--noise", "0.2", "--dry-run", "--json"]).stdout
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], json)
        XCTAssertEqual(object["event"] as? String, "dry_run")
        let settings = try XCTUnwrap(object["settings"] as? [String: Any])
        XCTAssertEqual(settings["noise"] as? Double, 0.2)
        XCTAssertEqual(settings["layers"] as? Int, 5)
        XCTAssertNil(settings["scale"], "rings have no scale")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: latent.folder.path), [], "a dry run creates nothing")
        // Validated as training validates: a bad value, a key the data lacks, a size the machine cannot hold.
        XCTAssertEqual(try latent.run(["train", "realnvp", "--epochs", "0", "--dry-run"]).status, 64)
        let image = try latent.run(["train", "realnvp", "--data", "mnist", "--noise", "0.1", "--dry-run"])
        XCTAssertEqual(image.status, 64)
        XCTAssertTrue(image.stderr.contains("does not apply to data 'mnist'"), image.stderr)
        XCTAssertEqual(try latent.run(["train", "realnvp", "--hidden", "65536,65536", "--layers", "1000", "--dry-run"]).status, 64)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: latent.folder.path), [])
    }

    func testNumbersAreShortInTextAndAtTheirOwnPrecisionInFiles() throws {
        let latent = try LatentRunner(self)
        try latent.succeed(["train", "realnvp", "--layers", "2", "--hidden", "8", "--epochs", "1", "--train-size", "256",
                            "--test-size", "64", "--output", "run", "--quiet"])
        let inspect = try latent.succeed(["inspect", "run"]).stdout
        XCTAssertTrue(inspect.contains("learning_rate 0.001,"), inspect)
        XCTAssertFalse(inspect.contains("0.00100000004"), inspect)
        let eval = try latent.succeed(["eval", "run"]).stdout
        let nll = try XCTUnwrap(eval.split(separator: "\n").first { $0.contains("nll") }, eval)
        XCTAssertNotNil(nll.range(of: #"nll +-?\d+\.\d{4}$"#, options: .regularExpression), String(nll))
        // The files keep every digit a value has — and a Float learning rate has those of 0.001.
        let metrics = try String(contentsOf: latent.path("run/metrics.jsonl"), encoding: .utf8)
        XCTAssertTrue(metrics.contains("\"learning_rate\":0.001,"), "metrics.jsonl: \(metrics)")
        let csv = try String(contentsOf: latent.path("run/metrics.csv"), encoding: .utf8)
        XCTAssertTrue(csv.contains(",0.001,"), csv)
        let report = try String(contentsOf: latent.path("run/report.html"), encoding: .utf8)
        for (name, text) in [("metrics.jsonl", metrics), ("metrics.csv", csv), ("report.html", report)] {
            XCTAssertFalse(text.contains("0.00100000004"), "\(name) shows the Float as a Double")
        }
    }

    func testNumberText() {
        XCTAssertEqual(NumberText.short(Double(Float(0.001))), "0.001")
        XCTAssertEqual(NumberText.short(60000), "60000")
        XCTAssertEqual(NumberText.short(1e-6), "1e-06")
        XCTAssertEqual(NumberText.short(3.5778303146362305), "3.57783")
        XCTAssertEqual(NumberText.metric(20), "20")
        XCTAssertEqual(NumberText.metric(105.65812), "105.6581")
        XCTAssertEqual(NumberText.metric(0.00012345), "0.0001234")
        XCTAssertEqual(NumberText.lossPart(166.14), "166.1")
        XCTAssertEqual(NumberText.lossPart(14.6141), "14.614")
        XCTAssertEqual(NumberText.lossPart(0.00041), "0.00041")
    }
}
