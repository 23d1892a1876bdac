// Private interface between the GEMM driver (gemm.c) and its per-ISA back ends
// (gemm_avx512.c, gemm_avx2.c, gemm_portable.c). Not part of the public headers.
#ifndef LK_GEMM_INTERNAL_H
#define LK_GEMM_INTERNAL_H

#include "lk_gemm.h"

/// Packs a `rows × kc` block of a matrix into micro-panels of `p` rows (p = MR for A, NR for B):
/// element (i, q) of the block lives at src[i*rs + q*cs]; panel t holds rows [t*p, t*p + p) as
/// kc consecutive groups of p floats (dst[t*p*kc + q*p + i%p]), zero-padded past `rows`.
/// Either rs == 1 (a plain copy per q) or cs == 1 (a transpose); the driver guarantees one of them.
typedef void (*lk_gemm_pack_fn)(long rows, long kc, const float *src, long rs, long cs, float *dst);

/// Register-tiled micro-kernel: acc = Σ_q pa[q*MR + i] · pb[q*NR + j] over q < kc (kc ≥ 1), then
/// C[i][j] = alpha·acc + beta·C[i][j] for i < mr, j < nr (mr ≤ MR, nr ≤ NR). beta == 0 ⇒ C not read.
/// relu != 0 stores max(0, ·) of that instead (NaN kept), the epilogue of the last k block.
/// pb is 64-byte aligned (NR·kc floats per panel from an aligned buffer); pa is only read by
/// broadcasts, so it needs no alignment.
typedef void (*lk_gemm_kernel_fn)(long kc, const float *pa, const float *pb, float *c, long ldc,
                                  float alpha, float beta, long mr, long nr, int relu);

/// Operands of one product, as passed to lk_sgemm. When a_rows (b_rows) is set, op(A) (op(B)) is
/// that implicit matrix instead of a/lda/trans_a (b/ldb/trans_b): see lk_sgemm_ex_parallel.
typedef struct {
    int trans_a, trans_b;
    long m, n, k, lda, ldb, ldc;
    float alpha, beta;
    const float *a, *b;
    float *c;
    const lk_matrix_rows *a_rows, *b_rows;
    int relu;  // apply max(0, ·) to the finished C
} lk_gemm_args;

/// Products with min(m, n) ≤ LK_SKINNY go to the back end's `skinny` routine (gemm_skinny_body.h)
/// instead of the packed micro-kernel, whose tiles they would mostly leave empty.
#define LK_SKINNY 4

/// A whole skinny product (k ≥ 1, alpha ≠ 0), on the calling thread.
typedef void (*lk_gemm_skinny_fn)(const lk_gemm_args *g);

/// One back end: micro-tile shape, cache blocking and the routines that match them.
typedef struct {
    const char *name;
    long mr, nr;       // micro-tile
    long mc, kc, nc;   // upper bounds of the cache blocks (mc a multiple of mr, nc of nr)
    lk_gemm_kernel_fn kernel;
    lk_gemm_pack_fn pack_a;  // called with p = mr
    lk_gemm_pack_fn pack_b;  // called with p = nr
    lk_gemm_skinny_fn skinny;
} lk_gemm_impl;

extern const lk_gemm_impl lk_gemm_portable;
#if defined(__x86_64__) || defined(_M_X64)
extern const lk_gemm_impl lk_gemm_avx2;
extern const lk_gemm_impl lk_gemm_avx512;
#endif

// lk_pool_run_chunks (gemm_pool.c) is declared in include/lk_gemm.h.

#endif
