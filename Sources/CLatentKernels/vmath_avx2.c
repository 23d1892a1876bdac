// vmath kernels for AVX2 + FMA (8 floats per vector). Compiled through a target attribute, so no
// compiler flags are needed; vmath.c calls these only when the CPU reports AVX2 and FMA.
#if defined(__x86_64__)
#include <immintrin.h>

#define LK_TARGET __attribute__((target("avx2,fma")))
#define LK_SUFFIX avx2
#define LK_VW 8
typedef __m256 V;
typedef __m256i VI;
typedef __m256 M;

static inline LK_TARGET V v_set(float a) { return _mm256_set1_ps(a); }
static inline LK_TARGET V v_add(V a, V b) { return _mm256_add_ps(a, b); }
static inline LK_TARGET V v_sub(V a, V b) { return _mm256_sub_ps(a, b); }
static inline LK_TARGET V v_mul(V a, V b) { return _mm256_mul_ps(a, b); }
static inline LK_TARGET V v_div(V a, V b) { return _mm256_div_ps(a, b); }
static inline LK_TARGET V v_fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
static inline LK_TARGET V v_min(V a, V b) { return _mm256_min_ps(a, b); }
static inline LK_TARGET V v_max(V a, V b) { return _mm256_max_ps(a, b); }
static inline LK_TARGET V v_and(V a, V b) { return _mm256_and_ps(a, b); }
static inline LK_TARGET V v_or(V a, V b) { return _mm256_or_ps(a, b); }
static inline LK_TARGET M v_lt(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
static inline LK_TARGET M v_gt(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
static inline LK_TARGET M v_ge(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_GE_OQ); }
static inline LK_TARGET M v_eq(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
static inline LK_TARGET V v_sel(M m, V a, V b) { return _mm256_blendv_ps(b, a, m); }
static inline LK_TARGET VI v_bits(V a) { return _mm256_castps_si256(a); }
static inline LK_TARGET V v_float(VI a) { return _mm256_castsi256_ps(a); }
static inline LK_TARGET VI vi_set(int a) { return _mm256_set1_epi32(a); }
static inline LK_TARGET VI vi_add(VI a, VI b) { return _mm256_add_epi32(a, b); }
static inline LK_TARGET VI vi_sub(VI a, VI b) { return _mm256_sub_epi32(a, b); }
static inline LK_TARGET VI vi_and(VI a, VI b) { return _mm256_and_si256(a, b); }
static inline LK_TARGET VI vi_sra23(VI a) { return _mm256_srai_epi32(a, 23); }
static inline LK_TARGET V vi_cvt(VI a) { return _mm256_cvtepi32_ps(a); }
// p·2^n as p·2^h·2^(n−h), h = n>>1: both factors are normal, the first product is exact and the
// second rounds once (correct gradual underflow, overflow to inf).
static inline LK_TARGET V v_ldexp(V p, VI n) {
    VI h = _mm256_srai_epi32(n, 1);
    V s1 = v_float(_mm256_slli_epi32(vi_add(h, vi_set(127)), 23));
    V s2 = v_float(_mm256_slli_epi32(vi_add(vi_sub(n, h), vi_set(127)), 23));
    return v_mul(v_mul(p, s1), s2);
}
static inline LK_TARGET V v_load(const float *p) { return _mm256_loadu_ps(p); }
static inline LK_TARGET void v_store(float *p, V a) { _mm256_storeu_ps(p, a); }
// vmaskmovps: lanes >= cnt are neither read (no fault past the end) nor written.
static inline LK_TARGET VI lane_mask(int cnt) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(cnt), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
static inline LK_TARGET V v_load_n(const float *p, int cnt) { return _mm256_maskload_ps(p, lane_mask(cnt)); }
static inline LK_TARGET void v_store_n(float *p, V a, int cnt) { _mm256_maskstore_ps(p, lane_mask(cnt), a); }

#include "vmath_body.h"
#endif
