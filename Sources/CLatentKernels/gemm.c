// Single-precision GEMM driver (Goto/BLIS scheme).
//
// C = alpha·op(A)·op(B) + beta·C is computed in three cache-blocking loops around a register-tiled
// micro-kernel:
//   for jc in steps of NC:              columns of C and op(B)
//     for pc in steps of KC:            the shared dimension
//       pack op(B)[pc.., jc..] (KC×NC)  → panels of NR columns, stays in L2/L3
//       for ic in steps of MC:          rows of C and op(A)
//         pack op(A)[ic.., pc..] (MC×KC) → panels of MR rows, stays in L2
//         for each NR-wide B panel (kept in L1), for each MR-tall A panel: micro-kernel
// Packing turns every transpose combination into the same unit-stride layout, so the micro-kernel
// never sees lda/ldb, and it zero-pads edge panels so the kernel always runs full MR×NR tiles
// (it only masks what it stores). The first KC step applies the caller's beta; later ones add.
//
// Blocks are split evenly (e.g. k = 784 with KC ≤ 256 runs as 4 × 196, not 256+256+256+16) so
// no step is a sliver. Each element's summation order depends only on k and the back end — not on
// m, n, its position in C or pointer alignment — so results are bit-reproducible and do not change
// with how callers split C among threads.
//
// Skinny products (m or n ≤ LK_SKINNY = 4) skip all of this: the back end's `skinny` routine
// (gemm_skinny_body.h) runs them as dot products or row updates on the caller's thread.
//
// Packing buffers are thread-local and grow monotonically: callers run this concurrently on
// disjoint blocks of C, and allocating megabytes per call would cost 15-30% on mid-sized products.
#include "lk_gemm.h"
#include "lk_runtime.h"
#include "gemm_internal.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

// MARK: - Back-end selection

static const lk_gemm_impl *selected_impl;
static pthread_once_t select_once = PTHREAD_ONCE_INIT;

