import CLatentKernels

/// Matrix multiply on raw buffers, on `Threads.count` threads.
///
/// `lk_sgemm_parallel` cuts C into equal runs of micro-tiles (two per thread) that the threads of
/// a persistent C pool claim one at a time (cheaper to start than `DispatchQueue.concurrentPerform`
/// at these millisecond sizes), and keeps small products on the calling thread. The result bits
/// do not depend on the thread count.
enum Gemm {
    /// Below this many multiply-adds a product runs on one thread.
    static let parallelThreshold = Int(LK_SGEMM_PARALLEL_MIN_MACS)

    /// C[m×n] = alpha · op(A) · op(B) + beta · C for contiguous row-major operands.
    /// op(A) is m×k (A stored k×m when `transA`), op(B) is k×n (B stored n×k when `transB`).
    /// With `relu`, C = max(0, ·) of that, applied in the micro-kernel's store (no extra pass).
    static func multiply(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                         alpha: Float = 1, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                         beta: Float = 0, c: UnsafeMutablePointer<Float>, relu: Bool = false) {
        let threads = Int32(clamping: Threads.count)
        if relu {
            lk_sgemm_ex_parallel(transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, a, transA ? m : k, nil,
                                 b, transB ? k : n, nil, beta, c, n, 1, threads)
        } else {
            lk_sgemm_parallel(transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, a, transA ? m : k,
                              b, transB ? k : n, beta, c, n, threads)
        }
    }
}
