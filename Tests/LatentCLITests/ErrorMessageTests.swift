import Foundation
import XCTest
import LatentTestSupport

/// Every error a person can make gets a message they can act on, a conventional exit code
/// (64 wrong usage, 1 failed work) and no half-written run folder.
final class ErrorMessageTests: XCTestCase {
    private func assertFails(_ latent: LatentRunner, _ arguments: [String], status: Int32, mentioning fragments: [String],
                             file: StaticString = #filePath, line: UInt = #line) throws {
        let outcome = try latent.run(arguments)
        XCTAssertEqual(outcome.status, status, "latent \(arguments.joined(separator: " ")): \(outcome.stderr)", file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(outcome.stderr.contains(fragment), "stderr lacks \"\(fragment)\":\n\(outcome.stderr)", file: file, line: line)
        }
    }

    func testUnknownNamesListTheValidOnes() throws {
        let latent = try LatentRunner(self)
        try assertFails(latent, ["train", "vea"], status: 64, mentioning: ["unknown model 'vea'", "vae, beta-vae, iwae, wae, cvae, vq-vae, realnvp"])
        try assertFails(latent, ["train", "vae", "--data", "mnst"], status: 64, mentioning: ["'data'", "mnst", "mnist, fashion-mnist"])
        try assertFails(latent, ["train", "vae", "--epochz", "3"], status: 64, mentioning: ["unknown setting 'epochz'", "did you mean epochs"])
        try assertFails(latent, ["train", "realnvp", "--beta", "4"], status: 64, mentioning: ["'beta' does not apply to model realnvp"])
        try assertFails(latent, ["bench", "nope"], status: 64, mentioning: ["unknown workload 'nope'", "mlp-vae"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: latent.path("runs").path), "nothing written for a rejected command")
    }

    func testBadValuesNameKeyValueAndRange() throws {
        let latent = try LatentRunner(self)
        try assertFails(latent, ["train", "vae", "--epochs", "-3"], status: 64, mentioning: ["'epochs'", "-3", "an integer in 1…100000"])
        try assertFails(latent, ["train", "vae", "--learning-rate", "fast"], status: 64, mentioning: ["'learning-rate'", "fast", "a number in"])
        try "model: vae\nepochs: 2\nbeta: -1\n".write(to: latent.path("bad.yaml"), atomically: true, encoding: .utf8)
        try assertFails(latent, ["train", "--config", "bad.yaml"], status: 64, mentioning: ["'beta'", "-1", "a number in 0…10000"])
        try "{\"model\": \"vae\", \"hidden\": \"wide\"}".write(to: latent.path("bad.json"), atomically: true, encoding: .utf8)
        try assertFails(latent, ["train", "--config", "bad.json"], status: 64, mentioning: ["'hidden'", "wide", "a list of integers"])
        try "model: [vae".write(to: latent.path("broken.yaml"), atomically: true, encoding: .utf8)
        try assertFails(latent, ["train", "--config", "broken.yaml"], status: 64, mentioning: ["broken.yaml", "not valid YAML"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: latent.path("runs").path))
    }

    /// A flow at learning rate 1 diverges (NLL ~1e8 after one step while every number is still
    /// finite): exit 1 naming the step and the loss parts, instead of pictures of garbage.
    func testADivergingRunStopsWithExitCode1() throws {
        let latent = try LatentRunner(self)
        try assertFails(latent, ["train", "realnvp", "--data", "moons", "--learning-rate", "1", "--epochs", "2", "--train-size", "4000", "--quiet"],
                        status: 1, mentioning: ["training diverged", "step", "nll="])
    }

    func testMissingDataSaysWhereItLookedAndWhatToDo() throws {
        let latent = try LatentRunner(self)
        try assertFails(latent, ["train", "vae", "--data", "fashion-mnist", "--data-dir", latent.path("nowhere").path, "--output", "run"],
                        status: 1, mentioning: ["fashion-mnist", "not found", "nowhere", "--data-dir"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: latent.path("run/config.json").path), "no run folder for a run that never started")
    }

    func testIncompatibleCheckpointNamesTheParameters() throws {
        let latent = try LatentRunner(self)
        let common = ["--data", "moons", "--epochs", "1", "--train-size", "512", "--test-size", "256", "--layers", "2", "--quiet"]
        try latent.succeed(["train", "realnvp", "--hidden", "8", "--output", "small"] + common)
        try latent.succeed(["train", "realnvp", "--hidden", "16", "--output", "wide"] + common)
        // A checkpoint of the wide model where the small run expects its own.
        let target = latent.path("small/checkpoints/last.safetensors")
        try FileManager.default.removeItem(at: target)
        try FileManager.default.copyItem(at: latent.path("wide/checkpoints/last.safetensors"), to: target)
        try assertFails(latent, ["train", "--resume", "small", "--epochs", "2"], status: 1,
                        mentioning: ["cannot resume", "flow.bijectors.0", "[8, 2]", "[16, 2]"])
        try assertFails(latent, ["eval", latent.path("nothing-here").path], status: 1, mentioning: ["does not exist", "run folder"])
    }

    func testResumeRefusesToChangeTheModel() throws {
        let latent = try LatentRunner(self)
        try latent.succeed(["train", "planar", "--data", "moons", "--epochs", "1", "--train-size", "512", "--test-size", "256",
                            "--layers", "2", "--output", "run", "--quiet"])
        try assertFails(latent, ["train", "--resume", "run", "--layers", "4"], status: 64, mentioning: ["cannot change 'layers'"])
        try assertFails(latent, ["train", "planar", "--data", "moons", "--output", "run"], status: 64, mentioning: ["already holds a run", "--resume"])
    }
}
