// Reductions over the middle axis of [outer, n, inner], and dot/sum.
//
// The hot loops ("leaves") are plain C over LANES independent accumulators, a shape the compiler
// turns into vector code; each leaf is instantiated under AVX-512, AVX2+FMA and baseline target
// attributes and the set is picked at run time like vmath (lk_isa_level, LATENT_VMATH_ISA).
// inner == 1 vectorizes along n; inner > 1 vectorizes along inner in strips of COLS columns.
//
// Sums are pairwise over blocks of BLOCK elements (rows), each block summed into LANES (or COLS)
// separate accumulators, so the rounding error grows like (BLOCK/LANES + log2 n)·eps, not n·eps.
// max/min/argmax propagate NaN (argmax returns the first NaN). Empty reductions (n == 0) give the
// identity: sum 0, max −inf, min +inf, logsumexp −inf, argmax 0.
#include "lk_reduce.h"
#include "lk_gemm.h"
#include "lk_vmath.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "isa.h"

#define LANES 32     // 2 AVX-512 or 4 AVX2 accumulator registers: hides the add latency
#define BLOCK 1024   // leaf size of the pairwise recursion along n (inner == 1)
#define COLS 64      // strip width along inner (inner > 1)
#define ROWS 16      // leaf size of the pairwise recursion over rows (inner > 1)
#define LK_INLINE static inline __attribute__((always_inline))

// Takes v over a when v is beyond it (is_min selects the direction) or v is NaN; a NaN in a is
// kept, since every comparison with it is false. So the result is NaN iff some input was.
#define BEYOND(v, a, is_min) (((is_min) ? (v) < (a) : (v) > (a)) || (v) != (v))

LK_INLINE float sum_block_impl(const float *x, long n) {
    float acc[LANES] = {0};
    long i = 0;
    for (; i + LANES <= n; i += LANES)
        for (int k = 0; k < LANES; k++) acc[k] += x[i + k];
    for (int k = 0; i < n; i++, k++) acc[k] += x[i];
    for (int w = LANES / 2; w > 0; w /= 2)
        for (int k = 0; k < w; k++) acc[k] += acc[k + w];
    return acc[0];
}

LK_INLINE float dot_block_impl(const float *x, const float *y, long n) {
    float acc[LANES] = {0};
    long i = 0;
    for (; i + LANES <= n; i += LANES)
        for (int k = 0; k < LANES; k++) acc[k] += x[i + k] * y[i + k];
    for (int k = 0; i < n; i++, k++) acc[k] += x[i] * y[i];
    for (int w = LANES / 2; w > 0; w /= 2)
        for (int k = 0; k < w; k++) acc[k] += acc[k + w];
    return acc[0];
}

// Max (or min) of x[0..n), n >= 1.
LK_INLINE float extreme_impl(const float *x, long n, int is_min) {
    float acc[LANES];
    long i = n < LANES ? n : LANES;
    for (int k = 0; k < LANES; k++) acc[k] = x[k < i ? k : 0];
    for (; i + LANES <= n; i += LANES)
        for (int k = 0; k < LANES; k++) acc[k] = BEYOND(x[i + k], acc[k], is_min) ? x[i + k] : acc[k];
    for (int k = 0; i < n; i++, k++) acc[k] = BEYOND(x[i], acc[k], is_min) ? x[i] : acc[k];
    for (int w = LANES / 2; w > 0; w /= 2)
        for (int k = 0; k < w; k++) acc[k] = BEYOND(acc[k + w], acc[k], is_min) ? acc[k + w] : acc[k];
    return acc[0];
}

// First i with x[i] == m (or x[i] NaN when m is NaN); scans LANES at a time for any hit.
LK_INLINE long find_first_impl(const float *x, long n, float m) {
    int want_nan = m != m;
    long i = 0;
    for (; i + LANES <= n; i += LANES) {
        int hit = 0;
        for (int k = 0; k < LANES; k++) hit |= (x[i + k] == m) | (want_nan & (x[i + k] != x[i + k]));
        if (hit) break;
    }
    for (; i < n; i++)
        if (x[i] == m || (want_nan && x[i] != x[i])) return i;
    return 0;
}

