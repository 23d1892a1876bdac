// Skinny products (min(m, n) ≤ LK_SKINNY): shared body of every back end's `skinny` routine.
//
// With m or n at most 4 the packed driver wastes most of its 8×32 (AVX-512) tile on padding and
// spends its time packing the one large operand, e.g. 14 µs for a 512×64 by 64×2 product that
// needs 65 k multiply-adds. Here the large operand is read once, in its own layout:
//   - along k when that is contiguous: one dot product per element of C (`SK_DOT`);
//   - otherwise along its other axis: C's rows or columns accumulate a scaled row of it for each
//     q in turn (`SK_AXPY`), in a small scratch block T, before C = alpha·T + beta·C.
// The small operand is copied to a contiguous layout when it is not. The order of every sum
// depends only on k and the back end, as in the packed driver, and never on the thread count.
//
// The including file defines TARGET, SK_DOT(x, y, k) → Σ x[q]·y[q] and SK_AXPY(a, x, y, n):
// y[j] += a·x[j], and gets `static void skinny(const lk_gemm_args *g)`.
#include <stdlib.h>

/// c = alpha·s + beta·c, where beta == 0 ignores the old value (it may be NaN).
static inline void sk_store(float *c, float s, float alpha, float beta) {
    *c = beta == 0.0f ? alpha * s : alpha * s + beta * *c;
}

static TARGET void skinny(const lk_gemm_args *g) {
    const long m = g->m, n = g->n, k = g->k, lda = g->lda, ldb = g->ldb, ldc = g->ldc;
    const float *a = g->a, *b = g->b;
    float *c = g->c;
    if (n <= m) {
        if (!g->trans_a) {
            // C[i, j] = A[i, :] · op(B)[:, j]; op(B)'s columns are B's rows when B is transposed.
            float *bt = NULL;
            const float *cols = b;
            long stride = ldb;
            if (!g->trans_b) {
                bt = malloc((size_t)(n * k) * sizeof(float));
                if (!bt) abort();
                for (long q = 0; q < k; q++)
                    for (long j = 0; j < n; j++) bt[j * k + q] = b[q * ldb + j];
                cols = bt;
                stride = k;
            }
            for (long i = 0; i < m; i++)
                for (long j = 0; j < n; j++) sk_store(c + i * ldc + j, SK_DOT(a + i * lda, cols + j * stride, k), g->alpha, g->beta);
            free(bt);
        } else {
            // A is stored k×m: T[j, :] += op(B)[q, j] · A[q, :] for each q.
            float *t = calloc((size_t)(n * m), sizeof(float));
            if (!t) abort();
            for (long q = 0; q < k; q++)
                for (long j = 0; j < n; j++) SK_AXPY(g->trans_b ? b[j * ldb + q] : b[q * ldb + j], a + q * lda, t + j * m, m);
            for (long i = 0; i < m; i++)
                for (long j = 0; j < n; j++) sk_store(c + i * ldc + j, t[j * m + i], g->alpha, g->beta);
            free(t);
        }
    } else {
        if (!g->trans_b) {
            // B is stored k×n: T[i, :] += op(A)[i, q] · B[q, :] for each q.
            float *t = calloc((size_t)(m * n), sizeof(float));
            if (!t) abort();
            for (long q = 0; q < k; q++)
                for (long i = 0; i < m; i++) SK_AXPY(g->trans_a ? a[q * lda + i] : a[i * lda + q], b + q * ldb, t + i * n, n);
            for (long i = 0; i < m; i++)
                for (long j = 0; j < n; j++) sk_store(c + i * ldc + j, t[i * n + j], g->alpha, g->beta);
            free(t);
        } else {
            // B is stored n×k: C[i, j] = op(A)[i, :] · B[j, :]; op(A)'s rows are copied when A is transposed.
            float *at = NULL;
            const float *rows = a;
            long stride = lda;
            if (g->trans_a) {
                at = malloc((size_t)(m * k) * sizeof(float));
                if (!at) abort();
                for (long q = 0; q < k; q++)
                    for (long i = 0; i < m; i++) at[i * k + q] = a[q * lda + i];
                rows = at;
                stride = k;
            }
            for (long i = 0; i < m; i++)
                for (long j = 0; j < n; j++) sk_store(c + i * ldc + j, SK_DOT(rows + i * stride, b + j * ldb, k), g->alpha, g->beta);
            free(at);
        }
    }
}
