#ifndef LK_PEAK_H
#define LK_PEAK_H

/// Float32 FLOP/s of one thread on the code path `isa` ("avx512", "avx2" or "portable", the
/// names lk_gemm_isa returns), measured by running 12 independent multiply-add chains of that
/// path's vector registers for `iterations` steps, several times, and keeping the fastest run
/// (a preempted run only reads slower). Counts 2 FLOPs per lane per multiply-add. Returns 0 when
/// the CPU lacks the ISA, the name is unknown or iterations < 1. Takes iterations × 12 × lanes × 2
/// ÷ peak seconds per run (1 ms per million iterations at ~100 GFLOP/s with 16 lanes), 5 runs.
double lk_fma_probe(const char *isa, long iterations);

/// The per-thread FLOP/s limit of the path the GEMM uses (lk_gemm_isa, which honours
/// LATENT_GEMM_ISA), measured with the probe of lk_fma_probe once per process at
/// first use (~30 ms: the best of 25 runs of ~1 ms) and cached. Thread-safe.
double lk_peak_flops_per_thread(void);

#endif
