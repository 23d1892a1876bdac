import ArgumentParser
import Foundation
import Latent
import LatentBenchmarks

/// `latent bench`: the reference training workloads, timed (and optionally profiled).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the reference training workloads (one JSON line each); build with -c release.")

    @Argument(help: "Workloads (default all): \(BenchmarkWorkload.allCases.map(\.rawValue).joined(separator: ", ")).")
    var workloads: [String] = []

    @Option(name: .long, help: "Threads of the kernels.") var threads = 2
    @Option(name: .long, help: "Seconds of timed training per workload (after warm-up).") var seconds = 10.0
    @Flag(name: .long, help: "Also run each workload's full training run and report the quality reached.") var quality = false
    @Flag(name: .long, help: "Print per-op time and allocation counts of training steps instead of throughput.") var profile = false
    @Option(name: .long, help: "Training steps profiled.") var steps = 20
    @Option(name: .long, help: "Folder holding MNIST.") var dataDir: String?
    @Flag(name: .long, help: "Under mpirun: time the gradient sum (MPI allreduce) for 4 KB–16 MB messages instead (docs/DISTRIBUTED.md).") var allreduce = false

    func run() throws {
        if allreduce { return try AllreduceBenchmark.run() }
        let chosen = try workloads.isEmpty ? BenchmarkWorkload.allCases : workloads.map { name in
            guard let w = BenchmarkWorkload(rawValue: name) else {
                throw CLIError.unknown(what: "workload", name: name, valid: BenchmarkWorkload.allCases.map(\.rawValue))
            }
            return w
        }
        guard threads >= 1, seconds > 0, steps >= 1 else { throw CLIError.usage("need --threads ≥ 1, --seconds > 0, --steps ≥ 1") }
        let source = dataDir.map { DataSource(directory: URL(fileURLWithPath: $0)) } ?? DataSource()
        let options = BenchmarkOptions(threads: threads, seconds: seconds, quality: quality, source: source)
        // For people, on stderr (stdout stays one JSON line per workload): what every line is measured against.
        FileHandle.standardError.write(Data("latent bench: \(MachinePeak.current.summary), \(threads) thread(s)\n".utf8))
        for workload in chosen {
            do {
                if profile {
                    print(try Benchmarks.profile(workload, options: options, steps: steps))
                } else {
                    print(try Benchmarks.run(workload, options: options).jsonLine())
                }
            } catch let error as DataError {
                throw CLIError.failed("\(workload.rawValue) needs MNIST: \(error). Pass --data-dir DIR.")
            }
        }
    }
}
