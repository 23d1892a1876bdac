// AVX-512 back end of the GEMM driver: 8×32 micro-kernel and vectorized packing.
//
// The kernel keeps an 8×32 tile of C in 16 zmm accumulators. Each step of the shared dimension
// loads one 32-float row of the packed B panel (two zmm) and broadcasts the 8 packed A values of
// that step: 16 independent FMAs for 10 loads, twice the 8 FMAs that must be in flight to hide
// the 4-cycle latency on two pipes. In isolation it runs at the FMA peak (~275 GFLOP/s on Zen 5).
// 12×32 and 14×32 tiles were no faster on large products and lose 10-15% when m is a multiple of
// 8 but not of 12/14 (batch sizes and per-thread row splits usually are), so MR = 8.
// Edge tiles run the full tile on zero-padded panels and store through row bounds and lane masks.
//
// Packing: when op(A)/op(B) is contiguous along the panel dimension it is a masked copy; when it
// is contiguous along k (A untransposed, B transposed) 8×8 (A) or 16×16 (B) register transposes
// turn source rows into panel columns. Packing is 5-10% of the time at the 128-row sizes, so it
// is written to stay in registers (fixed-trip, unrolled loops; masks hoisted per panel).
//
// Blocking (measured): KC = 256 keeps the 32 KB B micro-panel in the 48 KB L1 while the 8 KB A
// micro-panels stream from L2; MC = 128 keeps the packed A block (128 KB) in L2.
//
// Compiled with a target attribute instead of -mavx512f (SwiftPM forbids unsafe flags); the driver
// only calls in after checking the CPU at run time.
#if defined(__x86_64__) || defined(_M_X64)
#include "gemm_internal.h"
#include <immintrin.h>

#define TARGET __attribute__((target("avx512f,avx512vl,avx2,fma")))
#define MR 8
#define NR 32

/// Mask of the first `count` lanes, clamped to 0...16 (a zero mask loads zeros and touches nothing).
static inline __mmask16 lanes(long count) {
    return count >= 16 ? (__mmask16)0xFFFF : count <= 0 ? (__mmask16)0 : (__mmask16)((1u << count) - 1);
}

// MARK: - Micro-kernel

