#ifndef LK_FUSED_H
#define LK_FUSED_H

/// Fused loss heads: what would otherwise be a chain of elementwise ops (each a pass over the
/// tensor and a fresh buffer), forward and backward, in one pass each.

/// Bernoulli log-likelihood from logits, elementwise: y[i] = x[i]·l[i] − softplus(l[i])
/// (= x·log σ(l) + (1 − x)·log(1 − σ(l)), stable for every finite l; x may be any real,
/// e.g. gray levels in [0, 1]). Same result as lk_binary(MUL) then lk_vsoftplus then SUB.
void lk_bernoulli_logits_logprob(const float *logits, const float *x, float *y, long n);

/// Its vector-Jacobian product: gl[i] = gy[i]·(x[i] − σ(l[i])) and, when gx is not NULL,
/// gx[i] = gy[i]·l[i].
void lk_bernoulli_logits_logprob_backward(const float *logits, const float *x, const float *gy,
                                          float *gl, float *gx, long n);

#endif
