// vmath kernels for AVX-512 (16 floats per vector). Compiled through a target attribute, so no
// compiler flags are needed; vmath.c calls these only when the CPU reports AVX-512 F/VL/DQ.
#if defined(__x86_64__)
#include <immintrin.h>

#define LK_TARGET __attribute__((target("avx512f,avx512vl,avx512dq,avx2,fma")))
#define LK_SUFFIX avx512
#define LK_VW 16
typedef __m512 V;
typedef __m512i VI;
typedef __mmask16 M;

static inline LK_TARGET V v_set(float a) { return _mm512_set1_ps(a); }
static inline LK_TARGET V v_add(V a, V b) { return _mm512_add_ps(a, b); }
static inline LK_TARGET V v_sub(V a, V b) { return _mm512_sub_ps(a, b); }
static inline LK_TARGET V v_mul(V a, V b) { return _mm512_mul_ps(a, b); }
static inline LK_TARGET V v_div(V a, V b) { return _mm512_div_ps(a, b); }
static inline LK_TARGET V v_fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
static inline LK_TARGET V v_min(V a, V b) { return _mm512_min_ps(a, b); }
static inline LK_TARGET V v_max(V a, V b) { return _mm512_max_ps(a, b); }
static inline LK_TARGET V v_and(V a, V b) { return _mm512_and_ps(a, b); }
static inline LK_TARGET V v_or(V a, V b) { return _mm512_or_ps(a, b); }
static inline LK_TARGET M v_lt(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
static inline LK_TARGET M v_gt(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
static inline LK_TARGET M v_ge(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_GE_OQ); }
static inline LK_TARGET M v_eq(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ); }
static inline LK_TARGET V v_sel(M m, V a, V b) { return _mm512_mask_blend_ps(m, b, a); }
static inline LK_TARGET VI v_bits(V a) { return _mm512_castps_si512(a); }
static inline LK_TARGET V v_float(VI a) { return _mm512_castsi512_ps(a); }
static inline LK_TARGET VI vi_set(int a) { return _mm512_set1_epi32(a); }
static inline LK_TARGET VI vi_add(VI a, VI b) { return _mm512_add_epi32(a, b); }
static inline LK_TARGET VI vi_sub(VI a, VI b) { return _mm512_sub_epi32(a, b); }
static inline LK_TARGET VI vi_and(VI a, VI b) { return _mm512_and_si512(a, b); }
static inline LK_TARGET VI vi_sra23(VI a) { return _mm512_srai_epi32(a, 23); }
static inline LK_TARGET V vi_cvt(VI a) { return _mm512_cvtepi32_ps(a); }
// vscalefps computes p·2^n with a single rounding, including overflow and gradual underflow.
static inline LK_TARGET V v_ldexp(V p, VI n) { return _mm512_scalef_ps(p, _mm512_cvtepi32_ps(n)); }
static inline LK_TARGET V v_load(const float *p) { return _mm512_loadu_ps(p); }
static inline LK_TARGET void v_store(float *p, V a) { _mm512_storeu_ps(p, a); }
static inline LK_TARGET V v_load_n(const float *p, int cnt) {
    return _mm512_maskz_loadu_ps((__mmask16)((1u << cnt) - 1), p);
}
static inline LK_TARGET void v_store_n(float *p, V a, int cnt) {
    _mm512_mask_storeu_ps(p, (__mmask16)((1u << cnt) - 1), a);
}

#include "vmath_body.h"
#endif
