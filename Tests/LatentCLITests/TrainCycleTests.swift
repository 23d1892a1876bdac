import Foundation
import XCTest
import LatentTestSupport
import Latent
import LatentCLI

/// End-to-end runs of the built `latent` executable: train → checkpoint → eval → sample, resume,
/// TensorBoard files read back independently, the HTML report, the demo in its small mode.
final class TrainCycleTests: XCTestCase {
    /// A tiny MLP VAE on the MNIST subset: trains, evaluates, samples, inspects, draws.
    func testTrainCheckpointEvalSampleCycle() throws {
        let latent = try LatentRunner(self)
        let data = try sharedDataRoot().path
        try latent.succeed(["train", "vae", "--data", "mnist-5k", "--data-dir", data, "--epochs", "2", "--train-size", "1024",
                            "--test-size", "200", "--hidden", "64", "--latent", "4", "--output", "run", "--quiet"])
        let run = latent.path("run")
        for file in ["config.json", "checkpoints/last.safetensors", "checkpoints/best.safetensors", "metrics.jsonl", "metrics.csv",
                     "summary.json", "report.html", "pictures/samples.png", "pictures/reconstructions.png", "pictures/traversal.png",
                     "pictures/interpolations.png", "pictures/curves.png"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent(file).path), "missing \(file)")
        }
        let csv = try String(contentsOf: run.appendingPathComponent("metrics.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.count, 3, "header and one row per epoch")
        XCTAssertTrue(csv[0].hasPrefix("epoch,step,seconds,learning_rate"))

        // eval: the IWAE estimate is a tighter bound than the ELBO on the same images.
        let eval = try latent.succeed(["eval", "run", "--samples", "50", "--images", "100", "--json"])
        let metrics = try LatentRunner.evalMetrics(eval.stdout)
        let nll = try XCTUnwrap(metrics["nll_iwae50_first100"]), elbo = try XCTUnwrap(metrics["negative_elbo_first100"])
        XCTAssertTrue(nll.isFinite && nll > 50 && nll < 600, "IWAE NLL \(nll)")
        XCTAssertLessThanOrEqual(nll, elbo + 1e-3)
        // Float32 results are written with a Float's digits: the identity holds to Float precision.
        XCTAssertEqual(metrics["elbo_gap_first100"]!, elbo - nll, accuracy: 1e-6 * abs(elbo))
        XCTAssertNotNil(metrics["active_units"])

        // sample: a .npy array of images in [0, 1], and a PNG grid.
        try latent.succeed(["sample", "run", "--count", "12", "--output", "s.npy", "--quiet"])
        let samples = try NPY.read(latent.path("s.npy"))
        XCTAssertEqual(samples.shape, [12, 1, 28, 28])
        XCTAssertTrue(samples.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        try latent.succeed(["sample", "run", "--count", "8", "--temperature", "0.5", "--output", "s.png", "--quiet"])
        XCTAssertEqual(Array(try Data(contentsOf: latent.path("s.png")).prefix(8)), PNG.signature)

        // inspect names the parameters and the training position.
        let inspect = try latent.succeed(["inspect", "run/checkpoints/last.safetensors"])
        XCTAssertTrue(inspect.stdout.contains("encoder.body.layers.1.weight"), inspect.stdout)
        XCTAssertTrue(inspect.stdout.contains("epoch 2"), inspect.stdout)
        for command in [["reconstruct", "run", "--output", "r.png"], ["interpolate", "run", "--output", "i.png"],
                        ["traverse", "run", "--dims", "0", "1", "--output", "t.png"]] {
            try latent.succeed(command + ["--quiet"])
            XCTAssertTrue(FileManager.default.fileExists(atPath: latent.path(command.last!).path))
        }
    }

    /// Two epochs in one go equal one epoch, `--resume`, and a second epoch, bit for bit.
    func testResumeReproducesTheUninterruptedRun() throws {
        let latent = try LatentRunner(self)
        let common = ["--data", "moons", "--train-size", "1024", "--test-size", "500", "--layers", "4", "--hidden", "16,16", "--quiet"]
        try latent.succeed(["train", "realnvp", "--epochs", "2", "--output", "whole"] + common)
        try latent.succeed(["train", "realnvp", "--epochs", "1", "--output", "split"] + common)
        try latent.succeed(["train", "--resume", "split", "--epochs", "2", "--quiet"])
        let whole = MetricsFiles.readHistory(latent.path("whole/metrics.jsonl"))
        let split = MetricsFiles.readHistory(latent.path("split/metrics.jsonl"))
        XCTAssertEqual(whole.count, 2)
        XCTAssertEqual(split.count, 2)
        XCTAssertEqual(whole.map { $0.test["nll"]! }, split.map { $0.test["nll"]! })
        XCTAssertEqual(whole.map { $0.train["loss"]! }, split.map { $0.train["loss"]! })
        let a = try SafeTensorsFile(contentsOf: latent.path("whole/checkpoints/last.safetensors"))
        let b = try SafeTensorsFile(contentsOf: latent.path("split/checkpoints/last.safetensors"))
        XCTAssertEqual(a.names, b.names)
        XCTAssertEqual(a.metadata["trainer.step"], b.metadata["trainer.step"])
    }

    /// `--tensorboard`: the event file holds the epoch metrics (equal to metrics.jsonl) and the
    /// sample images, as read by the independent reader in LatentTestSupport.
    func testTensorBoardEventsMatchTheMetrics() throws {
        let latent = try LatentRunner(self)
        try latent.succeed(["train", "realnvp", "--data", "moons", "--epochs", "2", "--train-size", "1024", "--test-size", "500",
                            "--layers", "2", "--hidden", "8", "--output", "run", "--tensorboard", "tb", "--quiet"])
        let files = try FileManager.default.contentsOfDirectory(atPath: latent.path("tb").path)
        let name = try XCTUnwrap(files.first { $0.hasPrefix("events.out.tfevents.") })
        let events = try readTFRecords(Array(Data(contentsOf: latent.path("tb/" + name)))).map(parseProtobuf)
        XCTAssertEqual(events.first?.string(3), "brain.Event:2")
        var scalars: [String: [Int64: Float]] = [:], imageSteps: [Int64] = [], texts: [String] = []
        for event in events.dropFirst() {
            guard let summary = event.bytes(5).map(parseProtobuf) else { continue }
            for value in summary.all(1).map({ parseProtobuf($0.bytes) }) {
                let tag = value.string(1) ?? ""
                if let v = value.float(2) { scalars[tag, default: [:]][event.varint(2) ?? -1] = v }
                if value.bytes(4) != nil { imageSteps.append(event.varint(2) ?? -1) }
                if let tensor = value.bytes(8).map(parseProtobuf), let text = tensor.string(8) { texts.append(text) }
            }
        }
        let history = MetricsFiles.readHistory(latent.path("run/metrics.jsonl"))
        for report in history {
            XCTAssertEqual(scalars["test/nll"]?[Int64(report.epoch)], Float(report.test["nll"]!))
            XCTAssertEqual(scalars["train/loss"]?[Int64(report.epoch)], Float(report.train["loss"]!))
        }
        XCTAssertEqual(imageSteps, [1, 2])
        XCTAssertTrue(texts.first?.contains("\"realnvp\"") ?? false, "the config as text")
    }

    /// report.html is one self-contained page: every picture embedded as a PNG data URI, no links out.
    func testHTMLReportEmbedsThePictures() throws {
        let latent = try LatentRunner(self)
        try latent.succeed(["train", "nsf", "--data", "checkerboard", "--epochs", "1", "--train-size", "1024", "--test-size", "500",
                            "--layers", "2", "--hidden", "8", "--output", "run", "--quiet"])
        let html = try String(contentsOf: latent.path("run/report.html"), encoding: .utf8)
        let sources = html.components(separatedBy: "<img").dropFirst().compactMap { tag -> String? in
            guard let start = tag.range(of: "src=\"")?.upperBound, let end = tag[start...].firstIndex(of: "\"") else { return nil }
            return String(tag[start..<end])
        }
        XCTAssertEqual(sources.count, 3, "curves, samples, density")
        for source in sources {
            XCTAssertTrue(source.hasPrefix("data:image/png;base64,"))
            let png = try XCTUnwrap(Data(base64Encoded: String(source.dropFirst("data:image/png;base64,".count))))
            XCTAssertEqual(Array(png.prefix(8)), PNG.signature)
        }
        XCTAssertFalse(html.contains("http://") || html.contains("https://"))
        XCTAssertTrue(html.contains("checkerboard"))
    }

    /// The demo's small mode writes both run folders with their pictures and reports.
    func testDemoSmallModeWritesEverything() throws {
        let latent = try LatentRunner(self)
        let outcome = try latent.succeed(["demo", "--small", "--output", "demo"])
        XCTAssertTrue(outcome.stdout.contains("report.html"), outcome.stdout)
        for file in ["vae/report.html", "vae/pictures/samples.png", "vae/pictures/reconstructions.png", "vae/pictures/traversal.png",
                     "vae/pictures/curves.png", "vae/summary.json", "flow/report.html", "flow/pictures/density.png", "flow/summary.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: latent.path("demo/" + file).path), "missing \(file)")
        }
    }
}
