// Image patches of channels-last images, as an implicit matrix for the GEMM (implicit GEMM
// convolution), and the adjoint that adds such a matrix back into images.
//
// With images [N, H, W, C] and the patch matrix P[(n, oy, ox), (ki, kj, c)], the part of a patch row
// that one kernel row ki covers — kw·C values (ki, 0, 0) … (ki, kw − 1, C − 1) — is one contiguous
// run of the image row ih when the dilation along w is 1: kw neighbouring pixels of C channels.
// So a patch row is kh copies of at most kw·C floats plus zero runs where the window leaves the
// image, instead of kh·kw·C single-element gathers with a bounds test each (the NCHW im2col on
// strided 7- or 14-wide rows), and the GEMM packs it while the data is hot. The adjoint adds the
// same runs back.
#include "lk_conv.h"
#include "lk_gemm.h"
#include <string.h>

static long max_l(long a, long b) { return a > b ? a : b; }
static long min_l(long a, long b) { return a < b ? a : b; }

/// Copies src[0, count) to dst or writes zeros (src == NULL).
static inline void copy_or_zero(float *dst, const float *src, long count) {
    if (count <= 0) return;
    if (src) memcpy(dst, src, (size_t)count * sizeof(float));
    else memset(dst, 0, (size_t)count * sizeof(float));
}

void lk_patches_fill(const void *ctx, long row, long col0, long count, float *dst) {
    const lk_patches *p = ctx;
    const long l = p->out_h * p->out_w, n = row / l, pos = row % l;
    const long ih0 = (pos / p->out_w) * p->stride_h - p->pad_h, iw0 = (pos % p->out_w) * p->stride_w - p->pad_w;
    const long ch = p->channels, seg = p->kw * ch;
    const float *image = p->x + n * p->height * p->width * ch;
    const long end = col0 + count;
    for (long s = col0; s < end;) {
        const long ki = s / seg, seg0 = ki * seg, seg1 = min_l(end, seg0 + seg);
        const long ih = ih0 + ki * p->dil_h;
        float *out = dst + (s - col0);
        if (ih < 0 || ih >= p->height) {
            copy_or_zero(out, NULL, seg1 - s);
            s = seg1;
            continue;
        }
        const float *line = image + ih * p->width * ch;
        if (p->dil_w == 1) {
            // Valid kj: 0 ≤ iw0 + kj < width, one contiguous range, so one copy between two zero runs.
            const long v0 = seg0 + min_l(p->kw, max_l(0, -iw0)) * ch;
            const long v1 = max_l(v0, seg0 + min_l(p->kw, p->width - iw0) * ch);
            const long a = min_l(seg1, max_l(s, v0)), b = min_l(seg1, max_l(a, v1));
            copy_or_zero(out, NULL, a - s);
            copy_or_zero(out + (a - s), line + iw0 * ch + (a - seg0), b - a);
            copy_or_zero(out + (b - s), NULL, seg1 - b);
        } else {
            // Dilated along w: one run of C channels per kernel column.
            for (long t = s; t < seg1;) {
                const long kj = (t - seg0) / ch, c = (t - seg0) % ch, run = min_l(seg1 - t, ch - c);
                const long iw = iw0 + kj * p->dil_w;
                copy_or_zero(dst + (t - col0), iw >= 0 && iw < p->width ? line + iw * ch + c : NULL, run);
                t += run;
            }
        }
        s = seg1;
    }
}

static int use_avx2(void);
#if defined(__x86_64__) || defined(_M_X64)
static void add_into_avx2(float *dst, const float *src, long count);
#endif

/// dst[0, count) += src[0, count).
static inline void add_into(float *dst, const float *src, long count) {
#if defined(__x86_64__) || defined(_M_X64)
    if (use_avx2()) { add_into_avx2(dst, src, count); return; }
#endif
    for (long i = 0; i < count; i++) dst[i] += src[i];
}

