import CLatentKernels

/// Matrix multiply on raw buffers, split over threads.
///
/// `lk_sgemm` is single-threaded; this splits C into `Threads.count` disjoint column blocks (or
/// row blocks when C is tall and narrow) so that each thread packs its own panels. Small products
/// stay on the calling thread, where the dispatch cost would exceed the work.
enum Gemm {
    /// Below this many multiply-adds a product runs on one thread.
    static let parallelThreshold = 1 << 17

    /// C[m×n] = alpha · op(A) · op(B) + beta · C for contiguous row-major operands.
    /// op(A) is m×k (A stored k×m when `transA`), op(B) is k×n (B stored n×k when `transB`).
    static func multiply(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                         alpha: Float = 1, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                         beta: Float = 0, c: UnsafeMutablePointer<Float>) {
        let lda = transA ? m : k
        let ldb = transB ? k : n
        let threads = Threads.count
        if threads == 1 || m * n * k < parallelThreshold || (m < 16 && n < 64) {
            lk_sgemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, c, n)
            return
        }
        // Split the longer side of C, in blocks aligned to the micro-kernel's tile. (Row blocks at
        // m = 128 measured 15% slower than column blocks: each thread then packs all of B.)
        let splitColumns = n >= m
        let extent = splitColumns ? n : m
        let align = splitColumns ? 32 : 8
        let blocks = min(threads, max(1, extent / align))
        let per = ((extent + blocks - 1) / blocks + align - 1) / align * align
        Threads.parallelFor(blocks) { t in
            let start = t * per
            let end = min(extent, start + per)
            guard start < end else { return }
            if splitColumns {
                let bOff = transB ? start * ldb : start
                lk_sgemm(transA ? 1 : 0, transB ? 1 : 0, m, end - start, k, alpha, a, lda,
                         b + bOff, ldb, beta, c + start, n)
            } else {
                let aOff = transA ? start : start * lda
                lk_sgemm(transA ? 1 : 0, transB ? 1 : 0, end - start, n, k, alpha, a + aOff, lda,
                         b, ldb, beta, c + start * n, n)
            }
        }
    }
}