LK_INLINE void col_add_impl(float *restrict acc, const float *restrict row, long w) {
    for (long c = 0; c < w; c++) acc[c] += row[c];
}

// Values are loaded first so that the select stays a select (a vector blend).
LK_INLINE void col_extreme_impl(float *restrict acc, const float *restrict row, long w, int is_min) {
    for (long c = 0; c < w; c++) {
        float v = row[c], a = acc[c];
        acc[c] = BEYOND(v, a, is_min) ? v : a;
    }
}

typedef struct {
    float (*sum_block)(const float *, long);
    float (*dot_block)(const float *, const float *, long);
    float (*max_row)(const float *, long);
    float (*min_row)(const float *, long);
    long (*find_first)(const float *, long, float);
    void (*col_add)(float *, const float *, long);
    void (*col_max)(float *, const float *, long);
    void (*col_min)(float *, const float *, long);
} leaves;

#define LK_LEAVES(sfx, attr)                                                                      \
    attr static float sum_block_##sfx(const float *x, long n) { return sum_block_impl(x, n); }    \
    attr static float dot_block_##sfx(const float *x, const float *y, long n) {                   \
        return dot_block_impl(x, y, n);                                                           \
    }                                                                                             \
    attr static float max_row_##sfx(const float *x, long n) { return extreme_impl(x, n, 0); }     \
    attr static float min_row_##sfx(const float *x, long n) { return extreme_impl(x, n, 1); }     \
    attr static long find_first_##sfx(const float *x, long n, float m) {                          \
        return find_first_impl(x, n, m);                                                          \
    }                                                                                             \
    attr static void col_add_##sfx(float *a, const float *r, long w) { col_add_impl(a, r, w); }   \
    attr static void col_max_##sfx(float *a, const float *r, long w) { col_extreme_impl(a, r, w, 0); } \
    attr static void col_min_##sfx(float *a, const float *r, long w) { col_extreme_impl(a, r, w, 1); } \
    static const leaves leaves_##sfx = { sum_block_##sfx, dot_block_##sfx, max_row_##sfx,        \
        min_row_##sfx, find_first_##sfx, col_add_##sfx, col_max_##sfx, col_min_##sfx };

LK_LEAVES(portable, )
#if defined(__x86_64__)
LK_LEAVES(avx2, __attribute__((target("avx2,fma"))))
LK_LEAVES(avx512, __attribute__((target("avx512f,avx512vl,avx512dq,avx2,fma"))))
#endif

static const leaves *pick(void) {
#if defined(__x86_64__)
    switch (lk_isa_level()) {
    case 2: return &leaves_avx512;
    case 1: return &leaves_avx2;
    default: break;
    }
#endif
    return &leaves_portable;
}

// Splits n > BLOCK at a multiple of BLOCK near the middle, so every leaf but the last is full.
static long half(long n) { return (n / 2 + BLOCK - 1) / BLOCK * BLOCK; }

static float sum_pairwise(const leaves *L, const float *x, long n) {
    if (n <= BLOCK) return L->sum_block(x, n);
    long h = half(n);
    return sum_pairwise(L, x, h) + sum_pairwise(L, x + h, n - h);
}

static float dot_pairwise(const leaves *L, const float *x, const float *y, long n) {
    if (n <= BLOCK) return L->dot_block(x, y, n);
    long h = half(n);
    return dot_pairwise(L, x, y, h) + dot_pairwise(L, x + h, y + h, n - h);
}

// Σ exp(x[i] − m), pairwise like sum_pairwise.
static float expsum_pairwise(const leaves *L, const float *x, long n, float m) {
    if (n <= BLOCK) {
        float t[BLOCK];
        for (long i = 0; i < n; i++) t[i] = x[i] - m;
        lk_vexp(t, t, n);
        return L->sum_block(t, n);
    }
    long h = half(n);
    return expsum_pairwise(L, x, h, m) + expsum_pairwise(L, x + h, n - h, m);
}