/// Stores accumulator row i: C = alpha·acc (+ beta·C), max(0, ·) of it when relu, columns limited
/// by the masks m0/m1.
#define STORE_ROW(i)                                                                          \
    if ((i) < mr) {                                                                           \
        float *ci = c + (i) * ldc;                                                            \
        __m512 r0, r1;                                                                        \
        if (beta == 0.0f) {                                                                   \
            r0 = _mm512_mul_ps(va, c##i##_0);                                                 \
            r1 = _mm512_mul_ps(va, c##i##_1);                                                 \
        } else {                                                                              \
            r0 = _mm512_fmadd_ps(va, c##i##_0, _mm512_mul_ps(vb, _mm512_maskz_loadu_ps(m0, ci)));      \
            r1 = _mm512_fmadd_ps(va, c##i##_1, _mm512_mul_ps(vb, _mm512_maskz_loadu_ps(m1, ci + 16))); \
        }                                                                                     \
        if (relu) { /* max(0, r): the second operand is returned for NaN, so NaN stays */           \
            r0 = _mm512_max_ps(_mm512_setzero_ps(), r0);                                                                 \
            r1 = _mm512_max_ps(_mm512_setzero_ps(), r1);                                                                 \
        }                                                                                     \
        _mm512_mask_storeu_ps(ci, m0, r0);                                                    \
        _mm512_mask_storeu_ps(ci + 16, m1, r1);                                               \
    }

/// One step of the shared dimension for row i: two FMAs against the current B row.
#define FMA_ROW(i)                                                                            \
    {                                                                                         \
        __m512 ai = _mm512_set1_ps(pa[i]);                                                    \
        c##i##_0 = _mm512_fmadd_ps(ai, b0, c##i##_0);                                         \
        c##i##_1 = _mm512_fmadd_ps(ai, b1, c##i##_1);                                         \
    }

#define ZERO_ROW(i) __m512 c##i##_0 = _mm512_setzero_ps(), c##i##_1 = _mm512_setzero_ps();
#define FOR_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)

TARGET static void kernel(long kc, const float *pa, const float *pb, float *c, long ldc,
                          float alpha, float beta, long mr, long nr, int relu) {
    FOR_ROWS(ZERO_ROW)
    // The C tile is touched only after the loop; start pulling its rows in now.
    for (long i = 0; i < mr; i++) {
        _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
        _mm_prefetch((const char *)(c + i * ldc + 16), _MM_HINT_T0);
    }
    for (long q = 0; q < kc; q++) {
        __m512 b0 = _mm512_load_ps(pb), b1 = _mm512_load_ps(pb + 16);
        FOR_ROWS(FMA_ROW)
        pa += MR;
        pb += NR;
    }
    const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    const __mmask16 m0 = lanes(nr), m1 = lanes(nr - 16);
    FOR_ROWS(STORE_ROW)
}

// MARK: - Packing

/// In-register transpose of 16 rows of 16 floats: afterwards r[j] holds column j.
TARGET static inline void transpose16(__m512 r[16]) {
    __m512 t[16], u[16];
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    // Within each 128-bit lane L, u[4g + q] now holds column 4L + q of rows 4g..4g+3.
    for (int g = 0; g < 16; g += 4) {
        __m512d t0 = _mm512_castps_pd(t[g]), t1 = _mm512_castps_pd(t[g + 1]);
        __m512d t2 = _mm512_castps_pd(t[g + 2]), t3 = _mm512_castps_pd(t[g + 3]);
        u[g] = _mm512_castpd_ps(_mm512_unpacklo_pd(t0, t2));
        u[g + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(t0, t2));
        u[g + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(t1, t3));
        u[g + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(t1, t3));
    }
    // Gather lane L of u[q], u[4+q], u[8+q], u[12+q] into column 4L + q.
    for (int q = 0; q < 4; q++) {
        __m512 x0 = _mm512_shuffle_f32x4(u[q], u[4 + q], 0x44), x1 = _mm512_shuffle_f32x4(u[q], u[4 + q], 0xEE);
        __m512 y0 = _mm512_shuffle_f32x4(u[8 + q], u[12 + q], 0x44), y1 = _mm512_shuffle_f32x4(u[8 + q], u[12 + q], 0xEE);
        r[q] = _mm512_shuffle_f32x4(x0, y0, 0x88);
        r[4 + q] = _mm512_shuffle_f32x4(x0, y0, 0xDD);
        r[8 + q] = _mm512_shuffle_f32x4(x1, y1, 0x88);
        r[12 + q] = _mm512_shuffle_f32x4(x1, y1, 0xDD);
    }
}

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

// Both packers walk the source along its unit stride so the hardware prefetcher sees sequential
// streams; masks are computed once per panel so the per-step loops unroll into plain vector code.
// Panel offsets are multiples of 8·kc (A) or 32·kc (B) floats from a 64-byte aligned buffer, so
// the destination stores are aligned.

/// A panels (P = MR = 8 rows), copy or 8×8 transposes. Each step reads only 32 bytes from each of
/// 8 rows (up to 4 KB apart); the hardware prefetcher does not run far enough ahead on such short
/// strided streams once the kernel has filled L2, so the source is prefetched explicitly — worth
/// ~5% at 1024³ (B, read 128 bytes per row, gained nothing and is left to the hardware).
TARGET static void pack_a(long rows, long kc, const float *src, long rs, long cs, float *dst) {
    for (long i = 0; i < rows; i += MR, dst += MR * kc) {
        const long live = rows - i < MR ? rows - i : MR;
        if (rs == 1) {
            const __mmask8 m = (__mmask8)lanes(live);
            for (long q = 0; q < kc; q++) {
                _mm_prefetch((const char *)(src + (q + 8) * cs + i), _MM_HINT_T0);
                _mm256_store_ps(dst + q * MR, _mm256_maskz_loadu_ps(m, src + q * cs + i));
            }
            continue;
        }
        for (long q0 = 0; q0 < kc; q0 += 8) {
            const long depth = kc - q0 < 8 ? kc - q0 : 8;
            const __mmask8 m = (__mmask8)lanes(depth);
            __m256 r[8];
#pragma unroll
            for (int t = 0; t < 8; t++) {
                const float *row = src + (i + (t < live ? t : 0)) * rs;
                r[t] = _mm256_maskz_loadu_ps(t < live ? m : 0, row + q0);
                _mm_prefetch((const char *)(row + q0 + 64), _MM_HINT_T0);
            }
            transpose8(r);
#pragma unroll
            for (int d = 0; d < 8; d++)
                if (d < depth) _mm256_store_ps(dst + (q0 + d) * MR, r[d]);
        }
    }
}

/// B panels (P = NR = 32 rows of op(B)ᵀ, i.e. 32 columns of op(B)), copy or 16×16 transposes.
TARGET static void pack_b(long rows, long kc, const float *src, long rs, long cs, float *dst) {
    for (long i = 0; i < rows; i += NR, dst += NR * kc) {
        const long live = rows - i < NR ? rows - i : NR;
        if (rs == 1) {
            const __mmask16 m0 = lanes(live), m1 = lanes(live - 16);
            for (long q = 0; q < kc; q++) {
                const float *s = src + q * cs + i;
                _mm512_store_ps(dst + q * NR, _mm512_maskz_loadu_ps(m0, s));
                _mm512_store_ps(dst + q * NR + 16, _mm512_maskz_loadu_ps(m1, s + 16));
            }
            continue;
        }
        for (long g = 0; g < NR; g += 16) {
            const long glive = live - g;  // source rows present in this group of 16
            for (long q0 = 0; q0 < kc; q0 += 16) {
                const long depth = kc - q0 < 16 ? kc - q0 : 16;
                const __mmask16 m = lanes(depth);
                __m512 r[16];
#pragma unroll
                for (int t = 0; t < 16; t++)
                    r[t] = _mm512_maskz_loadu_ps(t < glive ? m : 0, src + (i + (t < glive ? g + t : 0)) * rs + q0);
                transpose16(r);
#pragma unroll
                for (int d = 0; d < 16; d++)
                    if (d < depth) _mm512_store_ps(dst + (q0 + d) * NR + g, r[d]);
            }
        }
    }
}

// MARK: - Skinny products

static inline TARGET float skinny_dot(const float *x, const float *y, long k) {
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
    long q = 0;
    for (; q + 32 <= k; q += 32) {
        s0 = _mm512_fmadd_ps(_mm512_loadu_ps(x + q), _mm512_loadu_ps(y + q), s0);
        s1 = _mm512_fmadd_ps(_mm512_loadu_ps(x + q + 16), _mm512_loadu_ps(y + q + 16), s1);
    }
    for (; q < k; q += 16) {
        const __mmask16 m = lanes(k - q);
        s0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, x + q), _mm512_maskz_loadu_ps(m, y + q), s0);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
}

static inline TARGET void skinny_axpy(float a, const float *x, float *y, long n) {
    const __m512 va = _mm512_set1_ps(a);
    for (long j = 0; j < n; j += 16) {
        const __mmask16 m = lanes(n - j);
        _mm512_mask_storeu_ps(y + j, m, _mm512_fmadd_ps(va, _mm512_maskz_loadu_ps(m, x + j), _mm512_maskz_loadu_ps(m, y + j)));
    }
}

#define SK_DOT skinny_dot
#define SK_AXPY skinny_axpy
#include "gemm_skinny_body.h"

const lk_gemm_impl lk_gemm_avx512 = {
    .name = "avx512", .mr = MR, .nr = NR, .mc = 128, .kc = 256, .nc = 2048,
    .kernel = kernel, .pack_a = pack_a, .pack_b = pack_b, .skinny = skinny,
};

#endif
