import Dispatch
import Foundation

/// The number of threads the kernels split work over, and the parallel loop they use.
///
/// Defaults to `LATENT_NUM_THREADS` when set, else every core. Work is split into a fixed number
/// of contiguous blocks that depends only on the problem shape and this count, so results are
/// bit-identical from run to run for the same thread count.
public enum Threads {
    private nonisolated(unsafe) static var configured: Int = {
        if let s = ProcessInfo.processInfo.environment["LATENT_NUM_THREADS"] {
            guard let n = Int(s), n >= 1 else {
                fatalError("LATENT_NUM_THREADS must be a positive integer, got '\(s)'")
            }
            return n
        }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// Threads used by multi-threaded kernels (≥ 1).
    public static var count: Int {
        get { configured }
        set {
            require(newValue >= 1, "Threads.count must be at least 1, got \(newValue)")
            configured = newValue
        }
    }

    /// Calls `body(i)` for `i` in `0..<n`, on up to `count` threads. Runs inline for n ≤ 1.
    @inlinable
    public static func parallelFor(_ n: Int, _ body: (Int) -> Void) {
        if n <= 1 {
            if n == 1 { body(0) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: n, execute: body)
    }
}
