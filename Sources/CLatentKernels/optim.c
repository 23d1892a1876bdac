// Optimizer updates: one fused pass over each parameter tensor (parameter, gradient and state
// read once, written once), in the order of operations PyTorch uses so that trajectories match
// it to rounding. The loops are compiled per ISA (the compiler vectorizes them under each target
// attribute) and picked at run time like the vmath kernels.
#include "lk_optim.h"
#include "isa.h"
#include <math.h>

// sqrtf may set errno, which stops the vectorizer; the elementwise builtin has no side effect
// (v ≥ 0 here, so the two agree).
#if defined(__has_builtin) && __has_builtin(__builtin_elementwise_sqrt)
#define LK_SQRT(x) __builtin_elementwise_sqrt(x)
#else
#define LK_SQRT(x) sqrtf(x)
#endif

#define SGD_BODY                                                                        \
    for (long i = 0; i < n; i++) {                                                      \
        float g = grad[i];                                                              \
        if (weight_decay != 0.0f) g += weight_decay * p[i];                             \
        if (momentum != 0.0f) {                                                         \
            float b = first_step ? g : momentum * buf[i] + (1.0f - dampening) * g;      \
            buf[i] = b;                                                                 \
            g = nesterov ? g + momentum * b : b;                                        \
        }                                                                               \
        p[i] -= lr * g;                                                                 \
    }

// The two weight-decay forms are separate loops so that each vectorizes without a branch.
#define ADAM_BODY                                                                       \
    const float step_size = lr / bc1;                                                   \
    const float inv_sqrt_bc2 = 1.0f / sqrtf(bc2);                                       \
    const float decay = 1.0f - lr * weight_decay;                                       \
    const float l2 = decoupled ? 0.0f : weight_decay;                                   \
    const float keep = decoupled ? decay : 1.0f;                                        \
    for (long i = 0; i < n; i++) {                                                      \
        float w = p[i];                                                                 \
        float g = grad[i] + l2 * w;                                                     \
        float mi = beta1 * m[i] + (1.0f - beta1) * g;                                   \
        float vi = beta2 * v[i] + (1.0f - beta2) * g * g;                               \
        m[i] = mi;                                                                      \
        v[i] = vi;                                                                      \
        p[i] = w * keep - step_size * mi / (LK_SQRT(vi) * inv_sqrt_bc2 + eps);            \
    }

#define SGD_ARGS float *restrict p, const float *restrict grad, float *restrict buf, long n, float lr, \
                 float momentum, float dampening, float weight_decay, int nesterov, int first_step
#define ADAM_ARGS float *restrict p, const float *restrict grad, float *restrict m, float *restrict v, long n, \
                  float lr, float beta1, float beta2, float eps, float weight_decay, int decoupled, float bc1, float bc2

static void sgd_portable(SGD_ARGS) { SGD_BODY }
static void adam_portable(ADAM_ARGS) { ADAM_BODY }

#if defined(__x86_64__) || defined(_M_X64)
__attribute__((target("avx512f,avx512vl,avx2,fma"))) static void sgd_avx512(SGD_ARGS) { SGD_BODY }
__attribute__((target("avx2,fma"))) static void sgd_avx2(SGD_ARGS) { SGD_BODY }
__attribute__((target("avx512f,avx512vl,avx2,fma"))) static void adam_avx512(ADAM_ARGS) { ADAM_BODY }
__attribute__((target("avx2,fma"))) static void adam_avx2(ADAM_ARGS) { ADAM_BODY }
#endif

void lk_sgd_update(float *p, const float *grad, float *buf, long n, float lr, float momentum,
                   float dampening, float weight_decay, int nesterov, int first_step) {
#if defined(__x86_64__) || defined(_M_X64)
    switch (lk_isa_level()) {
    case 2: sgd_avx512(p, grad, buf, n, lr, momentum, dampening, weight_decay, nesterov, first_step); return;
    case 1: sgd_avx2(p, grad, buf, n, lr, momentum, dampening, weight_decay, nesterov, first_step); return;
    default: break;
    }
#endif
    sgd_portable(p, grad, buf, n, lr, momentum, dampening, weight_decay, nesterov, first_step);
}

void lk_adam_update(float *p, const float *grad, float *m, float *v, long n, float lr, float beta1,
                    float beta2, float eps, float weight_decay, int decoupled, float bc1, float bc2) {
#if defined(__x86_64__) || defined(_M_X64)
    switch (lk_isa_level()) {
    case 2: adam_avx512(p, grad, m, v, n, lr, beta1, beta2, eps, weight_decay, decoupled, bc1, bc2); return;
    case 1: adam_avx2(p, grad, m, v, n, lr, beta1, beta2, eps, weight_decay, decoupled, bc1, bc2); return;
    default: break;
    }
#endif
    adam_portable(p, grad, m, v, n, lr, beta1, beta2, eps, weight_decay, decoupled, bc1, bc2);
}
