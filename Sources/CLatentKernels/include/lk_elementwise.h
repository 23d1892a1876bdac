#ifndef LK_ELEMENTWISE_H
#define LK_ELEMENTWISE_H

/// Binary operations. Comparisons write 1.0 for true and 0.0 for false.
typedef enum {
    LK_ADD, LK_SUB, LK_MUL, LK_DIV, LK_MAX, LK_MIN, LK_POW,
    LK_EQ, LK_NE, LK_LT, LK_LE, LK_GT, LK_GE
} lk_binary_op;

/// y = a ∘ b over an n-d index space (ndim ≥ 1) with element strides for a and b (0 = broadcast).
/// y is contiguous with the given shape. The last axis is the inner loop.
void lk_binary(lk_binary_op op, int ndim, const long *shape,
               const float *a, const long *stride_a, const float *b, const long *stride_b, float *y);

/// Unary operations with up to two scalar parameters p, q (see each case in elementwise.c).
typedef enum {
    LK_NEG, LK_ABS, LK_SQUARE, LK_SQRT, LK_RECIPROCAL, LK_RELU, LK_LEAKY_RELU, LK_ELU,
    LK_GELU, LK_CLAMP, LK_POWS, LK_SIGN, LK_AFFINE,
    LK_EXP, LK_LOG, LK_LOG1P, LK_TANH, LK_SIGMOID, LK_SOFTPLUS, LK_LOGSIGMOID
} lk_unary_op;

/// y[i] = f(x[i]; p, q). x and y may alias.
///   LEAKY_RELU: p = negative slope.  ELU: p = alpha.  CLAMP: [p, q].  POWS: x^p.  AFFINE: p·x + q.
void lk_unary(lk_unary_op op, const float *x, float *y, long n, float p, float q);

/// Vector-Jacobian product of lk_unary: gx[i] = gy[i] · f'(x[i]). y = f(x) is passed because
/// several derivatives are cheapest in terms of the output (exp, tanh, sigmoid, sqrt).
void lk_unary_backward(lk_unary_op op, const float *x, const float *y, const float *gy, float *gx,
                       long n, float p, float q);

/// Copies an n-d strided view into contiguous dst: dst[i0,…,ik] = src[Σ i_j · stride_j].
/// Strides are in elements and may be 0 (broadcast). This one kernel implements permute,
/// expand, slicing and concatenation.
void lk_strided_copy(int ndim, const long *shape, const float *src, const long *stride, float *dst);

/// The adjoint of lk_strided_copy: dst[Σ i_j · stride_j] += src[i0,…,ik] for contiguous src.
/// Used to scatter gradients back through slices and index selections.
void lk_strided_add(int ndim, const long *shape, const float *src, float *dst, const long *stride);

/// y[i] += x[i] · alpha.
void lk_axpy(long n, float alpha, const float *x, float *y);

/// Fills y with value.
void lk_fill(float *y, long n, float value);

#endif
