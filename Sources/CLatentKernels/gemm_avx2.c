// AVX2+FMA back end of the GEMM driver: 6×16 micro-kernel and vectorized packing.
//
// Sixteen ymm registers allow a 6×16 tile of C (12 accumulators) plus the two B vectors and one
// broadcast A value: each step of the shared dimension issues 12 independent FMAs for 2 loads and
// 6 broadcasts, which covers the FMA latency on two pipes. Edge tiles run the full tile on
// zero-padded panels and store through row bounds and lane masks.
//
// Blocking (measured on Zen 5 with this path forced): KC = 512 (a 32 KB B micro-panel in L1)
// halves the C tile round trips of KC = 256 and gains ~4%; MC between 48 and 288 made no
// difference, 96 keeps the A block at 192 KB in L2.
//
// Packing mirrors the AVX-512 back end with 8×8 register transposes for sources that are
// contiguous along k. Compiled with a target attribute and entered only after a CPU check.
#if defined(__x86_64__) || defined(_M_X64)
#include "gemm_internal.h"
#include <immintrin.h>

#define TARGET __attribute__((target("avx2,fma")))
#define MR 6
#define NR 16

/// Lane mask selecting the first `count` (clamped to 0..8) of eight floats.
TARGET static inline __m256i lanes(long count) {
    long n = count < 0 ? 0 : count > 8 ? 8 : count;
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// MARK: - Micro-kernel

/// Stores accumulator row i: C = alpha·acc (+ beta·C), max(0, ·) of it when relu, columns limited
/// by the masks m0/m1.
#define STORE_ROW(i)                                                                          \
    if ((i) < mr) {                                                                           \
        float *ci = c + (i) * ldc;                                                            \
        __m256 r0, r1;                                                                        \
        if (beta == 0.0f) {                                                                   \
            r0 = _mm256_mul_ps(va, c##i##_0);                                                 \
            r1 = _mm256_mul_ps(va, c##i##_1);                                                 \
        } else {                                                                              \
            r0 = _mm256_fmadd_ps(va, c##i##_0, _mm256_mul_ps(vb, _mm256_maskload_ps(ci, m0)));      \
            r1 = _mm256_fmadd_ps(va, c##i##_1, _mm256_mul_ps(vb, _mm256_maskload_ps(ci + 8, m1))); \
        }                                                                                     \
        if (relu) { /* max(0, r): the second operand is returned for NaN, so NaN stays */           \
            r0 = _mm256_max_ps(_mm256_setzero_ps(), r0);                                                                 \
            r1 = _mm256_max_ps(_mm256_setzero_ps(), r1);                                                                 \
        }                                                                                     \
        _mm256_maskstore_ps(ci, m0, r0);                                                      \
        _mm256_maskstore_ps(ci + 8, m1, r1);                                                  \
    }

/// One step of the shared dimension for row i: two FMAs against the current B row.
#define FMA_ROW(i)                                                                            \
    {                                                                                         \
        __m256 ai = _mm256_broadcast_ss(pa + (i));                                            \
        c##i##_0 = _mm256_fmadd_ps(ai, b0, c##i##_0);                                         \
        c##i##_1 = _mm256_fmadd_ps(ai, b1, c##i##_1);                                         \
    }

#define ZERO_ROW(i) __m256 c##i##_0 = _mm256_setzero_ps(), c##i##_1 = _mm256_setzero_ps();
#define FOR_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5)

TARGET static void kernel(long kc, const float *pa, const float *pb, float *c, long ldc,
                          float alpha, float beta, long mr, long nr, int relu) {
    FOR_ROWS(ZERO_ROW)
    // The C tile is touched only after the loop; start pulling its rows in now.
    for (long i = 0; i < mr; i++) _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
    for (long q = 0; q < kc; q++) {
        __m256 b0 = _mm256_load_ps(pb), b1 = _mm256_load_ps(pb + 8);
        FOR_ROWS(FMA_ROW)
        pa += MR;
        pb += NR;
    }
    const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
    const __m256i m0 = lanes(nr), m1 = lanes(nr - 8);
    FOR_ROWS(STORE_ROW)
}

// MARK: - Packing

/// In-register transpose of 8 rows of 8 floats: afterwards r[j] holds column j.
TARGET static inline void transpose8(__m256 r[8]) {
    __m256 t[8], s[8];
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int g = 0; g < 8; g += 4) {
        s[g] = _mm256_shuffle_ps(t[g], t[g + 2], 0x44);
        s[g + 1] = _mm256_shuffle_ps(t[g], t[g + 2], 0xEE);
        s[g + 2] = _mm256_shuffle_ps(t[g + 1], t[g + 3], 0x44);
        s[g + 3] = _mm256_shuffle_ps(t[g + 1], t[g + 3], 0xEE);
    }
    for (int q = 0; q < 4; q++) {
        r[q] = _mm256_permute2f128_ps(s[q], s[4 + q], 0x20);
        r[4 + q] = _mm256_permute2f128_ps(s[q], s[4 + q], 0x31);
    }
}

/// Packs `rows × kc` into panels of P ≤ 16 rows (see lk_gemm_pack_fn) in groups of 8 rows: a
/// masked copy when rs == 1, else 8×8 transposes. The source is walked along its unit stride
/// and the fixed-trip loops are unrolled so the transposed rows stay in registers.
TARGET static inline __attribute__((always_inline)) void pack(const long P, long rows, long kc, const float *src,
                                                             long rs, long cs, float *dst) {
    for (long i = 0; i < rows; i += P, dst += P * kc) {
        const long live = rows - i < P ? rows - i : P;
        if (rs == 1) {
            for (long q = 0; q < kc; q++)
                for (long g = 0; g < P; g += 8)
                    _mm256_maskstore_ps(dst + q * P + g, lanes(P - g), _mm256_maskload_ps(src + q * cs + i + g, lanes(live - g)));
            continue;
        }
        for (long g = 0; g < P; g += 8) {
            const long glive = live - g;  // source rows present in this group of 8
            const __m256i store = lanes(P - g);
            for (long q0 = 0; q0 < kc; q0 += 8) {
                const long depth = kc - q0 < 8 ? kc - q0 : 8;
                const __m256i m = lanes(depth), none = _mm256_setzero_si256();
                __m256 r[8];
#pragma unroll
                for (int t = 0; t < 8; t++)
                    r[t] = _mm256_maskload_ps(src + (i + (t < glive ? g + t : 0)) * rs + q0, t < glive ? m : none);
                transpose8(r);
#pragma unroll
                for (int d = 0; d < 8; d++)
                    if (d < depth) _mm256_maskstore_ps(dst + (q0 + d) * P + g, store, r[d]);
            }
        }
    }
}

TARGET static void pack_a(long rows, long kc, const float *src, long rs, long cs, float *dst) {
    pack(MR, rows, kc, src, rs, cs, dst);
}

TARGET static void pack_b(long rows, long kc, const float *src, long rs, long cs, float *dst) {
    pack(NR, rows, kc, src, rs, cs, dst);
}

// MARK: - Skinny products

static inline TARGET float skinny_dot(const float *x, const float *y, long k) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    long q = 0;
    for (; q + 16 <= k; q += 16) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + q), _mm256_loadu_ps(y + q), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(x + q + 8), _mm256_loadu_ps(y + q + 8), s1);
    }
    for (; q + 8 <= k; q += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + q), _mm256_loadu_ps(y + q), s0);
    const __m256 s = _mm256_add_ps(s0, s1);
    __m128 h = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
    h = _mm_add_ps(h, _mm_movehl_ps(h, h));
    h = _mm_add_ss(h, _mm_movehdup_ps(h));
    float total = _mm_cvtss_f32(h);
    for (; q < k; q++) total += x[q] * y[q];
    return total;
}

static inline TARGET void skinny_axpy(float a, const float *x, float *y, long n) {
    const __m256 va = _mm256_set1_ps(a);
    long j = 0;
    for (; j + 8 <= n; j += 8) _mm256_storeu_ps(y + j, _mm256_fmadd_ps(va, _mm256_loadu_ps(x + j), _mm256_loadu_ps(y + j)));
    for (; j < n; j++) y[j] += a * x[j];
}

#define SK_DOT skinny_dot
#define SK_AXPY skinny_axpy
#include "gemm_skinny_body.h"

const lk_gemm_impl lk_gemm_avx2 = {
    .name = "avx2", .mr = MR, .nr = NR, .mc = 96, .kc = 512, .nc = 2048,
    .kernel = kernel, .pack_a = pack_a, .pack_b = pack_b, .skinny = skinny,
};

#endif
