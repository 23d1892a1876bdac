#ifndef LK_OPTIM_H
#define LK_OPTIM_H

/// One SGD update of n parameters, PyTorch's rule: g ← grad + wd·p; with momentum μ,
/// buf ← g on the first step, else μ·buf + (1 − dampening)·g; then g ← g + μ·buf (Nesterov)
/// or g ← buf; finally p ← p − lr·g. `buf` may be NULL when μ = 0.
void lk_sgd_update(float *p, const float *grad, float *buf, long n, float lr, float momentum,
                   float dampening, float weight_decay, int nesterov, int first_step);

/// One Adam/AdamW update of n parameters (Kingma & Ba; Loshchilov & Hutter), PyTorch's rule:
///   AdamW (decoupled != 0): p ← p·(1 − lr·wd);  Adam: g ← grad + wd·p
///   m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²
///   p ← p − (lr / bc1) · m / (√v / √bc2 + ε),  bc_i = 1 − β_iᵗ (bias corrections for step t).
void lk_adam_update(float *p, const float *grad, float *m, float *v, long n, float lr, float beta1,
                    float beta2, float eps, float weight_decay, int decoupled, float bc1, float bc2);

#endif
