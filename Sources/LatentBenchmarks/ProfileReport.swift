import Foundation
import LatentTensor

/// Where the time and the tensor allocations of a workload's training steps go, per op
/// (`"linear"`), per op's backward (`"linear.backward"`) and per phase (`"optimizer"`), from
/// the engine's `Profiler` (see its documentation for how time is charged to labels).
public struct ProfileReport: Codable, CustomStringConvertible, Sendable {
    /// One label's share of a step.
    public struct Row: Codable, Equatable, Sendable {
        /// Op name, `op.backward`, or a phase of the step.
        public var label: String
        /// Marks per step.
        public var callsPerStep: Double
        /// Seconds per step.
        public var secondsPerStep: Double
        /// Fraction of the profiled step time.
        public var share: Double
        /// Buffers allocated per step.
        public var allocationsPerStep: Double
        /// Bytes of those buffers per step.
        public var bytesPerStep: Double

        /// snake_case JSON names, as every output of the command.
        enum CodingKeys: String, CodingKey {
            case label, share
            case callsPerStep = "calls_per_step", secondsPerStep = "seconds_per_step"
            case allocationsPerStep = "allocations_per_step", bytesPerStep = "bytes_per_step"
        }
    }

    /// The workload profiled.
    public var workload: String
    /// Kernel threads.
    public var threads: Int
    /// Steps profiled (after one untimed warm-up step).
    public var steps: Int
    /// Wall-clock seconds per profiled step (with the profiler's own small cost).
    public var secondsPerStep: Double
    /// Buffers allocated per step.
    public var allocationsPerStep: Double
    /// Bytes of those buffers per step.
    public var bytesPerStep: Double
    /// Labels, most time first.
    public var rows: [Row]
    /// The CPU model (`MachinePeak.cpu`).
    public var cpu: String
    /// The GEMM's code path (`MachinePeak.isa`).
    public var isa: String
    /// The measured float32 limit of one thread on that path, GFLOP/s.
    public var peakGflopsPerThread: Double

    /// snake_case JSON names, as every output of the command.
    enum CodingKeys: String, CodingKey {
        case workload, threads, steps, rows, cpu, isa
        case secondsPerStep = "seconds_per_step", allocationsPerStep = "allocations_per_step", bytesPerStep = "bytes_per_step"
        case peakGflopsPerThread = "peak_gflops_per_thread"
    }

    /// A report from the profiler's totals over `steps` steps taking `seconds` in all.
    init(workload: BenchmarkWorkload, threads: Int, steps: Int, seconds: Double, entries: [Profiler.Entry],
         peak: MachinePeak = .current) {
        self.workload = workload.rawValue
        self.cpu = peak.cpu
        self.isa = peak.isa
        self.peakGflopsPerThread = peak.gflopsPerThread
        self.threads = threads
        self.steps = steps
        let n = Double(max(steps, 1))
        secondsPerStep = seconds / n
        let total = max(entries.reduce(0) { $0 + $1.seconds }, .leastNonzeroMagnitude)
        rows = entries.map {
            Row(label: $0.label, callsPerStep: Double($0.calls) / n, secondsPerStep: $0.seconds / n,
                share: $0.seconds / total, allocationsPerStep: Double($0.allocations) / n, bytesPerStep: Double($0.bytes) / n)
        }
        allocationsPerStep = rows.reduce(0) { $0 + $1.allocationsPerStep }
        bytesPerStep = rows.reduce(0) { $0 + $1.bytesPerStep }
    }

    /// A fixed-width table: one row per label, then the totals.
    public var description: String {
        func pad(_ s: String, _ w: Int, left: Bool = false) -> String {
            let p = String(repeating: " ", count: max(0, w - s.count))
            return left ? s + p : p + s
        }
        var lines = ["profile \(workload), \(threads) thread(s), \(steps) steps: "
                     + String(format: "%.3f ms/step, %.0f allocations (%.2f MB) per step", secondsPerStep * 1e3,
                              allocationsPerStep, bytesPerStep / 1e6)]
        lines.append(pad("op", 28, left: true) + pad("calls", 8) + pad("ms/step", 10) + pad("share", 8)
                     + pad("allocs", 8) + pad("MB/step", 10))
        for r in rows {
            lines.append(pad(r.label, 28, left: true) + pad(String(format: "%.0f", r.callsPerStep), 8)
                         + pad(String(format: "%.3f", r.secondsPerStep * 1e3), 10)
                         + pad(String(format: "%.1f%%", r.share * 100), 8)
                         + pad(String(format: "%.0f", r.allocationsPerStep), 8)
                         + pad(String(format: "%.2f", r.bytesPerStep / 1e6), 10))
        }
        return lines.joined(separator: "\n")
    }

    /// The report as one line of JSON (keys sorted).
    public func jsonLine() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }
}
