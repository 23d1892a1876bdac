import Latent
import LatentBenchmarks
import Foundation

/// latent-bench: release-mode benchmarks of the engine, one JSON line per case.
///
///     swift run -c release latent-bench [--threads 1,2] [--only sgemm|elementwise|overhead|mlp]
let usage = "usage: latent-bench [--threads 1,2] [--only sgemm|elementwise|overhead|mlp]"
var threadCounts = [1, Swift.max(2, ProcessInfo.processInfo.activeProcessorCount)]
var only: String? = nil
var args = CommandLine.arguments.dropFirst()
while let arg = args.popFirst() {
    switch arg {
    case "--threads":
        guard let v = args.popFirst(), case let counts = v.split(separator: ",").compactMap({ Int($0) }), !counts.isEmpty, counts.allSatisfy({ $0 >= 1 }) else {
            FileHandle.standardError.write("--threads needs a comma-separated list of positive integers\n\(usage)\n".data(using: .utf8)!)
            exit(2)
        }
        threadCounts = counts
    case "--only":
        guard let v = args.popFirst(), ["sgemm", "elementwise", "overhead", "mlp"].contains(v) else {
            FileHandle.standardError.write("--only needs one of sgemm, elementwise, overhead, mlp\n\(usage)\n".data(using: .utf8)!)
            exit(2)
        }
        only = v
    case "-h", "--help":
        print(usage); exit(0)
    default:
        FileHandle.standardError.write("unknown argument '\(arg)'\n\(usage)\n".data(using: .utf8)!)
        exit(2)
    }
}

func emit(_ line: JSONLine) {
    print(line.text)
    fflush(stdout)
}

// The machine every line is measured on: a header line, and the same words as `latent bench` on stderr.
let peak = MachinePeak.current
var header = JSONLine()
header.add("case", "machine"); header.add("cpu", peak.cpu); header.add("isa", peak.isa)
header.add("peak_gflops_per_thread", peak.gflopsPerThread, digits: 1)
emit(header)
FileHandle.standardError.write("latent-bench: \(peak.summary)\n".data(using: .utf8)!)

let gemmSizes = [(128, 784, 400), (128, 400, 784), (512, 512, 512), (1024, 1024, 1024)]
for t in threadCounts {
    Threads.count = t
    if only == nil || only == "sgemm" {
        for (m, k, n) in gemmSizes { emit(EngineBenchmarks.gemm(m: m, k: k, n: n, threads: t, peak: peak)) }
        if t == threadCounts[0] {
            for (m, k, n) in gemmSizes.prefix(3) {
                emit(EngineBenchmarks.gemm(m: m, k: k, n: n, threads: 1, transpose: "TN", peak: peak))
                emit(EngineBenchmarks.gemm(m: m, k: k, n: n, threads: 1, transpose: "NT", peak: peak))
            }
        }
    }
    if only == nil || only == "elementwise" {
        for op in ["add", "mul", "exp", "log", "tanh", "sigmoid", "softplus", "sum"] {
            emit(EngineBenchmarks.elementwise(op, count: 1 << 20, threads: t))
        }
        // The sizes of one training step's passes (a batch of 128 MNIST images is 100,352
        // floats), where the split over the pool has to pay for its hand-off.
        for count in [1 << 13, 1 << 14, 1 << 15, 1 << 16, 100_352] {
            for op in ["add", "softplus"] { emit(EngineBenchmarks.elementwise(op, count: count, threads: t)) }
        }
    }
    if only == nil || only == "overhead" {
        emit(EngineBenchmarks.overhead(threads: t))
        emit(EngineBenchmarks.poolHandoff(threads: t))
    }
    if only == nil || only == "mlp" {
        emit(EngineBenchmarks.mlpStep(threads: t))
        ModuleBenchmarks.mlpStep(threads: t).forEach(emit)
    }
}
