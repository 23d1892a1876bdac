// Run-time dispatch of the vmath kernels (vmath_body.h) and their portable instantiation, which
// treats one float as a one-lane vector (on arm64 the compiler vectorizes these loops for NEON).
#include "lk_vmath.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LK_TARGET
#define LK_SUFFIX portable
#define LK_VW 1
typedef float V;
typedef uint32_t VI;   // unsigned so that bit arithmetic on negative floats is well defined
typedef int M;

static inline V v_set(float a) { return a; }
static inline V v_add(V a, V b) { return a + b; }
static inline V v_sub(V a, V b) { return a - b; }
static inline V v_mul(V a, V b) { return a * b; }
static inline V v_div(V a, V b) { return a / b; }
static inline V v_fma(V a, V b, V c) { return a * b + c; }   // fused where the target has FMA
static inline V v_min(V a, V b) { return a < b ? a : b; }
static inline V v_max(V a, V b) { return a > b ? a : b; }
static inline VI v_bits(V a) { VI u; memcpy(&u, &a, sizeof u); return u; }
static inline V v_float(VI u) { V a; memcpy(&a, &u, sizeof a); return a; }
static inline V v_and(V a, V b) { return v_float(v_bits(a) & v_bits(b)); }
static inline V v_or(V a, V b) { return v_float(v_bits(a) | v_bits(b)); }
static inline M v_lt(V a, V b) { return a < b; }
static inline M v_gt(V a, V b) { return a > b; }
static inline M v_ge(V a, V b) { return a >= b; }
static inline M v_eq(V a, V b) { return a == b; }
static inline V v_sel(M m, V a, V b) { return m ? a : b; }
static inline VI vi_set(int a) { return (VI)a; }
static inline VI vi_add(VI a, VI b) { return a + b; }
static inline VI vi_sub(VI a, VI b) { return a - b; }
static inline VI vi_and(VI a, VI b) { return a & b; }
static inline VI vi_sra23(VI a) { return (VI)((int32_t)a >> 23); }
static inline V vi_cvt(VI a) { return (float)(int32_t)a; }
// p·2^n as p·2^h·2^(n−h), h = n>>1: both factors normal, one rounding (see vmath_avx2.c).
static inline V v_ldexp(V p, VI n) {
    int32_t h = (int32_t)n >> 1;
    return p * v_float((VI)(h + 127) << 23) * v_float((VI)((int32_t)n - h + 127) << 23);
}

#include "vmath_body.h"

enum { ISA_PORTABLE, ISA_AVX2, ISA_AVX512 };

static int detect_isa(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    int isa = ISA_PORTABLE;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        isa = ISA_AVX2;
        if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
            __builtin_cpu_supports("avx512dq"))
            isa = ISA_AVX512;
    }
    // LATENT_VMATH_ISA=avx2|portable caps the choice (to test every path on one machine).
    const char *force = getenv("LATENT_VMATH_ISA");
    if (force && strcmp(force, "portable") == 0) isa = ISA_PORTABLE;
    if (force && strcmp(force, "avx2") == 0 && isa > ISA_AVX2) isa = ISA_AVX2;
    return isa;
#else
    return ISA_PORTABLE;
#endif
}

// Shared with reduce.c. Detected once; a racing first call just stores the same value twice.
#include "isa.h"
int lk_isa_level(void) {
    static int level = -1;
    int l = __atomic_load_n(&level, __ATOMIC_RELAXED);
    if (l < 0) {
        l = detect_isa();
        __atomic_store_n(&level, l, __ATOMIC_RELAXED);
    }
    return l;
}

#if defined(__x86_64__)
#define LK_DISPATCH(f)                                                          \
    void f##_avx512(const float *x, float *y, long n);                          \
    void f##_avx2(const float *x, float *y, long n);                            \
    void f(const float *x, float *y, long n) {                                  \
        switch (lk_isa_level()) {                                               \
        case ISA_AVX512: f##_avx512(x, y, n); break;                            \
        case ISA_AVX2: f##_avx2(x, y, n); break;                                \
        default: f##_portable(x, y, n); break;                                  \
        }                                                                       \
    }
#else
#define LK_DISPATCH(f) \
    void f(const float *x, float *y, long n) { f##_portable(x, y, n); }
#endif

LK_DISPATCH(lk_vexp)
LK_DISPATCH(lk_vlog)
LK_DISPATCH(lk_vlog1p)
LK_DISPATCH(lk_vtanh)
LK_DISPATCH(lk_vsigmoid)
LK_DISPATCH(lk_vsoftplus)
LK_DISPATCH(lk_vlogsigmoid)
LK_DISPATCH(lk_verf)
