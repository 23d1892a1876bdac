// Fused loss heads (lk_fused.h). The transcendental part goes through the dispatched vector
// routines (vmath.c) into the output, in blocks of BLOCK elements that stay in L1 for the
// arithmetic around it, which is compiled per ISA under target attributes and picked at run
// time (lk_isa_level), like optim.c.
#include "lk_fused.h"
#include "lk_vmath.h"
#include "isa.h"

#define BLOCK 256

// No fused multiply-adds: every result rounds exactly as the chain of separate ops it replaces
// (a·b rounded, then the add), so swapping the fused op in leaves training trajectories unchanged.
#pragma STDC FP_CONTRACT OFF

// y = x·l − t with t = softplus(l) already in y.
#define LOGPROB_BODY                                                 \
    for (long i = 0; i < n; i++) y[i] = x[i] * l[i] - y[i];
// gl = gy·(x − s) with s = σ(l) already in gl; gx = gy·l.
#define GRAD_L_BODY                                                  \
    for (long i = 0; i < n; i++) gl[i] = gy[i] * (x[i] - gl[i]);
#define GRAD_X_BODY                                                  \
    for (long i = 0; i < n; i++) gx[i] = gy[i] * l[i];

#define LOGPROB_ARGS const float *restrict l, const float *restrict x, float *restrict y, long n
#define GRAD_L_ARGS const float *restrict x, const float *restrict gy, float *restrict gl, long n
#define GRAD_X_ARGS const float *restrict l, const float *restrict gy, float *restrict gx, long n

static void logprob_portable(LOGPROB_ARGS) { LOGPROB_BODY }
static void grad_l_portable(GRAD_L_ARGS) { GRAD_L_BODY }
static void grad_x_portable(GRAD_X_ARGS) { GRAD_X_BODY }

#if defined(__x86_64__) || defined(_M_X64)
#define AVX512 __attribute__((target("avx512f,avx512vl,avx2,fma")))
#define AVX2 __attribute__((target("avx2,fma")))
AVX512 static void logprob_avx512(LOGPROB_ARGS) { LOGPROB_BODY }
AVX2 static void logprob_avx2(LOGPROB_ARGS) { LOGPROB_BODY }
AVX512 static void grad_l_avx512(GRAD_L_ARGS) { GRAD_L_BODY }
AVX2 static void grad_l_avx2(GRAD_L_ARGS) { GRAD_L_BODY }
AVX512 static void grad_x_avx512(GRAD_X_ARGS) { GRAD_X_BODY }
AVX2 static void grad_x_avx2(GRAD_X_ARGS) { GRAD_X_BODY }
#endif

typedef struct {
    void (*logprob)(LOGPROB_ARGS);
    void (*grad_l)(GRAD_L_ARGS);
    void (*grad_x)(GRAD_X_ARGS);
} fused_leaves;

static const fused_leaves portable = {logprob_portable, grad_l_portable, grad_x_portable};
#if defined(__x86_64__) || defined(_M_X64)
static const fused_leaves avx512 = {logprob_avx512, grad_l_avx512, grad_x_avx512};
static const fused_leaves avx2 = {logprob_avx2, grad_l_avx2, grad_x_avx2};
#endif

static const fused_leaves *pick(void) {
#if defined(__x86_64__) || defined(_M_X64)
    switch (lk_isa_level()) {
    case 2: return &avx512;
    case 1: return &avx2;
    default: break;
    }
#endif
    return &portable;
}

void lk_bernoulli_logits_logprob(const float *logits, const float *x, float *y, long n) {
    const fused_leaves *L = pick();
    for (long s = 0; s < n; s += BLOCK) {
        const long m = n - s < BLOCK ? n - s : BLOCK;
        lk_vsoftplus(logits + s, y + s, m);
        L->logprob(logits + s, x + s, y + s, m);
    }
}

void lk_bernoulli_logits_logprob_backward(const float *logits, const float *x, const float *gy,
                                          float *gl, float *gx, long n) {
    const fused_leaves *L = pick();
    for (long s = 0; s < n; s += BLOCK) {
        const long m = n - s < BLOCK ? n - s : BLOCK;
        lk_vsigmoid(logits + s, gl + s, m);
        L->grad_l(x + s, gy + s, gl + s, m);
        if (gx) L->grad_x(logits + s, gy + s, gx + s, m);
    }
}

// The Gaussian head's kernels run on [B, L] tensors of a few thousand elements: plain loops, with
// the exponentials through the dispatched vector exp in blocks on the stack.

void lk_gaussian_rsample(const float *mu, const float *log_scale, const float *eps, float *z, long n) {
    for (long s = 0; s < n; s += BLOCK) {
        const long m = n - s < BLOCK ? n - s : BLOCK;
        float sigma[BLOCK];
        lk_vexp(log_scale + s, sigma, m);
        for (long i = 0; i < m; i++) {
            const float noise = sigma[i] * eps[s + i];
            z[s + i] = mu[s + i] + noise;
        }
    }
}

void lk_gaussian_rsample_backward(const float *log_scale, const float *eps, const float *gz, float *gs,
                                  float *geps, long n) {
    for (long s = 0; s < n; s += BLOCK) {
        const long m = n - s < BLOCK ? n - s : BLOCK;
        float sigma[BLOCK];
        lk_vexp(log_scale + s, sigma, m);
        for (long i = 0; i < m; i++) gs[s + i] = gz[s + i] * (sigma[i] * eps[s + i]);
        if (geps)
            for (long i = 0; i < m; i++) geps[s + i] = gz[s + i] * sigma[i];
    }
}

void lk_gaussian_kl_standard(const float *mu, const float *log_scale, float *y, long n) {
    for (long s = 0; s < n; s += BLOCK) {
        const long m = n - s < BLOCK ? n - s : BLOCK;
        float var[BLOCK];
        for (long i = 0; i < m; i++) var[i] = log_scale[s + i] * 2.0f;
        lk_vexp(var, var, m);
        for (long i = 0; i < m; i++) {
            const float square = mu[s + i] * mu[s + i];
            const float sum = square + var[i];
            y[s + i] = (sum - 1.0f) * 0.5f - log_scale[s + i];
        }
    }
}

void lk_gaussian_kl_standard_backward(const float *mu, const float *log_scale, const float *gy, float *gmu,
                                      float *gs, long n) {
    for (long s = 0; s < n; s += BLOCK) {
        const long m = n - s < BLOCK ? n - s : BLOCK;
        float var[BLOCK];
        for (long i = 0; i < m; i++) var[i] = log_scale[s + i] * 2.0f;
        lk_vexp(var, var, m);
        for (long i = 0; i < m; i++) {
            gmu[s + i] = gy[s + i] * mu[s + i];
            gs[s + i] = gy[s + i] * (var[i] - 1.0f);
        }
    }
}
