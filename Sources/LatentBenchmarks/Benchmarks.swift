import Foundation
import Latent

/// Runs and profiles the reference training workloads (`latent bench`).
public enum Benchmarks {
    /// Measures `workload`: builds it, trains for `options.warmupSeconds` untimed, then times
    /// `options.seconds` of training in `options.repeats` parts and reports the median rate. With
    /// `options.quality` it then runs the model issue's full quality experiment as well.
    public static func run(_ workload: BenchmarkWorkload, options: BenchmarkOptions) throws -> BenchmarkResult {
        try validate(options)
        return try withThreads(options.threads) {
            let session = try WorkloadSession(workload, source: options.source, seed: options.seed)
            session.step()
            _ = timedSteps(session, seconds: options.warmupSeconds)
            var rates: [Double] = []
            var steps = 0
            for _ in 0..<options.repeats {
                let (n, seconds) = timedSteps(session, seconds: options.seconds / Double(options.repeats))
                rates.append(Double(n) / seconds)
                steps += n
            }
            rates.sort()
            var result = BenchmarkResult(workload: workload, stepsPerSecond: rates[rates.count / 2], threads: options.threads,
                                         repeats: options.repeats, steps: steps, parameters: session.parameterCount)
            if options.quality {
                let start = Date()
                let metrics = try QualityRuns.run(workload, source: options.source, seed: options.seed)
                result.setQuality(metrics, seconds: Date().timeIntervalSince(start))
            }
            return result
        }
    }

    /// Profiles `steps` training steps of `workload` (after one untimed step) with the engine's
    /// `Profiler`: time and tensor allocations per op, per op's backward and per phase.
    public static func profile(_ workload: BenchmarkWorkload, options: BenchmarkOptions, steps: Int) throws -> ProfileReport {
        try validate(options)
        guard steps > 0 else { throw BenchmarkError("profile: steps must be positive, got \(steps)") }
        return try withThreads(options.threads) {
            let session = try WorkloadSession(workload, source: options.source, seed: options.seed)
            session.step()
            Profiler.start()
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<steps { session.step() }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            let entries = Profiler.stop()
            return ProfileReport(workload: workload, threads: options.threads, steps: steps, seconds: seconds, entries: entries)
        }
    }

    /// Steps run until `seconds` have passed (at least one), and the time they took.
    private static func timedSteps(_ session: WorkloadSession, seconds: Double) -> (steps: Int, seconds: Double) {
        let start = DispatchTime.now().uptimeNanoseconds
        var n = 0
        var elapsed = 0.0
        repeat {
            session.step()
            n += 1
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        } while elapsed < seconds
        return (n, elapsed)
    }

    private static func validate(_ options: BenchmarkOptions) throws {
        guard options.threads >= 1 else { throw BenchmarkError("threads must be at least 1, got \(options.threads)") }
        guard options.seconds >= 0, options.warmupSeconds >= 0 else {
            throw BenchmarkError("seconds and warmupSeconds must be non-negative, got \(options.seconds), \(options.warmupSeconds)")
        }
        guard options.repeats >= 1 else { throw BenchmarkError("repeats must be at least 1, got \(options.repeats)") }
    }

    /// Runs `body` with `Threads.count` set to `threads`, restoring the previous count afterwards.
    private static func withThreads<T>(_ threads: Int, _ body: () throws -> T) rethrows -> T {
        let previous = Threads.count
        Threads.count = threads
        defer { Threads.count = previous }
        return try body()
    }
}

/// A benchmark option or setting that cannot be measured, with what was expected.
public struct BenchmarkError: Error, CustomStringConvertible {
    /// What was wrong.
    public let message: String
    init(_ message: String) { self.message = message }
    /// The message, prefixed with the command's name.
    public var description: String { "latent bench: \(message)" }
}
