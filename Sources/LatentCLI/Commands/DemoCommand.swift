import ArgumentParser
import Foundation
import Latent

/// `latent demo`: the first five minutes. Trains a small VAE on the built-in sprites (or a
/// convolutional one on MNIST when `--data-dir` points at it) and a RealNVP flow on two moons, on any
/// machine with no downloads, and leaves two run folders with pictures, curves, metrics and an
/// HTML report each. Exits non-zero if either model misses its quality bound.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Train a small VAE and a small flow on built-in data (under a minute on 2 cores) and write pictures and reports.")

    @Option(name: .long, help: "Folder for the demo's runs.")
    var output = "latent-demo"

    @Option(name: .long, help: "Train the VAE on MNIST from this folder instead of the built-in sprites.")
    var dataDir: String?

    @Option(name: .long, help: "Seed of every random draw.")
    var seed = 0

    @Flag(name: .long, help: "A few seconds' version (for tests): fewer examples and epochs, no quality bounds.")
    var small = false

    @OptionGroup var outputOptions: OutputOptions

    /// Quality bounds the full demo must reach (test, nats per example), measured with margin.
    static let vaeBound = ["sprites": 115.0, "mnist": 115.0]
    static let flowBound = 2.6

    func run() throws {
        let console = outputOptions.console()
        let root = URL(fileURLWithPath: output)
        if FileManager.default.fileExists(atPath: root.path) {
            // Earlier demo output is replaced, run folder by run folder.
            for name in ["vae", "flow"] { try? FileManager.default.removeItem(at: root.appendingPathComponent(name)) }
        }
        var vaeFlags: [String: String] = ["seed": String(seed)]
        let data: String
        if let dir = dataDir {
            data = "mnist"
            vaeFlags.merge(["data": "mnist", "data-dir": dir, "architecture": "conv", "epochs": small ? "1" : "2",
                            "train-size": small ? "2000" : "30000", "test-size": small ? "500" : "5000"]) { $1 }
        } else {
            data = "sprites"
            vaeFlags.merge(["data": "sprites", "epochs": small ? "1" : "8", "train-size": small ? "1024" : "16000",
                            "test-size": small ? "200" : "1000", "picture-every": small ? "1" : "2"]) { $1 }
        }
        let vaeSettings = try RunSettings.resolve(model: "vae", flags: vaeFlags)
        let flowSettings = try RunSettings.resolve(model: "realnvp", flags: [
            "data": "moons", "seed": String(seed), "epochs": small ? "2" : "30", "train-size": small ? "2048" : "20480",
            "test-size": small ? "1000" : "10000", "picture-every": small ? "1" : "10",
        ])
        console.say("latent demo: a VAE on \(data), then a RealNVP flow on two moons → \(root.path)/\n")
        let vaeFolder = RunFolder(root.appendingPathComponent("vae")), flowFolder = RunFolder(root.appendingPathComponent("flow"))
        let vae = try TrainingSession(settings: vaeSettings, folder: vaeFolder, console: console).run()
        console.say("")
        let flow = try TrainingSession(settings: flowSettings, folder: flowFolder, console: console).run()
        let vaeNLL = vae["loss"] ?? .nan, flowNLL = flow["nll"] ?? .nan
        console.result("""

            VAE on \(data): test −ELBO \(String(format: "%.2f", vaeNLL)) nats per image
            RealNVP on two moons: test NLL \(String(format: "%.3f", flowNLL)) nats per point
            Pictures, curves, metrics and an HTML report of each run:
              \(vaeFolder.report.path)   (samples, reconstructions, traversal, interpolations, curves)
              \(flowFolder.report.path)  (learned density with samples, curves)
            Next: latent train vae --data mnist --data-dir DIR   ·   latent --help
            """)
        guard !small else { return }
        let bound = DemoCommand.vaeBound[data]!
        guard vaeNLL <= bound, flowNLL <= DemoCommand.flowBound else {
            throw CLIError.failed(String(format: "demo quality check failed: VAE −ELBO %.2f (bound %.0f), flow NLL %.3f (bound %.2f)",
                                         vaeNLL, bound, flowNLL, DemoCommand.flowBound))
        }
    }
}
