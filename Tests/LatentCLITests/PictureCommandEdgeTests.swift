import Foundation
import XCTest
import LatentTestSupport
import Latent
import LatentCLI

/// Hostile values on every flag of eval, sample, reconstruct, interpolate, traverse and density,
/// broken (NaN) weights, and the pictures of flat flows on images: `latent` answers each with
/// exit code 64 (usage) or 1 (failed work) and a one-line message naming the flag — never a trap.
final class PictureCommandEdgeTests: XCTestCase {
    static let tiny = ["--train-size", "64", "--test-size", "64", "--epochs", "1", "--batch-size", "32", "--quiet"]

    /// Runs `arguments` and checks the exit code is `status` with one line on standard error that mentions `fragment`.
    func expectRefusal(_ latent: LatentRunner, _ arguments: [String], status: Int32, mentioning fragment: String,
                       file: StaticString = #filePath, line: UInt = #line) throws {
        let outcome = try latent.run(arguments)
        let command = "latent " + arguments.joined(separator: " ")
        XCTAssertEqual(outcome.status, status, "\(command):\n\(outcome.stderr.prefix(800))", file: file, line: line)
        let message = outcome.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertFalse(message.contains("\n"), "\(command): not one line:\n\(message.prefix(800))", file: file, line: line)
        XCTAssertTrue(message.lowercased().contains(fragment.lowercased()), "\(command): '\(message)' lacks '\(fragment)'", file: file, line: line)
    }

    /// A 2-D flow on moons: density, sample and eval flags out of range; commands that need a VAE.
    func testTwoDimensionalFlowRefusesHostileFlags() throws {
        let latent = try LatentRunner(self)
        try latent.succeed(["train", "realnvp", "--data", "moons", "--hidden", "8", "--layers", "2", "--output", "flow"] + Self.tiny)
        for (flags, flag) in [(["--range", "1e-20"], "--range"), (["--range", "1e300"], "--range"), (["--range", "inf"], "--range"),
                              (["--range", "nan"], "--range"), (["--range=-1"], "--range"), (["--resolution", "1"], "--resolution"),
                              (["--resolution", "100000"], "--resolution"), (["--samples", "1000000000"], "--samples"),
                              (["--samples=-1"], "--samples"), (["--output", "d.jpg"], "--output")] {
            try expectRefusal(latent, ["density", "flow"] + flags, status: 64, mentioning: flag)
        }
        for (flags, flag) in [(["--temperature", "1e30"], "--temperature"), (["--temperature", "0"], "--temperature"),
                              (["--temperature", "nan"], "--temperature"), (["--temperature", "inf"], "--temperature"),
                              (["--count", "0"], "--count"), (["--count", "1000000000"], "--count"), (["--class", "1"], "--class"),
                              (["--output", "s.txt"], "--output")] {
            try expectRefusal(latent, ["sample", "flow"] + flags, status: 64, mentioning: flag)
        }
        try expectRefusal(latent, ["eval", "flow", "--samples", "1000000000"], status: 64, mentioning: "--samples")
        try expectRefusal(latent, ["eval", "flow", "--images", "0"], status: 64, mentioning: "--images")
        for command in ["reconstruct", "interpolate", "traverse"] {
            try expectRefusal(latent, [command, "flow"], status: 64, mentioning: "VAE")
        }
        // Extreme but allowed values draw.
        try latent.succeed(["density", "flow", "--range", "0.001", "--resolution", "2", "--samples", "0", "--output", "d.png", "--quiet"])
        try expectRefusal(latent, ["density", "flow", "--range", "1000", "--resolution", "2"], status: 1, mentioning: "--range")
        try latent.succeed(["sample", "flow", "--temperature", "100", "--count", "3", "--output", "far.png", "--quiet"])
        XCTAssertEqual(Array(try Data(contentsOf: latent.path("far.png")).prefix(8)), PNG.signature)
    }

