import Foundation
import XCTest
import LatentTestSupport
import Latent

/// Each program of Examples/ runs with tiny settings and does what its comments claim: the loss
/// falls, the custom bijector inverts exactly with the right log-determinant, the trainer's files
/// appear, a reloaded checkpoint reproduces the trained model, and the pictures decode.
final class ExamplesTests: XCTestCase {
    func testCustomVAELearns() throws {
        let runner = try ExampleRunner(self)
        let output = try runner.succeed("example-custom-vae", ["--steps", "6"])
        let values = try ExampleRunner.numbers(in: output, line: "test -ELBO")
        XCTAssertEqual(values.count, 3, output)
        let (before, after) = (values[0], values[1])
        // Untrained: ≈ D·log 2 = 2839 nats for 4096 Bernoulli pixels at logit ≈ 0; sprites are mostly
        // black, so 6 steps of Adam already cut it by a quarter (2085 measured).
        XCTAssertEqual(before, 4096 * log(2.0), accuracy: 150, output)
        XCTAssertLessThan(after, 0.8 * before, output)
    }

    func testCustomVAEReportsMissingDataAndBadOptions() throws {
        let runner = try ExampleRunner(self)
        let outcome = try runner.run("example-custom-vae", ["--data-dir", runner.path("nowhere").path])
        XCTAssertEqual(outcome.status, 1, outcome.output)
        XCTAssertTrue(outcome.output.hasPrefix("error: "), outcome.output)
        XCTAssertTrue(outcome.output.contains("train-images-idx3-ubyte"), outcome.output)
        XCTAssertTrue(outcome.output.contains(runner.path("nowhere").path), outcome.output)
        let bad = try runner.run("example-custom-vae", ["--steps", "many"])
        XCTAssertEqual(bad.status, 2, bad.output)
        XCTAssertEqual(bad.output, "error: --steps needs a positive integer, got 'many'\n")
    }

    func testCustomBijectorFlowFitsAndInverts() throws {
        let runner = try ExampleRunner(self)
        let output = try runner.succeed("example-custom-bijector", ["--steps", "60"])
        let nll = try ExampleRunner.numbers(in: output, line: "test NLL")
        // The untrained flow is the identity: the NLL of N(0, I) on two moons (scale 2) ≈ 2.84 + … nats.
        XCTAssertGreaterThan(nll[0], 3, output)
        XCTAssertLessThan(nll[1], nll[0] - 0.3, output)
        let checks = try ExampleRunner.numbers(in: output, line: "round trip")
        XCTAssertEqual(checks.count, 2, output)
        XCTAssertLessThan(checks[0], 1e-5, output)     // |f⁻¹(f(x)) − x|
        XCTAssertLessThan(checks[1], 2e-3, output)     // |log-det − finite difference|
        let slopes = try ExampleRunner.numbers(in: output, line: "learned slopes")
        XCTAssertEqual(slopes.count, 2, output)
        XCTAssertTrue(slopes.contains { abs($0 - 1) > 1e-3 }, "the slopes did not train: \(output)")
    }

    func testCustomModelTrainsThroughTrainer() throws {
        let runner = try ExampleRunner(self)
        let output = try runner.succeed("example-custom-model", ["--epochs", "3", "--output", "run"])
        let epochs = output.split(separator: "\n").filter { $0.hasPrefix("epoch ") }
        XCTAssertEqual(epochs.count, 3, output)
        let first = try ExampleRunner.numbers(in: output, line: "epoch 1 "), last = try ExampleRunner.numbers(in: output, line: "epoch 3 ")
        XCTAssertLessThan(last[2], first[2], "test NLL did not fall: \(output)")
        // A 2-D density's NLL is at least its entropy, ≈ 2.3 nats for the pinwheel; the start is far above.
        XCTAssertGreaterThan(last[2], 2, output)
        let log = try String(contentsOf: runner.path("run/metrics.jsonl"), encoding: .utf8)
        XCTAssertEqual(log.split(separator: "\n").count, 4, log)             // 3 epochs + the final record
        XCTAssertTrue(FileManager.default.fileExists(atPath: runner.path("run/checkpoints/best.safetensors").path))
        let picture = try PNGDecoder.read(runner.path("run/density.png"))
        XCTAssertEqual([picture.width, picture.height], [680, 560])
        XCTAssertGreaterThan(Set(picture.samples).count, 20, "the density picture is flat")
    }

    func testCheckpointReloadsAndSamples() throws {
        let runner = try ExampleRunner(self)
        let output = try runner.succeed("example-checkpoint", ["--epochs", "1", "--train-size", "64", "--hidden", "32", "--output", "run"])
        let difference = try ExampleRunner.numbers(in: output, line: "reconstruction difference")
        XCTAssertEqual(difference.last, 0, output)
        let samples = try PNGDecoder.read(runner.path("run/samples.png"))
        // 8 × 8 tiles of 64 pixels with 2-pixel padding around and between them.
        XCTAssertEqual([samples.width, samples.height], [8 * 64 + 9 * 2, 8 * 64 + 9 * 2])
        XCTAssertGreaterThan(Set(samples.samples).count, 8, "the samples are blank")
    }

    func testCheckpointOfTheLatentCommandLoadsAndSamples() throws {
        let runner = try ExampleRunner(self)
        _ = try runner.succeed("latent", ["train", "vae", "--data", "sprites", "--train-size", "64", "--test-size", "32", "--epochs", "1",
                                          "--hidden", "8", "--latent", "2", "--output", "cli-run", "--quiet"])
        let output = try runner.succeed("example-checkpoint", ["--checkpoint", runner.path("cli-run/checkpoints/best.safetensors").path,
                                                               "--output", "sampled"])
        XCTAssertTrue(output.contains("wrote"), output)
        XCTAssertFalse(output.contains("epoch"), "--checkpoint must not train: \(output)")
        let samples = try PNGDecoder.read(runner.path("sampled/samples.png"))
        XCTAssertEqual([samples.width, samples.height], [530, 530])

        // A checkpoint without the configuration is refused with a message naming the key looked for.
        let weightsOnly = runner.path("weights.safetensors")
        try VAEConfiguration(imageShape: [1, 4, 4], latent: 2, hidden: [4]).build().save(to: weightsOnly)
        let refused = try runner.run("example-checkpoint", ["--checkpoint", weightsOnly.path])
        XCTAssertEqual(refused.status, 1, refused.output)
        XCTAssertTrue(refused.output.hasPrefix("error: "), refused.output)
        XCTAssertTrue(refused.output.contains("'latent.model_configuration'"), refused.output)
    }
}