void lk_patches_accumulate(const lk_patches *p, const float *cols, long ld, long n0, long n1, float *x) {
    const long l = p->out_h * p->out_w, ch = p->channels, seg = p->kw * ch;
    for (long n = n0; n < n1; n++) {
        float *image = x + n * p->height * p->width * ch;
        for (long pos = 0; pos < l; pos++) {
            const float *src = cols + (n * l + pos) * ld;
            const long ih0 = (pos / p->out_w) * p->stride_h - p->pad_h, iw0 = (pos % p->out_w) * p->stride_w - p->pad_w;
            const long kj0 = min_l(p->kw, max_l(0, (-iw0 + p->dil_w - 1) / p->dil_w));
            for (long ki = 0; ki < p->kh; ki++) {
                const long ih = ih0 + ki * p->dil_h;
                if (ih < 0 || ih >= p->height) continue;
                float *line = image + ih * p->width * ch;
                const float *srow = src + ki * seg;
                if (p->dil_w == 1) {
                    const long kj1 = max_l(kj0, min_l(p->kw, p->width - iw0));
                    add_into(line + (iw0 + kj0) * ch, srow + kj0 * ch, (kj1 - kj0) * ch);
                } else {
                    for (long kj = kj0; kj < p->kw; kj++) {
                        const long iw = iw0 + kj * p->dil_w;
                        if (iw >= p->width) break;
                        add_into(line + iw * ch, srow + kj * ch, ch);
                    }
                }
            }
        }
    }
}

/// Portable blocked transpose of one [rows, cols] matrix.
static void transpose_blocked(const float *s, long rows, long cols, float *d) {
    enum { B = 16 };
    for (long i0 = 0; i0 < rows; i0 += B)
        for (long j0 = 0; j0 < cols; j0 += B) {
            const long i1 = min_l(rows, i0 + B), j1 = min_l(cols, j0 + B);
            for (long i = i0; i < i1; i++)
                for (long j = j0; j < j1; j++) d[j * rows + i] = s[i * cols + j];
        }
}

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define TARGET_AVX2 __attribute__((target("avx2,fma")))

/// One 8×8 block: rows of s (stride ls) become columns of d (stride ld), in registers.
TARGET_AVX2 static inline void transpose8(const float *s, long ls, float *d, long ld) {
    __m256 r[8], t[8], u[8];
    for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(s + i * ls);
    for (int i = 0; i < 4; i++) {
        t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    for (int h = 0; h < 2; h++) {  // rows 0-3 (h = 0) and 4-7 (h = 1)
        const int b = 4 * h;
        u[b + 0] = _mm256_shuffle_ps(t[b + 0], t[b + 2], 0x44);
        u[b + 1] = _mm256_shuffle_ps(t[b + 0], t[b + 2], 0xEE);
        u[b + 2] = _mm256_shuffle_ps(t[b + 1], t[b + 3], 0x44);
        u[b + 3] = _mm256_shuffle_ps(t[b + 1], t[b + 3], 0xEE);
    }
    for (int i = 0; i < 4; i++) {
        _mm256_storeu_ps(d + i * ld, _mm256_permute2f128_ps(u[i], u[i + 4], 0x20));
        _mm256_storeu_ps(d + (i + 4) * ld, _mm256_permute2f128_ps(u[i], u[i + 4], 0x31));
    }
}

/// 8×8 register blocks, with the edges (rows or columns past a multiple of 8) done element-wise.
TARGET_AVX2 static void transpose_avx2(const float *s, long rows, long cols, float *d) {
    const long r8 = rows & ~7L, c8 = cols & ~7L;
    for (long i = 0; i < r8; i += 8) {
        for (long j = 0; j < c8; j += 8) transpose8(s + i * cols + j, cols, d + j * rows + i, rows);
        for (long j = c8; j < cols; j++)
            for (long k = i; k < i + 8; k++) d[j * rows + k] = s[k * cols + j];
    }
    for (long i = r8; i < rows; i++)
        for (long j = 0; j < cols; j++) d[j * rows + i] = s[i * cols + j];
}

/// dst += src, vectorized for AVX2.
TARGET_AVX2 static void add_into_avx2(float *dst, const float *src, long count) {
    for (long i = 0; i < count; i++) dst[i] += src[i];
}
#endif

/// Whether the AVX2 routines may run: the CPU has them and the GEMM did not fall back to portable
/// code (LATENT_GEMM_ISA=portable makes the tests cover the plain loops here too).
static int use_avx2(void) {
#if defined(__x86_64__) || defined(_M_X64)
    static int decided = -1;
    if (decided < 0) decided = strcmp(lk_gemm_isa(), "portable") != 0;
    return decided;
#else
    return 0;
#endif
}

void lk_transpose_batch(const float *src, long batch, long rows, long cols, float *dst) {
    const int avx2 = use_avx2();
    for (long b = 0; b < batch; b++) {
        const float *s = src + b * rows * cols;
        float *d = dst + b * rows * cols;
#if defined(__x86_64__) || defined(_M_X64)
        if (avx2) { transpose_avx2(s, rows, cols, d); continue; }
#endif
        (void)avx2;
        transpose_blocked(s, rows, cols, d);
    }
}