// out[c] = Σ_{r<n} exp?(x[r·stride + c] − m[c]) for c < w <= COLS, pairwise over the rows
// (m == NULL: plain sum). Leaves of up to ROWS rows go through one lk_vexp call.
static void cols_pairwise(const leaves *L, const float *x, long n, long stride, long w,
                          const float *m, float *out) {
    if (n <= ROWS) {
        memset(out, 0, (size_t)w * sizeof(float));
        if (!m) {
            for (long r = 0; r < n; r++) L->col_add(out, x + r * stride, w);
            return;
        }
        float t[ROWS * COLS];
        for (long r = 0; r < n; r++)
            for (long c = 0; c < w; c++) t[r * w + c] = x[r * stride + c] - m[c];
        lk_vexp(t, t, n * w);
        for (long r = 0; r < n; r++) L->col_add(out, t + r * w, w);
        return;
    }
    float tmp[COLS];
    long h = n / 2;
    cols_pairwise(L, x, h, stride, w, m, out);
    cols_pairwise(L, x + h * stride, n - h, stride, w, m, tmp);
    L->col_add(out, tmp, w);
}

float lk_sum(const float *x, long n) { return n > 0 ? sum_pairwise(pick(), x, n) : 0.0f; }

float lk_dot(const float *x, const float *y, long n) { return n > 0 ? dot_pairwise(pick(), x, y, n) : 0.0f; }

void lk_reduce_sum(const float *x, float *y, long outer, long n, long inner) {
    const leaves *L = pick();
    for (long o = 0; o < outer; o++) {
        const float *xo = x + o * n * inner;
        if (inner == 1) { y[o] = n > 0 ? sum_pairwise(L, xo, n) : 0.0f; continue; }
        for (long c0 = 0; c0 < inner; c0 += COLS) {
            long w = inner - c0 < COLS ? inner - c0 : COLS;
            cols_pairwise(L, xo + c0, n, inner, w, NULL, y + o * inner + c0);
        }
    }
}

// MARK: - lk_reduce_sum on the pool

/// Elements per chunk of a threaded sum: a chunk is about as long as an add of 16k floats.
#define SUM_GRAIN 16384L

typedef struct {
    const float *x;
    float *y;
    long outer, n, inner;
    long per;         // outer slices (by_outer) or COLS-wide column strips per chunk
    int by_outer;
} sum_job;

static void sum_chunk(void *ctx, long c) {
    const sum_job *j = ctx;
    if (j->by_outer) {
        long o0 = c * j->per, o1 = o0 + j->per < j->outer ? o0 + j->per : j->outer;
        lk_reduce_sum(j->x + o0 * j->n * j->inner, j->y + o0 * j->inner, o1 - o0, j->n, j->inner);
        return;
    }
    const leaves *L = pick();
    long c0 = c * j->per * COLS, c1 = c0 + j->per * COLS < j->inner ? c0 + j->per * COLS : j->inner;
    for (; c0 < c1; c0 += COLS) {
        long w = c1 - c0 < COLS ? c1 - c0 : COLS;
        cols_pairwise(L, j->x + c0, j->n, j->inner, w, NULL, j->y + c0);
    }
}

void lk_reduce_sum_threads(const float *x, float *y, long outer, long n, long inner, int nthreads) {
    const long total = outer * n * inner, strips = (inner + COLS - 1) / COLS;
    long chunks = total / SUM_GRAIN;
    if (chunks > 4L * nthreads) chunks = 4L * nthreads;
    sum_job j = {x, y, outer, n, inner, 0, outer > 1};
    const long units = j.by_outer ? outer : (inner > 1 ? strips : 1);
    if (chunks > units) chunks = units;
    if (nthreads < 2 || chunks < 2 || n == 0) {
        lk_reduce_sum(x, y, outer, n, inner);
        return;
    }
    j.per = (units + chunks - 1) / chunks;
    lk_pool_run_chunks(nthreads, (units + j.per - 1) / j.per, sum_chunk, &j);
}

