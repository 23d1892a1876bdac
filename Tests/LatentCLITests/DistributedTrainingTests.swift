import Foundation
import XCTest
import LatentNN
import LatentTestSupport

/// `latent train` on two MPI ranks (`mpirun --oversubscribe -np 2`, Open MPI, as .ci/run installs
/// it): the same run as one process on the global batch, exact resume after Ctrl-C, and faults
/// that end the job instead of hanging it. Skipped where no `mpirun` is installed (not in CI).
final class DistributedTrainingTests: XCTestCase {
    /// 100 steps of the MLP VAE on MNIST: 1,280 images, 10 epochs, global batch 128.
    private func vae(_ data: URL, batch: Int, output: String) -> [String] {
        ["train", "vae", "--data", "mnist", "--data-dir", data.path, "--train-size", "1280", "--test-size", "256",
         "--epochs", "10", "--batch-size", String(batch), "--binarize", "dynamic", "--output", output, "--quiet"]
    }

    private func curve(_ url: URL) throws -> [(train: Double, test: Double)] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").compactMap { line in
            let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            guard record["final"] == nil else { return nil }
            return (record["train.loss"] as! Double, record["test.loss"] as! Double)
        }
    }

    func testTwoRanksOfBatch64ReproduceOneProcessOfBatch128AndResumeExactlyAfterCtrlC() throws {
        _ = try LatentRunner.requireMPI()
        let runner = try LatentRunner(self)
        let data = try sharedDataRoot()
        try runner.succeed(vae(data, batch: 128, output: "one"))
        let two = try runner.runMPI(ranks: 2, vae(data, batch: 64, output: "two"))
        XCTAssertEqual(two.status, 0, two.stderr)

        let (single, ranks) = (try curve(runner.path("one/metrics.jsonl")), try curve(runner.path("two/metrics.jsonl")))
        XCTAssertEqual(single.count, 10)
        XCTAssertEqual(ranks.count, 10)
        for (epoch, (a, b)) in zip(single, ranks).enumerated() {
            XCTAssertEqual(b.train, a.train, accuracy: 1e-4 * abs(a.train), "epoch \(epoch + 1) training loss")
            XCTAssertEqual(b.test, a.test, accuracy: 1e-4 * abs(a.test), "epoch \(epoch + 1) test loss")
        }
        let x = try SafeTensorsFile(contentsOf: runner.path("one/checkpoints/last.safetensors"))
        let y = try SafeTensorsFile(contentsOf: runner.path("two/checkpoints/last.safetensors"))
        XCTAssertEqual(y.metadata["trainer.step"], "100")
        XCTAssertEqual(y.metadata["trainer.world_size"], "2")
        XCTAssertEqual(y.metadata["trainer.batch_examples"], "128")
        // The gradient sums round differently (two half-batch means added, not one mean): 1e-7
        // apart after 8 steps, which 100 steps of Adam amplify — measured: 3.8e-4 for the first
        // layer's weights (rarely lit pixels get tiny gradients), 1.5e-4 for its bias, ≤ 4e-5 elsewhere.
        for name in x.names where !name.hasPrefix("optimizer.") {
            let (p, q) = (try x.tensor(named: name).scalars, try y.tensor(named: name).scalars)
            let difference = zip(p, q).reduce(0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }.squareRoot()
            let norm = p.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
            XCTAssertLessThanOrEqual(difference / norm, 1e-3, "parameter \(name) after 100 steps (relative L2 difference)")
        }

        // Ctrl-C on mpirun (which sends the ranks SIGTERM, 5 s later here) mid-run, then resume on 2 ranks:
        // the same checkpoint as the uninterrupted two-rank run, tensor for tensor.
        let interrupted = try runner.startMPI(ranks: 2, vae(data, batch: 64, output: "cut"))
        XCTAssertTrue(runner.waitFor("cut/checkpoints/last.safetensors"), "no epoch finished")
        interrupted.send(SIGINT)
        let stopped = interrupted.wait()
        XCTAssertNotEqual(stopped.status, 0)
        XCTAssertTrue(stopped.stderr.contains("interrupted at epoch"), "status \(stopped.status): \(stopped.stderr) \(stopped.stdout)")
        let resumed = try runner.runMPI(ranks: 2, ["train", "--resume", runner.path("cut").path, "--quiet"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        try LatentRunner.assertSameCheckpoint(runner.path("two/checkpoints/last.safetensors"), runner.path("cut/checkpoints/last.safetensors"))
        XCTAssertEqual(try curve(runner.path("cut/metrics.jsonl")).count, 10)

        // The same folder continues on one process (global batch 64 from now on) to more epochs.
        let more = try runner.run(["train", "--resume", runner.path("two").path, "--epochs", "11", "--quiet"])
        XCTAssertEqual(more.status, 0, more.stderr)
        XCTAssertEqual(try SafeTensorsFile(contentsOf: runner.path("two/checkpoints/last.safetensors")).metadata["trainer.step"], "120")
    }

    private func small(_ data: URL, output: String, extra: [String] = []) -> [String] {
        ["train", "vae", "--data", "mnist-5k", "--data-dir", data.path, "--train-size", "512", "--test-size", "100",
         "--epochs", "200", "--batch-size", "32", "--output", output] + extra
    }

    /// The ranks' process ids under `mpirun` (its children running `latent`).
    private func ranks(of mpirun: Process) -> [Int32] {
        let out = Pipe()
        let pgrep = Process()
        pgrep.executableURL = URL(fileURLWithPath: "/usr/bin/pgrep")
        pgrep.arguments = ["-P", String(mpirun.processIdentifier), "latent"]
        pgrep.standardOutput = out
        try? pgrep.run()
        pgrep.waitUntilExit()
        return String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n").compactMap { Int32($0) }
    }

    func testADeadRankEndsTheJobAndLeavesALoadableCheckpoint() throws {
        _ = try LatentRunner.requireMPI()
        let runner = try LatentRunner(self)
        let job = try runner.startMPI(ranks: 2, small(try sharedDataRoot(), output: "dead"))
        XCTAssertTrue(runner.waitFor("dead/checkpoints/last.safetensors"))
        let pids = ranks(of: job.process)
        XCTAssertEqual(pids.count, 2, "two ranks under mpirun")
        let start = Date()
        kill(pids.last!, SIGKILL)
        let outcome = job.wait()
        XCTAssertNotEqual(outcome.status, 0)
        XCTAssertLessThan(Date().timeIntervalSince(start), 30, "the job outlived its dead rank")
        XCTAssertNoThrow(try SafeTensorsFile(contentsOf: runner.path("dead/checkpoints/last.safetensors")))
    }

    func testAHungRankMakesTheOthersStopAfterTheTimeout() throws {
        _ = try LatentRunner.requireMPI()
        let runner = try LatentRunner(self)
        let job = try runner.startMPI(ranks: 2, small(try sharedDataRoot(), output: "hung", extra: ["--distributed-timeout", "3"]))
        XCTAssertTrue(runner.waitFor("hung/checkpoints/last.safetensors"))
        let pids = ranks(of: job.process)
        XCTAssertEqual(pids.count, 2)
        let start = Date()
        kill(pids.last!, SIGSTOP)  // rank 1 hangs
        defer { for pid in pids { kill(pid, SIGCONT); kill(pid, SIGKILL) } }
        let outcome = job.wait()
        XCTAssertLessThan(Date().timeIntervalSince(start), 40, "no timeout")
        XCTAssertNotEqual(outcome.status, 0)
        XCTAssertTrue(outcome.stderr.contains("no answer from the other ranks for 3 s"), outcome.stderr)
        XCTAssertNoThrow(try SafeTensorsFile(contentsOf: runner.path("hung/checkpoints/last.safetensors")))
    }

    func testDistributedWithoutAnMPILibraryFailsClearly() throws {
        let runner = try LatentRunner(self)
        let process = runner.process(small(try sharedDataRoot(), output: "none", extra: ["--distributed", "--epochs", "1"]))
        process.environment?["LATENT_MPI_LIBRARY"] = "/nonexistent/libmpi.so"
        let outcome = try LatentRunner.collect(process, timeout: 60)
        XCTAssertEqual(outcome.status, 1)
        XCTAssertTrue(outcome.stderr.contains("--distributed was given, but MPI cannot be used"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("LATENT_MPI_LIBRARY"), outcome.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: runner.path("none").path))
    }
}
