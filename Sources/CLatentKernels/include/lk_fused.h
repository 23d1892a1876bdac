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

/// The reparameterized Gaussian draw z[i] = μ[i] + exp(s[i])·ε[i] (s = log σ), and its
/// vector-Jacobian product with respect to s and ε: gs[i] = gz[i]·exp(s[i])·ε[i] and, when geps is
/// not NULL, geps[i] = gz[i]·exp(s[i]) (∂z/∂μ = 1 needs no kernel).
void lk_gaussian_rsample(const float *mu, const float *log_scale, const float *eps, float *z, long n);
void lk_gaussian_rsample_backward(const float *log_scale, const float *eps, const float *gz, float *gs,
                                  float *geps, long n);

/// KL(N(μ, σ²) ‖ N(0, 1)) per element, y[i] = ½(μ² + exp(2s) − 1) − s with s = log σ, and its
/// vector-Jacobian product: gmu[i] = gy[i]·μ[i], gs[i] = gy[i]·(exp(2s[i]) − 1).
void lk_gaussian_kl_standard(const float *mu, const float *log_scale, float *y, long n);
void lk_gaussian_kl_standard_backward(const float *mu, const float *log_scale, const float *gy, float *gmu,
                                      float *gs, long n);

#endif