static void reduce_extreme(const float *x, float *y, long outer, long n, long inner, int is_min) {
    const leaves *L = pick();
    for (long o = 0; o < outer; o++) {
        const float *xo = x + o * n * inner;
        float *yo = y + o * inner;
        if (n == 0) {
            for (long c = 0; c < inner; c++) yo[c] = is_min ? INFINITY : -INFINITY;
        } else if (inner == 1) {
            yo[0] = is_min ? L->min_row(xo, n) : L->max_row(xo, n);
        } else {
            memcpy(yo, xo, (size_t)inner * sizeof(float));
            for (long r = 1; r < n; r++) (is_min ? L->col_min : L->col_max)(yo, xo + r * inner, inner);
        }
    }
}

void lk_reduce_max(const float *x, float *y, long outer, long n, long inner) {
    reduce_extreme(x, y, outer, n, inner, 0);
}

void lk_reduce_min(const float *x, float *y, long outer, long n, long inner) {
    reduce_extreme(x, y, outer, n, inner, 1);
}

// m + log Σ exp(x − m) with m the max; a non-finite m is the answer itself (all −inf ⇒ −inf,
// any +inf ⇒ +inf, any NaN ⇒ NaN), which also keeps inf − inf out of the sum.
void lk_reduce_logsumexp(const float *x, float *y, long outer, long n, long inner) {
    const leaves *L = pick();
    lk_reduce_max(x, y, outer, n, inner);
    for (long o = 0; o < outer; o++) {
        const float *xo = x + o * n * inner;
        float *yo = y + o * inner;
        if (inner == 1) {
            if (isfinite(yo[0])) yo[0] += logf(expsum_pairwise(L, xo, n, yo[0]));
            continue;
        }
        for (long c0 = 0; c0 < inner; c0 += COLS) {
            long w = inner - c0 < COLS ? inner - c0 : COLS;
            float m[COLS], s[COLS];
            for (long c = 0; c < w; c++) m[c] = isfinite(yo[c0 + c]) ? yo[c0 + c] : 0.0f;
            cols_pairwise(L, xo + c0, n, inner, w, m, s);
            for (long c = 0; c < w; c++)
                if (isfinite(yo[c0 + c])) yo[c0 + c] += logf(s[c]);
        }
    }
}

void lk_reduce_argmax(const float *x, long *y, long outer, long n, long inner) {
    const leaves *L = pick();
    for (long o = 0; o < outer; o++) {
        const float *xo = x + o * n * inner;
        long *yo = y + o * inner;
        if (n == 0) {
            for (long c = 0; c < inner; c++) yo[c] = 0;
        } else if (inner == 1) {
            yo[0] = L->find_first(xo, n, L->max_row(xo, n));
        } else {
            // Strips of columns: best value so far and its row; strict > keeps the first maximum,
            // and the first NaN wins and then sticks (comparisons with it are false).
            for (long c0 = 0; c0 < inner; c0 += COLS) {
                long w = inner - c0 < COLS ? inner - c0 : COLS;
                float best[COLS];
                memcpy(best, xo + c0, (size_t)w * sizeof(float));
                for (long c = 0; c < w; c++) yo[c0 + c] = 0;
                for (long r = 1; r < n; r++) {
                    const float *row = xo + r * inner + c0;
                    for (long c = 0; c < w; c++)
                        if (row[c] > best[c] || (row[c] != row[c] && best[c] == best[c])) {
                            best[c] = row[c];
                            yo[c0 + c] = r;
                        }
                }
            }
        }
    }
}

// Branch-free count on the exponent bits (vectorizes); the first index is searched only when the
// count is not zero, which is the rare case.
long lk_count_nonfinite(const float *x, long n, long *first) {
    const uint32_t exponent = 0x7f800000u;
    long count = 0;
    for (long i = 0; i < n; i++) {
        uint32_t bits;
        memcpy(&bits, x + i, sizeof bits);
        count += (bits & exponent) == exponent;
    }
    *first = -1;
    for (long i = 0; count > 0 && i < n; i++) {
        uint32_t bits;
        memcpy(&bits, x + i, sizeof bits);
        if ((bits & exponent) == exponent) { *first = i; break; }
    }
    return count;
}