    /// A tiny VAE and a flat RealNVP on the MNIST subset: hostile flags, NaN weights, and the flat flow's pictures.
    func testImageModelsRefuseHostileFlagsAndFlatFlowsDraw() throws {
        let latent = try LatentRunner(self)
        let data = try sharedDataRoot().path
        let common = ["--data", "mnist-5k", "--data-dir", data] + Self.tiny
        try latent.succeed(["train", "vae", "--hidden", "16", "--latent", "3", "--output", "vae"] + common)
        try latent.succeed(["train", "realnvp", "--hidden", "16", "--layers", "2", "--output", "flat"] + common)

        // The flat flow's samples are drawn as 28×28 digits, at the end of training and by `sample`.
        for file in ["pictures/samples.png", "pictures/samples-epoch-001.png"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: latent.path("flat").appendingPathComponent(file).path), "missing \(file)")
        }
        try latent.succeed(["sample", "flat", "--count", "8", "--output", "x.png", "--quiet"])
        XCTAssertEqual(Array(try Data(contentsOf: latent.path("x.png")).prefix(8)), PNG.signature)
        try latent.succeed(["sample", "flat", "--count", "3", "--output", "x.npy", "--quiet"])
        XCTAssertEqual(try NPY.read(latent.path("x.npy")).shape, [3, 1, 28, 28])
        try expectRefusal(latent, ["density", "flat"], status: 64, mentioning: "2-D")

        let vae = ["--data-dir", data]
        for (arguments, flag) in [(["traverse", "vae", "--range", "1e308"], "--range"), (["traverse", "vae", "--steps", "10000000"], "--steps"),
                                  (["traverse", "vae", "--steps", "1"], "--steps"), (["traverse", "vae", "--image", "100000"], "--image"),
                                  (["traverse", "vae", "--image=-1"], "--image"), (["traverse", "vae", "--dims", "7"], "dims"),
                                  (["interpolate", "vae", "--pairs", "0"], "--pairs"), (["interpolate", "vae", "--pairs", "33"], "--pairs"),
                                  (["interpolate", "vae", "--steps", "10000000"], "--steps"), (["reconstruct", "vae", "--count", "1000000000"], "--count"),
                                  (["reconstruct", "vae", "--count=-5"], "--count"), (["sample", "vae", "--temperature", "1e30"], "--temperature"),
                                  (["eval", "vae", "--samples", "1000000000"], "--samples"), (["eval", "vae", "--samples=-1"], "--samples"),
                                  (["eval", "vae", "--images", "100000000"], "--images"), (["density", "vae"], "2-D")] {
            try expectRefusal(latent, arguments + vae, status: 64, mentioning: flag)
        }
        try latent.succeed(["traverse", "vae", "--range", "1000", "--steps", "2", "--output", "t.png", "--quiet"] + vae)

        // NaN weights: eval exits 1 naming what is not finite, and no picture is written from them.
        let (model, _, metadata) = try RunModel.load(checkpoint: latent.path("vae/checkpoints/best.safetensors"))
        for (_, parameter) in model.module.namedParameters() {
            parameter.value = Tensor(shape: parameter.shape, scalars: [Float](repeating: .nan, count: parameter.count))
        }
        try model.module.save(to: latent.path("nan.safetensors"), metadata: metadata)
        try expectRefusal(latent, ["eval", "nan.safetensors", "--samples", "2", "--images", "4"] + vae, status: 1, mentioning: "finite")
        for command in [["sample", "nan.safetensors", "--output", "n.png"], ["reconstruct", "nan.safetensors", "--output", "n.png"],
                        ["traverse", "nan.safetensors", "--dims", "0", "--output", "n.png"]] {
            try expectRefusal(latent, command + vae, status: 1, mentioning: "finite")
            XCTAssertFalse(FileManager.default.fileExists(atPath: latent.path("n.png").path), "\(command[0]) wrote a picture of NaN")
        }
    }
}
