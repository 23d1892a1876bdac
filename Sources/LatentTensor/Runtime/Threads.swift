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

    /// Calls `body(i)` once for every `i` in `0..<n`, on up to `count` threads of the kernels'
    /// persistent pool (`lk_pool_run_chunks`, the GEMM workers): the threads claim the next `i`
    /// from a shared counter, so which thread runs an `i` varies from call to call, and a thread
    /// the machine deschedules holds up only the `i` it is running. Runs inline for n ≤ 1, and
    /// on the caller alone, in order, when the pool is busy (a call from inside a pool job).
    public static func parallelFor(_ n: Int, _ body: (Int) -> Void) {
        if n <= 1 {
            if n == 1 { body(0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            var job = PoolJob(body: body)
            withUnsafeMutablePointer(to: &job) { pointer in
                lk_pool_run_chunks(Int32(Swift.min(n, count)), n, { context, i in
                    context!.assumingMemoryBound(to: PoolJob.self).pointee.body(i)
                }, pointer)
            }
        }
    }

    /// Elements per chunk of an elementwise kernel split by `parallelChunks`: below two chunks'
    /// worth a pass runs on the caller. Measured on Zen 4 (`latent-bench --only overhead` and
    /// `--only elementwise`): a pool job costs the caller 0.2–1.1 µs (2 to 8 chunks), an add of
    /// 16k floats 1.8 µs on one thread (9 G elements/s), and an add of 32k split in two ran 1.7×
    /// as fast as on one thread; smaller passes would save under a microsecond, less than a
    /// busy machine's stalls cost. The vector exp/log functions, 4–8× slower per element, split
    /// from a quarter of it.
    public static let elementwiseGrain = 1 << 14

    /// Calls `body(start, length)` on contiguous chunks covering `0..<n`, claimed by the pool's
    /// threads (see `parallelFor`). There are about n / `grain` chunks (at most four per thread,
    /// and one — the whole range on the caller — when n < 2·grain or `count` is 1). Chunk starts
    /// are multiples of `alignment` (64 by default, so that vectorized kernels treat every element
    /// alike whatever the split): an elementwise kernel gives the same bits for every thread count.
    public static func parallelChunks(_ n: Int, grain: Int = elementwiseGrain, alignment: Int = 64,
                                      _ body: (Int, Int) -> Void) {
        let chunks = count > 1 ? Swift.min(n / Swift.max(grain, 1), 4 * count, n / Swift.max(alignment, 1)) : 1
        guard chunks > 1 else {
            if n > 0 { body(0, n) }
            return
        }
        let per = ((n + chunks - 1) / chunks + alignment - 1) / alignment * alignment
        parallelFor((n + per - 1) / per) { c in
            let start = c * per
            body(start, Swift.min(per, n - start))
        }
    }
}

/// One `Threads.parallelFor` job as the pool's C callback sees it.
private struct PoolJob {
    let body: (Int) -> Void
}
