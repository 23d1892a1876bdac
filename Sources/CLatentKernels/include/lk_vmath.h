#ifndef LK_VMATH_H
#define LK_VMATH_H

/// Vectorized transcendental functions, y[i] = f(x[i]) for i < n. x and y may alias (in place).
/// Each picks AVX-512 / AVX2+FMA / portable code once at run time. The maximum error of each,
/// measured over its whole domain, is stated beside its definition and checked by the tests.
void lk_vexp(const float *x, float *y, long n);
void lk_vlog(const float *x, float *y, long n);          /// log(x); -inf at 0, NaN below 0
void lk_vlog1p(const float *x, float *y, long n);        /// log(1 + x), accurate for tiny x
void lk_vtanh(const float *x, float *y, long n);
void lk_vsigmoid(const float *x, float *y, long n);      /// 1 / (1 + exp(-x))
void lk_vsoftplus(const float *x, float *y, long n);     /// log(1 + exp(x)), no overflow
void lk_vlogsigmoid(const float *x, float *y, long n);   /// log σ(x) = -softplus(-x), no underflow to -inf
void lk_verf(const float *x, float *y, long n);          /// error function (for exact GELU)

#endif
