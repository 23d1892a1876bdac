import Foundation
import XCTest
import LatentCLI
import LatentTestSupport
import LatentNN

/// Ctrl-C, SIGTERM and SIGKILL during `latent train`: the work is saved (or the folder stays
/// resumable), and resuming ends with the checkpoint of a run never interrupted.
final class InterruptionTests: XCTestCase {
    /// A 2-D flow whose epochs take long enough (≈ 1,000 steps) that a signal lands mid-epoch.
    let flow = ["realnvp", "--data", "moons", "--train-size", "16000", "--test-size", "256", "--batch-size", "16",
                "--layers", "2", "--hidden", "8", "--picture-every", "0", "--quiet"]

    /// Ctrl-C mid-epoch: exit 130 with the resume command; the checkpoint records the position
    /// inside the epoch; `--resume` then ends bit for bit where the uninterrupted run ends.
    func testCtrlCMidEpochSavesAndResumesExactly() throws {
        let latent = try LatentRunner(self)
        try latent.succeed(["train"] + flow + ["--epochs", "2", "--output", "whole"])
        let run = try latent.start(["train"] + flow + ["--epochs", "2", "--output", "split"])
        XCTAssertTrue(latent.waitFor("split/checkpoints/last.safetensors"), "no checkpoint after the first epoch")
        usleep(300_000)
        run.send(SIGINT)
        let stopped = run.wait()
        XCTAssertEqual(stopped.status, 130, stopped.stderr)
        XCTAssertTrue(stopped.stderr.contains("interrupted at epoch 2, step"), stopped.stderr)
        XCTAssertTrue(stopped.stderr.contains("continue with: latent train --resume"), stopped.stderr)
        let saved = try SafeTensorsFile(contentsOf: latent.path("split/checkpoints/last.safetensors")).metadata
        XCTAssertEqual(saved["trainer.epoch"], "1")
        let batches = try XCTUnwrap(Int(saved["trainer.epoch_batches"] ?? ""))
        XCTAssertGreaterThan(batches, 0, "the checkpoint should be mid-epoch")
        XCTAssertLessThan(batches, 1000)

        try latent.succeed(["train", "--resume", "split", "--quiet"])
        try LatentRunner.assertSameCheckpoint(latent.path("whole/checkpoints/last.safetensors"), latent.path("split/checkpoints/last.safetensors"))
        let whole = MetricsFiles.readHistory(latent.path("whole/metrics.jsonl"))
        let split = MetricsFiles.readHistory(latent.path("split/metrics.jsonl"))
        XCTAssertEqual(whole.map(\.epoch), [1, 2])
        XCTAssertEqual(split.map(\.epoch), [1, 2])
        XCTAssertEqual(whole.map { $0.train["loss"]! }, split.map { $0.train["loss"]! })
        XCTAssertEqual(whole.map { $0.test["nll"]! }, split.map { $0.test["nll"]! })
    }

    /// SIGTERM exits 143 after saving, like Ctrl-C.
    func testSIGTERMSavesAndExits143() throws {
        let latent = try LatentRunner(self)
        let run = try latent.start(["train"] + flow + ["--epochs", "3", "--output", "run"])
        XCTAssertTrue(latent.waitFor("run/checkpoints/last.safetensors"))
        run.send(SIGTERM)
        let stopped = run.wait()
        XCTAssertEqual(stopped.status, 143, stopped.stderr)
        XCTAssertTrue(stopped.stderr.contains("--resume"), stopped.stderr)
    }

    /// A VAE on real MNIST digits with dynamic binarization (the loader's transform draws must be
    /// replayed when resuming inside an epoch): Ctrl-C, resume, same checkpoint as never stopped.
    func testCtrlCDuringAnMNISTRunResumesExactly() throws {
        let data = try sharedDataRoot()
        let latent = try LatentRunner(self)
        let vae = ["vae", "--data", "mnist-5k", "--data-dir", data.path, "--train-size", "2000", "--test-size", "200",
                   "--batch-size", "16", "--hidden", "64", "--latent", "8", "--binarize", "dynamic", "--epochs", "2",
                   "--picture-every", "0", "--quiet"]
        try latent.succeed(["train"] + vae + ["--output", "whole"])
        let run = try latent.start(["train"] + vae + ["--output", "split"])
        XCTAssertTrue(latent.waitFor("split/checkpoints/last.safetensors"))
        usleep(UInt32.random(in: 50_000...400_000))
        run.send(SIGINT)
        let stopped = run.wait()
        XCTAssertEqual(stopped.status, 130, stopped.stderr)
        try latent.succeed(["train", "--resume", "split", "--quiet"])
        try LatentRunner.assertSameCheckpoint(latent.path("whole/checkpoints/last.safetensors"), latent.path("split/checkpoints/last.safetensors"))
    }

