// The float32 multiply-add limit of one thread, measured rather than assumed.
//
// The project's machines change CPU generation between sessions (Zen 2 with AVX2 only, Zen 4 with
// AVX-512 issued as two 256-bit halves, Zen 5 with full-width AVX-512), so a fraction of peak
// needs the peak of the machine it runs on. Each probe runs 12 independent chains acc = acc·m + b
// in the registers of one code path: enough chains to cover the latency × throughput of every
// FMA unit we know (two pipes × 4–5 cycles needs 8–10), and few enough to leave registers for m
// and b (AVX2 and SSE have 16). m < 1 and b > 0 keep every chain at a normal number near b/(1−m),
// so no denormal slows it. m and b are read through a volatile so the compiler cannot fold them.
//
// Each path is compiled with its target attribute, like the GEMM back ends: "avx512" (zmm FMA),
// "avx2" (ymm FMA) and "portable" (4-lane vectors of the base ISA: mulps + addps on x86-64,
// fused fmla on arm64, where the compiler contracts a·m + b). The vector paths are asm, so they
// measure the same in debug builds; the portable one, plain C, runs far slower at -O0.
//
// Timing takes the fastest of many short runs: on a shared machine a run that another process
// preempts only reads slower, and ~1 ms runs are likelier than long ones to find a free slice.
#if !defined(_POSIX_C_SOURCE) && !defined(__APPLE__)
#define _POSIX_C_SOURCE 200809L
#endif
#include "lk_peak.h"
#include "lk_gemm.h"
#include <pthread.h>
#include <string.h>
#include <time.h>

#define CHAINS 12
#define RUNS 5         // runs of lk_fma_probe
#define PEAK_RUNS 25    // runs of the cached peak

static volatile float probe_m = 0.999999f, probe_b = 1e-6f;
static volatile float probe_sink;

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

// MARK: - Probes (one per code path)

typedef float v4 __attribute__((vector_size(16)));

static void chains_portable(long iterations) {
    const float m0 = probe_m, b0 = probe_b;
    const v4 m = {m0, m0, m0, m0}, b = {b0, b0, b0, b0};
    v4 acc[CHAINS];
    for (int c = 0; c < CHAINS; c++) acc[c] = b * (float)(c + 1);
    for (long i = 0; i < iterations; i++)
        for (int c = 0; c < CHAINS; c++) acc[c] = acc[c] * m + b;
    v4 s = acc[0];
    for (int c = 1; c < CHAINS; c++) s += acc[c];
    probe_sink = s[0] + s[1] + s[2] + s[3];
}

#if defined(__x86_64__) || defined(_M_X64)
// The vector paths are one asm loop each, so that the chains stay in registers and the loop is
// exactly 12 multiply-adds and a branch in every build, debug (-O0) included. `r` names the
// register file ("ymm", "zmm"): r12 = m, r13 = b, r0…r11 the chains (starting at b).
#define CHAINS_ASM(r)                                                    \
    "vbroadcastss %2, %%" r "12\n\t"                                     \
    "vbroadcastss %3, %%" r "13\n\t"                                     \
    ".irp i, 0,1,2,3,4,5,6,7,8,9,10,11\n\t"                              \
    "vmovaps %%" r "13, %%" r "\\i\n\t"                                  \
    ".endr\n\t"                                                          \
    "1:\n\t"                                                             \
    ".irp i, 0,1,2,3,4,5,6,7,8,9,10,11\n\t"                              \
    "vfmadd213ps %%" r "13, %%" r "12, %%" r "\\i\n\t"                   \
    ".endr\n\t"                                                          \
    "dec %0\n\t"                                                         \
    "jnz 1b\n\t"                                                         \
    "vaddss %%xmm1, %%xmm0, %%xmm0\n\t"                                  \
    "vmovss %%xmm0, %1\n\t"                                              \
    "vzeroupper\n\t"

#define CHAINS_CLOBBERS(r) r "0", r "1", r "2", r "3", r "4", r "5", r "6", r "7", \
                           r "8", r "9", r "10", r "11", r "12", r "13", "cc"

__attribute__((target("avx2,fma"))) static void chains_avx2(long iterations) {
    const float m = probe_m, b = probe_b;
    float out;
    __asm__ volatile(CHAINS_ASM("ymm") : "+r"(iterations), "=m"(out) : "m"(m), "m"(b) : CHAINS_CLOBBERS("ymm"));
    probe_sink = out;
}

__attribute__((target("avx512f,avx512vl,avx2,fma"))) static void chains_avx512(long iterations) {
    const float m = probe_m, b = probe_b;
    float out;
    __asm__ volatile(CHAINS_ASM("zmm") : "+r"(iterations), "=m"(out) : "m"(m), "m"(b) : CHAINS_CLOBBERS("zmm"));
    probe_sink = out;
}
#endif

// MARK: - Dispatch and timing

typedef void (*chains_fn)(long iterations);

/// The probe of `isa` and its lanes, or NULL when the name is unknown or the CPU lacks the ISA.
static chains_fn probe_for(const char *isa, int *lanes) {
    if (!isa) return NULL;
    if (strcmp(isa, "portable") == 0) { *lanes = 4; return chains_portable; }
#if defined(__x86_64__) || defined(_M_X64)
    __builtin_cpu_init();
    const int fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (strcmp(isa, "avx2") == 0 && fma) { *lanes = 8; return chains_avx2; }
    if (strcmp(isa, "avx512") == 0 && fma && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) {
        *lanes = 16;
        return chains_avx512;
    }
#endif
    return NULL;
}

/// FLOP/s of the fastest of `runs` runs of `iterations` steps.
static double best_rate(chains_fn f, int lanes, long iterations, int runs) {
    const double flops = (double)iterations * CHAINS * lanes * 2.0;
    double best = 0;
    for (int r = 0; r < runs; r++) {
        const double start = now_seconds();
        f(iterations);
        const double seconds = now_seconds() - start;
        if (seconds > 0 && flops / seconds > best) best = flops / seconds;
    }
    return best;
}

double lk_fma_probe(const char *isa, long iterations) {
    int lanes = 0;
    chains_fn f = probe_for(isa, &lanes);
    if (!f || iterations < 1) return 0;
    return best_rate(f, lanes, iterations, RUNS);
}

static double cached_peak;
static pthread_once_t peak_once = PTHREAD_ONCE_INIT;

/// Calibrates on short runs (the first also wakes the wide units), then keeps the best of
/// PEAK_RUNS runs of ~1 ms.
static void measure_peak(void) {
    int lanes = 0;
    chains_fn f = probe_for(lk_gemm_isa(), &lanes);
    if (!f) return;
    const long calibration = 1L << 12;
    const double rate = best_rate(f, lanes, calibration, 3);
    long iterations = rate > 0 ? (long)(1e-3 * rate / (CHAINS * lanes * 2.0)) : calibration;
    if (iterations < calibration) iterations = calibration;
    cached_peak = best_rate(f, lanes, iterations, PEAK_RUNS);
}

double lk_peak_flops_per_thread(void) {
    pthread_once(&peak_once, measure_peak);
    return cached_peak;
}