#if defined(__x86_64__) || defined(_M_X64)
static int cpu_has_avx512(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
static int cpu_has_avx2(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#endif

/// Best back end the CPU supports; LATENT_GEMM_ISA=avx2|portable forces a lesser one (for tests).
static void select_impl(void) {
    const char *want = getenv("LATENT_GEMM_ISA");
    selected_impl = &lk_gemm_portable;
    if (want && strcmp(want, "portable") == 0) return;
#if defined(__x86_64__) || defined(_M_X64)
    int force_avx2 = want && strcmp(want, "avx2") == 0;
    if (!force_avx2 && cpu_has_avx512()) selected_impl = &lk_gemm_avx512;
    else if (cpu_has_avx2()) selected_impl = &lk_gemm_avx2;
#endif
}

static const lk_gemm_impl *impl(void) {
    pthread_once(&select_once, select_impl);
    return selected_impl;
}

const char *lk_gemm_isa(void) { return impl()->name; }

// MARK: - Thread-local packing buffers

typedef struct {
    float *a, *b, *rows;
    long a_cap, b_cap, rows_cap;  // capacities in floats
} pack_buffers;

static _Thread_local pack_buffers *tls_buffers;
static pthread_key_t buffers_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

/// Frees a thread's buffers when the thread exits (worker threads may come and go). It runs on the
/// exiting thread and clears that thread's pointer, so a GEMM issued by a later thread-exit
/// destructor allocates afresh instead of touching freed memory.
static void free_buffers(void *p) {
    pack_buffers *bufs = p;
    tls_buffers = NULL;
    lk_free(bufs->a);
    lk_free(bufs->b);
    lk_free(bufs->rows);
    free(bufs);
}

static void make_key(void) { pthread_key_create(&buffers_key, free_buffers); }

/// Makes *buf hold at least `need` floats (64-byte aligned); the old contents are not kept.
static int reserve(float **buf, long *cap, long need) {
    if (*cap >= need) return 1;
    lk_free(*buf);
    *buf = lk_alloc(need);
    *cap = *buf ? need : 0;
    return *buf != NULL;
}

static pack_buffers *thread_buffers(long a_need, long b_need, long rows_need) {
    pack_buffers *bufs = tls_buffers;
    if (!bufs) {
        pthread_once(&key_once, make_key);
        bufs = calloc(1, sizeof *bufs);
        if (!bufs) return NULL;
        tls_buffers = bufs;
        pthread_setspecific(buffers_key, bufs);
    }
    if (!reserve(&bufs->a, &bufs->a_cap, a_need) || !reserve(&bufs->b, &bufs->b_cap, b_need)) return NULL;
    if (rows_need > 0 && !reserve(&bufs->rows, &bufs->rows_cap, rows_need)) return NULL;
    return bufs;
}

// MARK: - Driver

/// C = beta·C for the degenerate products (k == 0 or alpha == 0); beta == 0 writes zeros.
static void scale_c(long m, long n, float beta, float *c, long ldc) {
    for (long i = 0; i < m; i++) {
        float *row = c + i * ldc;
        if (beta == 0.0f) memset(row, 0, (size_t)n * sizeof(float));
        else if (beta != 1.0f) for (long j = 0; j < n; j++) row[j] *= beta;
    }
}

static long round_up(long x, long to) { return (x + to - 1) / to * to; }

/// Packs rows [i0, i0 + mc) × depth [q0, q0 + kc) of an implicit op(A) into MR-row panels: each
/// group of up to MR rows is filled row by row into `rows` (MR × kc, contiguous along k), then the
/// back end's transposing pack_a moves it into panel order.
static void pack_a_rows(const lk_gemm_impl *im, const lk_matrix_rows *src, long i0, long mc, long q0, long kc,
                        float *rows, float *dst) {
    for (long i = 0; i < mc; i += im->mr) {
        const long live = mc - i < im->mr ? mc - i : im->mr;
        for (long r = 0; r < live; r++) src->fill(src->ctx, i0 + i + r, q0, kc, rows + r * kc);
        im->pack_a(live, kc, rows, kc, 1, dst + i * kc);
    }
}

/// Packs depth [q0, q0 + kc) × columns [j0, j0 + nc) of an implicit op(B) into NR-column panels
/// (kc rows of NR floats each): each depth row is filled once, nc wide, into `row` and dealt out
/// to the panels (the last zero-padded), so a fill call covers a whole block row, not NR values.
static void pack_b_rows(const lk_gemm_impl *im, const lk_matrix_rows *src, long j0, long nc, long q0, long kc,
                        float *row, float *dst) {
    const long nr = im->nr, panels = (nc + nr - 1) / nr;
    for (long q = 0; q < kc; q++) {
        src->fill(src->ctx, q0 + q, j0, nc, row);
        for (long t = 0; t < panels; t++) {
            const long live = nc - t * nr < nr ? nc - t * nr : nr;
            float *out = dst + t * nr * kc + q * nr;
            memcpy(out, row + t * nr, (size_t)live * sizeof(float));
            for (long i = live; i < nr; i++) out[i] = 0.0f;
        }
    }
}

/// Step that splits `total` into the fewest pieces of at most max_step, as equal as possible,
/// rounded up to a multiple of `unit` (max_step is one, so the step stays ≤ max_step).
static long even_step(long total, long max_step, long unit) {
    long pieces = (total + max_step - 1) / max_step;
    return round_up((total + pieces - 1) / pieces, unit);
}

/// Rows [*lo, *hi) of the NR-column panel p that the tile range [w0, w1) covers (see gemm_tiles).
static void panel_rows(long p, long w0, long w1, long tiles_per_panel, long mr, long m, long *lo, long *hi) {
    const long u0 = w0 - p * tiles_per_panel, u1 = w1 - p * tiles_per_panel;
    *lo = u0 > 0 ? u0 * mr : 0;
    *hi = u1 < tiles_per_panel ? u1 * mr : m;
}

/// Computes the micro-tiles [w0, w1) of C, numbered down each NR-column panel and then across
/// panels (tile w covers rows (w mod T)·MR… of panel w / T, T = tiles per panel). A range that
/// starts or ends inside a panel computes only those rows of it, so threads can split C into
/// exactly equal shares. Only the columns and rows the range touches are packed.
static void gemm_tiles(const lk_gemm_impl *im, const lk_gemm_args *g, long w0, long w1) {
    const long mr = im->mr, nr = im->nr, m = g->m, k = g->k, ldc = g->ldc;
    const long tiles_per_panel = (m + mr - 1) / mr;
    const long p_first = w0 / tiles_per_panel, p_last = (w1 - 1) / tiles_per_panel;
    const long c0 = p_first * nr, c1 = (p_last + 1) * nr < g->n ? (p_last + 1) * nr : g->n;
    long r0 = 0, r1 = m;
    if (p_first == p_last) panel_rows(p_first, w0, w1, tiles_per_panel, mr, m, &r0, &r1);

    const long mc_step = even_step(r1 - r0, im->mc, mr);
    const long kc_step = even_step(k, im->kc, 1);
    const long nc_step = even_step(c1 - c0, im->nc, nr);
    // Staging for implicit operands: MR rows of A, or one block row of B.
    const long a_rows_need = g->a_rows ? mr * kc_step : 0, b_rows_need = g->b_rows ? nc_step : 0;
    pack_buffers *bufs = thread_buffers(mc_step * kc_step, nc_step * kc_step,
                                        a_rows_need > b_rows_need ? a_rows_need : b_rows_need);
    if (!bufs) abort();  // out of memory for a few MB: nothing sensible to return through this API

    // Strides of op(A) as (row i, depth q) and of op(B) as (column j, depth q).
    const long a_rs = g->trans_a ? 1 : g->lda, a_cs = g->trans_a ? g->lda : 1;
    const long b_rs = g->trans_b ? g->ldb : 1, b_cs = g->trans_b ? 1 : g->ldb;

    for (long jc = c0; jc < c1; jc += nc_step) {
        const long nc = c1 - jc < nc_step ? c1 - jc : nc_step;
        for (long pc = 0; pc < k; pc += kc_step) {
            const long kc = k - pc < kc_step ? k - pc : kc_step;
            const float beta_step = pc == 0 ? g->beta : 1.0f;
            if (g->b_rows) pack_b_rows(im, g->b_rows, jc, nc, pc, kc, bufs->rows, bufs->b);
            else im->pack_b(nc, kc, g->b + jc * b_rs + pc * b_cs, b_rs, b_cs, bufs->b);
            for (long ic = r0; ic < r1; ic += mc_step) {
                const long mc = r1 - ic < mc_step ? r1 - ic : mc_step;
                if (g->a_rows) pack_a_rows(im, g->a_rows, ic, mc, pc, kc, bufs->rows, bufs->a);
                else im->pack_a(mc, kc, g->a + ic * a_rs + pc * a_cs, a_rs, a_cs, bufs->a);
                for (long jr = 0; jr < nc; jr += nr) {
                    const long nr_here = nc - jr < nr ? nc - jr : nr;
                    long lo, hi;
                    panel_rows((jc + jr) / nr, w0, w1, tiles_per_panel, mr, m, &lo, &hi);
                    if (lo < ic) lo = ic;
                    if (hi > ic + mc) hi = ic + mc;
                    for (long i = lo; i < hi; i += mr) {
                        im->kernel(kc, bufs->a + (i - ic) * kc, bufs->b + jr * kc, g->c + i * ldc + jc + jr, ldc,
                                   g->alpha, beta_step, hi - i < mr ? hi - i : mr, nr_here, g->relu && pc + kc >= k);
                    }
                }
            }
        }
    }
}

static long tile_count(const lk_gemm_impl *im, long m, long n) {
    return ((m + im->mr - 1) / im->mr) * ((n + im->nr - 1) / im->nr);
}

void lk_sgemm(int trans_a, int trans_b, long m, long n, long k, float alpha,
              const float *a, long lda, const float *b, long ldb,
              float beta, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0 || alpha == 0.0f) {
        scale_c(m, n, beta, c, ldc);
        return;
    }
    const lk_gemm_impl *im = impl();
    const lk_gemm_args g = {trans_a, trans_b, m, n, k, lda, ldb, ldc, alpha, beta, a, b, c, NULL, NULL, 0};
    if (m <= LK_SKINNY || n <= LK_SKINNY) {
        im->skinny(&g);
        return;
    }
    gemm_tiles(im, &g, 0, tile_count(im, m, n));
}

// MARK: - Parallel driver
//
// C's micro-tiles are cut into equal runs (chunks) of consecutive tiles — a run of NR-column
// panels, plus part of a panel at either end when the panels do not divide evenly: a whole panel
// more on one thread would cost 8% at n = 400 or 784 — and the pool's threads claim the runs one
// at a time, each computing its run through the serial loops with its own packing buffers. There
// are CHUNKS_PER_THREAD runs per thread, so that a thread the machine deschedules (other
// processes on the cores) delays the product by one run, not by half of it, while every run stays
// large enough that packing op(A) once per run costs little. The threads share no packed data:
// packing op(A) or op(B) once into a shared buffer measured slower (by 15% at 128×784×400) than
// packing it twice, since every thread then reads the other's half from the other core's cache,
// and it needs barriers that stall both threads whenever one is preempted. Each tile is computed
// exactly as by lk_sgemm, so the result is bitwise the same for any thread count and schedule.

/// Runs per thread of a parallel product (see above).
#define CHUNKS_PER_THREAD 2

typedef struct {
    const lk_gemm_impl *im;
    lk_gemm_args args;
    long tiles, chunks;
} parallel_job;

static void parallel_chunk(void *ctx, long c) {
    const parallel_job *job = ctx;
    const long w0 = job->tiles * c / job->chunks, w1 = job->tiles * (c + 1) / job->chunks;
    if (w1 > w0) gemm_tiles(job->im, &job->args, w0, w1);
}

void lk_sgemm_parallel(int trans_a, int trans_b, long m, long n, long k, float alpha,
                       const float *a, long lda, const float *b, long ldb,
                       float beta, float *c, long ldc, int nthreads) {
    if (nthreads < 2 || m <= 0 || n <= 0 || k <= 0 || alpha == 0.0f || m * n * k < LK_SGEMM_PARALLEL_MIN_MACS ||
        m <= LK_SKINNY || n <= LK_SKINNY) {
        lk_sgemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    const lk_gemm_impl *im = impl();
    const long tiles = tile_count(im, m, n);
    long chunks = (long)nthreads * CHUNKS_PER_THREAD;
    if (chunks > tiles) chunks = tiles;
    parallel_job job = {im, {trans_a, trans_b, m, n, k, lda, ldb, ldc, alpha, beta, a, b, c, NULL, NULL, 0}, tiles, chunks};
    lk_pool_run_chunks(nthreads, chunks, parallel_chunk, &job);
}

// MARK: - Implicit operands

/// Writes the whole implicit matrix `src` ([rows, cols]) into dst (row-major, contiguous).
static float *materialize(const lk_matrix_rows *src, long rows, long cols) {
    float *dst = lk_alloc(rows * cols);
    if (!dst) abort();
    for (long r = 0; r < rows; r++) src->fill(src->ctx, r, 0, cols, dst + r * cols);
    return dst;
}

/// C = max(0, C) over an m×n block (NaN kept), for the paths that do not run the micro-kernel.
static void relu_c(long m, long n, float *c, long ldc) {
    for (long i = 0; i < m; i++)
        for (long j = 0; j < n; j++) {
            float *v = c + i * ldc + j;
            *v = *v > 0.0f ? *v : (*v != *v ? *v : 0.0f);
        }
}

void lk_sgemm_ex_parallel(int trans_a, int trans_b, long m, long n, long k, float alpha,
                          const float *a, long lda, const lk_matrix_rows *a_rows,
                          const float *b, long ldb, const lk_matrix_rows *b_rows,
                          float beta, float *c, long ldc, int relu, int nthreads) {
    if (m <= 0 || n <= 0) return;
    if (!a_rows && !b_rows && !relu) {
        lk_sgemm_parallel(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, nthreads);
        return;
    }
    if (k <= 0 || alpha == 0.0f) {
        scale_c(m, n, beta, c, ldc);
        if (relu) relu_c(m, n, c, ldc);
        return;
    }
    if (m <= LK_SKINNY || n <= LK_SKINNY) {
        // The skinny routines read plain matrices: write an implicit operand out (it is small
        // along one side here, so this costs about what the product does), and apply the ReLU after.
        float *ma = a_rows ? materialize(a_rows, m, k) : NULL, *mb = b_rows ? materialize(b_rows, k, n) : NULL;
        lk_sgemm_parallel(a_rows ? 0 : trans_a, b_rows ? 0 : trans_b, m, n, k, alpha, ma ? ma : a, ma ? k : lda,
                          mb ? mb : b, mb ? n : ldb, beta, c, ldc, nthreads);
        lk_free(ma);
        lk_free(mb);
        if (relu) relu_c(m, n, c, ldc);
        return;
    }
    const lk_gemm_impl *im = impl();
    const lk_gemm_args args = {trans_a, trans_b, m, n, k, lda, ldb, ldc, alpha, beta, a, b, c, a_rows, b_rows, relu};
    const long tiles = tile_count(im, m, n);
    long chunks = (long)nthreads * CHUNKS_PER_THREAD;
    if (nthreads < 2 || m * n * k < LK_SGEMM_PARALLEL_MIN_MACS) chunks = 1;
    if (chunks > tiles) chunks = tiles;
    parallel_job job = {im, args, tiles, chunks};
    lk_pool_run_chunks(nthreads, chunks, parallel_chunk, &job);
}