    /// SIGKILL at many moments — before the first checkpoint, mid-epoch, around checkpoint and
    /// picture writes — then `--resume`: always accepted, no temporary files left, and the end equals
    /// the uninterrupted run (tensors, position, and the metrics of every epoch). Kills that land
    /// inside a write are counted (printed); `testAKillInsideAWriteLeavesTheOldFileIntact` makes
    /// that state on purpose.
    func testSIGKILLAtAnyMomentLeavesAResumableFolder() throws {
        let latent = try LatentRunner(self)
        let small = ["realnvp", "--data", "moons", "--train-size", "1024", "--test-size", "128", "--batch-size", "32",
                     "--layers", "2", "--hidden", "8", "--epochs", "3", "--picture-every", "1", "--quiet"]
        try latent.succeed(["train"] + small + ["--output", "whole"])
        let reference = MetricsFiles.readHistory(latent.path("whole/metrics.jsonl"))
        var generator = SystemRandomNumberGenerator()
        let delays: [Double] = [0.0, 0.05] + (0..<4).map { _ in Double.random(in: 0.2...2.0, using: &generator) }
        var duringWrites = 0
        for (index, delay) in delays.enumerated() {
            let name = "killed\(index)"
            let run = try latent.start(["train"] + small + ["--output", name])
            usleep(UInt32(delay * 1e6))
            run.send(SIGKILL)
            _ = run.wait()
            let leftovers = ["", "/checkpoints", "/pictures"].flatMap { folder in
                ((try? FileManager.default.contentsOfDirectory(atPath: latent.path(name + folder).path)) ?? []).filter { $0.hasSuffix(".tmp") }
            }
            if !leftovers.isEmpty { duringWrites += 1 }
            let resumed = FileManager.default.fileExists(atPath: latent.path("\(name)/config.json").path)
                ? try latent.run(["train", "--resume", name, "--quiet"])
                : try latent.run(["train"] + small + ["--output", name])
            XCTAssertEqual(resumed.status, 0, "after a kill at \(delay) s: \(resumed.stderr)")
            try LatentRunner.assertSameCheckpoint(latent.path("whole/checkpoints/last.safetensors"), latent.path("\(name)/checkpoints/last.safetensors"))
            let history = MetricsFiles.readHistory(latent.path("\(name)/metrics.jsonl"))
            XCTAssertEqual(history.map(\.epoch), reference.map(\.epoch), "metrics after a kill at \(delay) s")
            XCTAssertEqual(history.map { $0.test["nll"]! }, reference.map { $0.test["nll"]! })
            for folder in ["", "/checkpoints", "/pictures"] {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: latent.path(name + folder).path)) ?? []
                XCTAssertEqual(names.filter { $0.hasSuffix(".tmp") }, [], "temporary files left in \(name)\(folder)")
            }
        }
        print("SIGKILL loop: \(delays.count) kills, \(duringWrites) during a file write (a temporary file was left)")
    }

    /// What a kill inside a write leaves (writes go to a hidden temporary file renamed into place):
    /// half-written temporaries beside intact files. `--resume` removes them and continues exactly.
    func testAKillInsideAWriteLeavesTheOldFileIntact() throws {
        let latent = try LatentRunner(self)
        let small = ["realnvp", "--data", "moons", "--train-size", "512", "--test-size", "64", "--layers", "2", "--hidden", "8", "--quiet"]
        try latent.succeed(["train"] + small + ["--epochs", "2", "--output", "whole"])
        try latent.succeed(["train"] + small + ["--epochs", "1", "--output", "cut"])
        let checkpoint = try Data(contentsOf: latent.path("cut/checkpoints/last.safetensors"))
        let partial: [(String, Data)] = [
            ("cut/checkpoints/.last.safetensors.5D1E0C1A-0000-4000-8000-000000000000.tmp", checkpoint.prefix(checkpoint.count / 2)),
            ("cut/.metrics.csv.5D1E0C1A-0000-4000-8000-000000000001.tmp", Data("epoch,st".utf8)),
            ("cut/pictures/.samples-epoch-002.png.5D1E0C1A-0000-4000-8000-000000000002.tmp", Data([0x89, 0x50])),
        ]
        for (name, bytes) in partial { try bytes.write(to: latent.path(name)) }
        try latent.succeed(["train", "--resume", "cut", "--epochs", "2", "--quiet"])
        for (name, _) in partial { XCTAssertFalse(FileManager.default.fileExists(atPath: latent.path(name).path), "\(name) left behind") }
        try LatentRunner.assertSameCheckpoint(latent.path("whole/checkpoints/last.safetensors"), latent.path("cut/checkpoints/last.safetensors"))
    }

    /// A folder whose run was killed before its first checkpoint can be trained into again.
    func testAFolderWithoutCheckpointCanBeStartedOver() throws {
        let latent = try LatentRunner(self)
        let small = ["realnvp", "--data", "moons", "--train-size", "256", "--test-size", "64", "--layers", "2", "--hidden", "8",
                     "--epochs", "1", "--quiet"]
        try latent.succeed(["train"] + small + ["--output", "run"])
        try FileManager.default.removeItem(at: latent.path("run/checkpoints"))
        try latent.succeed(["train"] + small + ["--output", "run"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: latent.path("run/checkpoints/last.safetensors").path))
        try FileManager.default.removeItem(at: latent.path("run/checkpoints"))
        try latent.succeed(["train", "--resume", "run", "--quiet"])
        XCTAssertEqual(MetricsFiles.readHistory(latent.path("run/metrics.jsonl")).map(\.epoch), [1])
    }
}
