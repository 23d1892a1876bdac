import CLatentKernels
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

    /// Calls `body(i)` for `i` in `0..<n`, on up to `count` threads of the kernels' persistent
    /// pool (`lk_pool_run`, the GEMM workers): share t of T runs i = t, t + T, …. Runs inline for
    /// n ≤ 1, and on the caller alone when the pool is busy (a call from inside a pool job).
    public static func parallelFor(_ n: Int, _ body: (Int) -> Void) {
        if n <= 1 {
            if n == 1 { body(0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            var job = PoolJob(iterations: n, body: body)
            withUnsafeMutablePointer(to: &job) { pointer in
                lk_pool_run(Int32(Swift.min(n, count)), { context, t, threads in
                    let job = context!.assumingMemoryBound(to: PoolJob.self).pointee
                    var i = Int(t)
                    while i < job.iterations {
                        job.body(i)
                        i += Int(threads)
                    }
                }, pointer)
            }
        }
    }

    /// Calls `body(start, length)` on contiguous chunks covering `0..<n`, in parallel when n is at
    /// least `minimum` (elementwise kernels: below ~100k elements a split costs more than it
    /// saves). Chunk starts are multiples of `alignment` (64 by default, so that vectorized
    /// kernels treat every element alike whatever the thread count).
    public static func parallelChunks(_ n: Int, minimum: Int = 1 << 17, alignment: Int = 64, _ body: (Int, Int) -> Void) {
        let threads = n >= minimum ? Swift.min(count, n / alignment) : 1
        guard threads > 1 else {
            if n > 0 { body(0, n) }
            return
        }
        let per = ((n + threads - 1) / threads + alignment - 1) / alignment * alignment
        parallelFor(threads) { t in
            let start = t * per
            if start < n { body(start, Swift.min(per, n - start)) }
        }
    }
}

/// One `Threads.parallelFor` job as the pool's C callback sees it.
private struct PoolJob {
    let iterations: Int
    let body: (Int) -> Void
}
