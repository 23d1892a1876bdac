import Foundation
import Latent
import LatentDistributed

/// `latent bench --allreduce` under `mpirun`: the time of one in-place float sum over the ranks
/// (the operation that averages gradients) for message sizes from 4 KB to 16 MB, as JSON lines on
/// rank 0 — the latency and bandwidth terms of docs/DISTRIBUTED.md's cost model, measured.
enum AllreduceBenchmark {
    /// Message sizes in bytes.
    static let sizes = [4 << 10, 64 << 10, 512 << 10, 2 << 20, 4 << 20, 16 << 20]

    /// Times `repeats` sums per size (after 3 untimed) and prints the median on rank 0.
    static func run(repeats: Int = 30, timeout: Double = 120) throws {
        let group: MPICommunicator
        do { group = try MPICommunicator.start(timeout: timeout) } catch {
            throw CLIError.failed("--allreduce needs MPI (run it as mpirun -np N latent bench --allreduce): \(error)")
        }
        for bytes in sizes {
            let count = bytes / 4
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
            defer { buffer.deallocate() }
            buffer.initialize(repeating: 1)
            var times: [Double] = []
            for i in 0..<(repeats + 3) {
                var barrier = [0.0]
                try group.sum(&barrier, what: "the barrier before a timed sum")
                let start = DispatchTime.now().uptimeNanoseconds
                try group.wait(try group.startSum(buffer), what: "a timed sum of \(bytes) bytes")
                if i >= 3 { times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
            }
            // The slowest rank's time is the operation's.
            var slowest = times
            try group.max(&slowest, what: "the timings")
            let median = slowest.sorted()[slowest.count / 2]
            if group.rank == 0 {
                print(Console.jsonLine(["case": "allreduce", "ranks": group.size, "bytes": bytes, "seconds_median": median,
                                        "algorithm_gb_per_s": Double(bytes) / median / 1e9, "library": group.version]))
                fflush(stdout)
            }
        }
    }
}
