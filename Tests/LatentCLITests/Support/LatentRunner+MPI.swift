import Foundation
import XCTest

/// Running `latent` under Open MPI's `mpirun`, for the distributed-training tests.
extension LatentRunner {
    /// `mpirun` on the PATH, or nil.
    static var mpirun: URL? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let url = URL(fileURLWithPath: String(dir)).appendingPathComponent("mpirun")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }

    /// `mpirun`, or a skip — except under CI, whose `.ci/run` installs Open MPI, where its
    /// absence fails the test.
    static func requireMPI() throws -> URL {
        if let mpirun = mpirun { return mpirun }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            XCTFail("mpirun not found: .ci/run installs Open MPI (openmpi-bin) before the tests")
        }
        throw XCTSkip("mpirun not found (install openmpi-bin to run the distributed tests)")
    }

    /// `mpirun --oversubscribe -np ranks latent arguments…` in the scratch folder (not started).
    func mpiProcess(ranks: Int, _ arguments: [String]) throws -> Process {
        let process = self.process([])
        process.executableURL = try LatentRunner.requireMPI()
        process.arguments = ["--oversubscribe", "-np", String(ranks), LatentRunner.executable.path] + arguments
        var environment = process.environment ?? [:]
        // CI machines run as root; Open MPI refuses that unless told twice.
        environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        environment["OMPI_MCA_btl"] = "self,vader"  // one machine: shared memory, no network probing
        // On Ctrl-C Open MPI's mpirun sends the ranks SIGTERM after this many seconds (1 by
        // default) and SIGKILL as long again later: give a loaded machine's debug build time to
        // finish its step and save (docs/DISTRIBUTED.md).
        environment["OMPI_MCA_odls_base_sigkill_timeout"] = "5"
        environment.removeValue(forKey: "LATENT_NUM_THREADS")
        process.environment = environment
        return process
    }

    /// Runs `latent arguments…` on `ranks` MPI processes, killed after `timeout` seconds.
    func runMPI(ranks: Int, _ arguments: [String], timeout: TimeInterval = 300) throws -> Outcome {
        try LatentRunner.collect(try mpiProcess(ranks: ranks, arguments), timeout: timeout)
    }

    /// Starts `latent arguments…` on `ranks` MPI processes in the background.
    func startMPI(ranks: Int, _ arguments: [String]) throws -> Background {
        try start(process: try mpiProcess(ranks: ranks, arguments))
    }
}
