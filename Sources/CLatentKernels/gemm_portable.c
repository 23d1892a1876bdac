// Portable back end of the GEMM driver: plain C that the compiler auto-vectorizes.
//
// Used on CPUs without AVX2+FMA and on non-x86 targets. The loops have compile-time trip counts,
// so clang unrolls them and keeps `acc` in registers: on arm64 a 6×16 tile is 24 NEON
// accumulators fed by fused multiply-adds by lane, with no spills. The shape was picked by
// inspecting both arm64 and x86 code: 8×8 happens to vectorize badly on SSE2 (3× slower).
#include "gemm_internal.h"

#define MR 6
#define NR 16

static void kernel(long kc, const float *pa, const float *pb, float *c, long ldc,
                   float alpha, float beta, long mr, long nr, int relu) {
    float acc[MR][NR] = {{0}};
    for (long q = 0; q < kc; q++, pa += MR, pb += NR)
        for (int i = 0; i < MR; i++)
            for (int j = 0; j < NR; j++) acc[i][j] += pa[i] * pb[j];
    for (long i = 0; i < mr; i++) {
        float *ci = c + i * ldc;
        if (beta == 0.0f) for (long j = 0; j < nr; j++) ci[j] = alpha * acc[i][j];
        else for (long j = 0; j < nr; j++) ci[j] = alpha * acc[i][j] + beta * ci[j];
        if (relu)
            for (long j = 0; j < nr; j++) ci[j] = ci[j] > 0.0f ? ci[j] : (ci[j] != ci[j] ? ci[j] : 0.0f);
    }
}

/// Packs `rows × kc` into panels of P rows; see lk_gemm_pack_fn. The two loop orders keep the
/// inner loop on the unit-stride side of the source.
static inline void pack(long P, long rows, long kc, const float *src, long rs, long cs, float *dst) {
    for (long i0 = 0; i0 < rows; i0 += P, dst += P * kc) {
        const long here = rows - i0 < P ? rows - i0 : P;
        const float *s = src + i0 * rs;
        if (rs == 1) {
            for (long q = 0; q < kc; q++)
                for (long i = 0; i < P; i++) dst[q * P + i] = i < here ? s[q * cs + i] : 0.0f;
        } else {
            for (long i = 0; i < P; i++)
                for (long q = 0; q < kc; q++) dst[q * P + i] = i < here ? s[i * rs + q] : 0.0f;
        }
    }
}

static void pack_a(long rows, long kc, const float *src, long rs, long cs, float *dst) {
    pack(MR, rows, kc, src, rs, cs, dst);
}

static void pack_b(long rows, long kc, const float *src, long rs, long cs, float *dst) {
    pack(NR, rows, kc, src, rs, cs, dst);
}

// MARK: - Skinny products

static float skinny_dot(const float *x, const float *y, long k) {
    float s = 0;
    for (long q = 0; q < k; q++) s += x[q] * y[q];
    return s;
}

static void skinny_axpy(float a, const float *x, float *y, long n) {
    for (long j = 0; j < n; j++) y[j] += a * x[j];
}

#define TARGET
#define SK_DOT skinny_dot
#define SK_AXPY skinny_axpy
#include "gemm_skinny_body.h"

const lk_gemm_impl lk_gemm_portable = {
    .name = "portable", .mr = MR, .nr = NR, .mc = 96, .kc = 256, .nc = 2048,
    .kernel = kernel, .pack_a = pack_a, .pack_b = pack_b, .skinny = skinny,
};
