#ifndef LK_GEMM_H
#define LK_GEMM_H

/// Single-precision matrix multiply, row-major:
///     C[m×n] = alpha · op(A) · op(B) + beta · C
/// op(A) is m×k: A is stored m×k (row stride lda) when trans_a == 0, or k×m when trans_a != 0.
/// op(B) is k×n: B is stored k×n (row stride ldb) when trans_b == 0, or n×k when trans_b != 0.
/// When beta == 0, C is written without being read (NaNs in C are not propagated).
///
/// Runs on the calling thread; it may be called concurrently from several threads (packing
/// buffers are thread-local and reused across calls). The micro-kernel (AVX-512, AVX2+FMA or
/// portable) is picked once at run time.
void lk_sgemm(int trans_a, int trans_b, long m, long n, long k, float alpha,
              const float *a, long lda, const float *b, long ldb,
              float beta, float *c, long ldc);

/// Products with fewer multiply-adds (m·n·k) than this run on one thread: splitting costs more.
/// So do skinny products (m or n ≤ 4), which skip the packed kernel altogether.
#define LK_SGEMM_PARALLEL_MIN_MACS 131072L

/// lk_sgemm on up to `nthreads` threads: the caller plus workers of a persistent pool, capped at
/// the number of CPUs. Small products run on the caller alone, and so does a call made while
/// another thread's parallel product holds the pool. The result is bitwise identical to
/// lk_sgemm's whatever the thread count. Safe to call from several threads at once.
void lk_sgemm_parallel(int trans_a, int trans_b, long m, long n, long k, float alpha,
                       const float *a, long lda, const float *b, long ldb,
                       float beta, float *c, long ldc, int nthreads);

/// Runs body(ctx, c) once for every chunk c in [0, chunks) on the persistent worker pool of
/// lk_sgemm_parallel: the caller and up to `nthreads` − 1 workers (capped at the number of CPUs)
/// claim chunks one at a time from a shared counter, so a thread that the machine deschedules
/// holds up at most the chunk it is running. Returns when every chunk is done. When the pool is
/// busy (another thread's job, or a call from inside a job), or nthreads < 2, the caller runs the
/// chunks itself in order. Which thread runs a chunk varies; the chunks do not, so a body whose
/// chunks write disjoint results gives the same bits for every thread count and schedule.
/// Swift's `Threads.parallelFor` runs on it: handing work to the already-polling workers costs
/// far less than waking threads, and nothing competes with the polling workers for the cores.
void lk_pool_run_chunks(int nthreads, long chunks, void (*body)(void *ctx, long chunk), void *ctx);

/// A matrix that is not stored but produced piece by piece: fill(ctx, r, s0, count, dst) writes
/// its elements (r, s0) … (r, s0 + count − 1) to dst[0 … count). Convolutions use it to hand the
/// GEMM image patches that are gathered while the GEMM packs its panels (implicit GEMM), instead
/// of a materialized im2col matrix. `fill` is called from several threads at once.
typedef struct {
    void (*fill)(const void *ctx, long row, long col0, long count, float *dst);
    const void *ctx;
} lk_matrix_rows;

/// lk_sgemm_parallel with two extensions. Either operand may be implicit: with a_rows set, op(A)
/// is the m×k matrix a_rows (trans_a, a and lda are ignored); with b_rows set, op(B) is the k×n
/// matrix b_rows (trans_b, b and ldb are ignored). Rows of op(A) are filled MR at a time into the
/// A-packing step, rows of op(B) (one depth index each) straight into B's panels, so the implicit
/// matrix is never stored whole (except for skinny products, m or n ≤ 4). And with relu != 0 the
/// stored result is max(0, alpha·op(A)·op(B) + beta·C) (NaN kept), applied by the micro-kernel to
/// the finished tile while it is in registers: a fused bias (preset in C, beta = 1) + ReLU layer
/// costs no pass of its own. The result is bitwise identical to lk_sgemm_parallel on the
/// materialized matrices (followed by the ReLU), for any thread count.
void lk_sgemm_ex_parallel(int trans_a, int trans_b, long m, long n, long k, float alpha,
                          const float *a, long lda, const lk_matrix_rows *a_rows,
                          const float *b, long ldb, const lk_matrix_rows *b_rows,
                          float beta, float *c, long ldc, int relu, int nthreads);

/// Name of the code path chosen at run time: "avx512", "avx2" or "portable".
const char *lk_gemm_isa(void);

#endif
