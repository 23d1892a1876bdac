#ifndef LK_GEMM_H
#define LK_GEMM_H

/// Single-precision matrix multiply, row-major:
///     C[m×n] = alpha · op(A) · op(B) + beta · C
/// op(A) is m×k: A is stored m×k (row stride lda) when trans_a == 0, or k×m when trans_a != 0.
/// op(B) is k×n: B is stored k×n (row stride ldb) when trans_b == 0, or n×k when trans_b != 0.
/// When beta == 0, C is written without being read (NaNs in C are not propagated).
///
/// Single-threaded: callers parallelize by handing disjoint sub-blocks of C to different threads
/// (offset the pointers). Packing buffers are thread-local and reused across calls.
/// The micro-kernel (AVX-512, AVX2+FMA or portable) is picked once at run time.
void lk_sgemm(int trans_a, int trans_b, long m, long n, long k, float alpha,
              const float *a, long lda, const float *b, long ldb,
              float beta, float *c, long ldc);

/// Name of the code path chosen at run time: "avx512", "avx2" or "portable".
const char *lk_gemm_isa(void);

#endif
