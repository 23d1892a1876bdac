import Foundation
import XCTest
import LatentTestSupport
import Latent
import LatentCLI

/// `latent train residual-flow` end to end: its settings reach the model, `--resume` continues
/// bit for bit (weights, Adam state and the power-iteration vectors u, v), eval reports the exact NLL.
final class ResidualFlowCommandTests: XCTestCase {
    func testResumeReproducesTheUninterruptedRunIncludingPowerIterationVectors() throws {
        let latent = try LatentRunner(self)
        let common = ["--data", "moons", "--train-size", "256", "--test-size", "128", "--batch-size", "64",
                      "--layers", "2", "--hidden", "16", "--lipschitz", "0.8", "--quiet"]
        try latent.succeed(["train", "residual-flow", "--epochs", "2", "--output", "whole"] + common)
        try latent.succeed(["train", "residual-flow", "--epochs", "1", "--output", "split"] + common)
        try latent.succeed(["train", "--resume", "split", "--epochs", "2", "--quiet"])
        let a = try SafeTensorsFile(contentsOf: latent.path("whole/checkpoints/last.safetensors")).tensors()
        let b = try SafeTensorsFile(contentsOf: latent.path("split/checkpoints/last.safetensors")).tensors()
        XCTAssertEqual(a.keys.sorted(), b.keys.sorted())
        XCTAssertTrue(a.keys.contains { $0.hasSuffix("layers.0.u") }, "the u buffers are saved: \(a.keys.sorted())")
        for (name, tensor) in a { XCTAssertEqual(tensor.scalars, b[name]?.scalars, name) }
        let config = try String(contentsOf: latent.path("whole/config.json"), encoding: .utf8)
        XCTAssertTrue(config.contains("\"lipschitz\""), config)

        let eval = try latent.succeed(["eval", "whole", "--json"])
        let nll = try XCTUnwrap(LatentRunner.evalMetrics(eval.stdout)["nll"])
        XCTAssertTrue(nll.isFinite && nll > 2 && nll < 5, "moons NLL \(nll)")
        let again = try latent.succeed(["eval", "whole", "--json"])
        XCTAssertEqual(try LatentRunner.evalMetrics(again.stdout)["nll"], nll, "exact evaluation has no random draws")
    }

    func testSettingsOfOtherFlowsAreRefusedAndOursValidated() throws {
        let latent = try LatentRunner(self)
        let bad = try latent.run(["train", "residual-flow", "--lipschitz", "1.5", "--dry-run"])
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderr.hasPrefix("error:") && bad.stderr.contains("lipschitz"), bad.stderr)
        let other = try latent.run(["train", "realnvp", "--logdet", "exact", "--dry-run"])
        XCTAssertEqual(other.status, 64)
        XCTAssertTrue(other.stderr.hasPrefix("error:") && other.stderr.contains("logdet"), other.stderr)
        let images = try latent.run(["train", "residual-flow", "--data", "sprites", "--dry-run"])
        XCTAssertEqual(images.status, 64)
        XCTAssertTrue(images.stderr.contains("trains on points"), images.stderr)
    }
}
