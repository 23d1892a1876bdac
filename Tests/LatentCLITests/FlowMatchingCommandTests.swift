import Foundation
import XCTest
import LatentTestSupport
import Latent
import LatentCLI

/// `latent train flow-matching` end to end on two moons: the run folder, eval's ODE likelihood
/// (exact trace, and Hutchinson's estimate of the same weights), samples, the density map, and
/// the refusals of images and bad solver settings.
final class FlowMatchingCommandTests: XCTestCase {
    func testTrainEvalSampleDensityOnMoons() throws {
        let latent = try LatentRunner(self)
        let common = ["--data", "moons", "--train-size", "8192", "--test-size", "300", "--epochs", "6", "--batch-size", "128",
                      "--learning-rate", "0.003", "--hidden", "32,32", "--solver", "rk4", "--ode-steps", "10", "--picture-every", "0", "--quiet"]
        try latent.succeed(["train", "flow-matching", "--output", "exact"] + common)
        try latent.succeed(["train", "flow-matching", "--output", "hutchinson", "--trace", "hutchinson"] + common)
        let run = latent.path("exact")
        for file in ["config.json", "checkpoints/best.safetensors", "metrics.jsonl", "report.html", "pictures/samples.png",
                     "pictures/samples-epoch-006.png", "pictures/density.png", "pictures/curves.png"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent(file).path), "missing \(file)")
        }
        let history = MetricsFiles.readHistory(run.appendingPathComponent("metrics.jsonl"))
        XCTAssertEqual(history.count, 6)
        XCTAssertLessThan(try XCTUnwrap(history.last?.test["loss"]), try XCTUnwrap(history.first?.test["loss"]), "the flow matching loss falls")

        // The best Gaussian has NLL ≈ 3.27 nats on these moons, the density itself ≈ 2.34.
        let exact = try LatentRunner.evalMetrics(try latent.succeed(["eval", "exact", "--json"]).stdout)
        let nll = try XCTUnwrap(exact["nll"])
        XCTAssertTrue(nll > 2.0 && nll < 3.0, "test NLL \(nll)")
        XCTAssertEqual(exact["ode_evaluations_per_batch"], 40, "RK4, 10 steps, one batch")
        XCTAssertNotNil(exact["flow_matching_loss"])
        // The trace setting does not change training: the same weights, scored by Hutchinson's estimate.
        let estimate = try LatentRunner.evalMetrics(try latent.succeed(["eval", "hutchinson", "--json"]).stdout)
        XCTAssertEqual(estimate["flow_matching_loss"], exact["flow_matching_loss"])
        XCTAssertEqual(try XCTUnwrap(estimate["nll"]), nll, accuracy: 4 * max(0.02, try XCTUnwrap(exact["nll_standard_error"])))

        try latent.succeed(["sample", "exact", "--count", "5", "--output", "s.npy", "--quiet"])
        XCTAssertEqual(try NPY.read(latent.path("s.npy")).shape, [5, 2])
        try latent.succeed(["density", "exact", "--resolution", "20", "--samples", "10", "--output", "d.png", "--quiet"])
        XCTAssertEqual(Array(try Data(contentsOf: latent.path("d.png")).prefix(8)), PNG.signature)
    }

    func testRefusesImagesAndBadSolverSettingsInOneLine() throws {
        let latent = try LatentRunner(self)
        for (arguments, mentioned) in [(["--data", "sprites"], "2-D densities"), (["--solver", "euler"], "solver"),
                                       (["--tolerance", "0"], "tolerance"), (["--ode-steps", "0"], "ode-steps"),
                                       (["--hidden", "[]"], "hidden"), (["--layers", "3"], "layers")] {
            let outcome = try latent.run(["train", "flow-matching", "--epochs", "1", "--dry-run"] + arguments)
            XCTAssertEqual(outcome.status, 64, "\(arguments): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.hasPrefix("error:") && outcome.stderr.contains(mentioned), outcome.stderr)
            XCTAssertEqual(outcome.stderr.trimmingCharacters(in: .newlines).split(separator: "\n").count, 1, outcome.stderr)
        }
    }
}
