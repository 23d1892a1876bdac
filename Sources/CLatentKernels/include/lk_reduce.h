#ifndef LK_REDUCE_H
#define LK_REDUCE_H

/// Reductions over the middle axis of a contiguous array viewed as [outer, n, inner]:
///     y[o, i] = reduce_{j < n} x[o, j, i]      (y has outer × inner elements)
/// Summation is pairwise or blocked so that the error does not grow linearly with n.
void lk_reduce_sum(const float *x, float *y, long outer, long n, long inner);
/// lk_reduce_sum on up to `nthreads` threads of the kernels' pool (lk_pool_run_chunks): blocks of
/// outer slices, or (outer == 1) of 64-column strips, each summed exactly as lk_reduce_sum sums
/// it, so the result is bitwise the same for every thread count. Small sums stay on the caller.
void lk_reduce_sum_threads(const float *x, float *y, long outer, long n, long inner, int nthreads);
void lk_reduce_max(const float *x, float *y, long outer, long n, long inner);
void lk_reduce_min(const float *x, float *y, long outer, long n, long inner);
/// log Σ_j exp(x[o, j, i]), computed as m + log Σ exp(x − m) with m the max (stable; -inf if all -inf).
void lk_reduce_logsumexp(const float *x, float *y, long outer, long n, long inner);
/// Index of the (first) maximum along the middle axis, as a long per output element.
void lk_reduce_argmax(const float *x, long *y, long outer, long n, long inner);

/// Dot product and sum of a contiguous vector (accumulated in float with pairwise/blocked summation).
float lk_dot(const float *x, const float *y, long n);
float lk_sum(const float *x, long n);

/// How many of x[0..<n] are NaN or ±inf (exponent bits all ones); *first receives the index of the
/// first such element, or -1 when there is none. Used to refuse corrupt checkpoints on load.
long lk_count_nonfinite(const float *x, long n, long *first);

#endif
