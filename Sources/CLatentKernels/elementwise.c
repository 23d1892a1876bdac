// Elementwise kernels: broadcasting binary ops, unary ops and their derivatives, strided copies.
// Plain C loops that the compiler vectorizes; transcendental functions go to the dispatched
// vector routines in vmath.c.
#include "lk_elementwise.h"
#include "lk_vmath.h"
#include <math.h>
#include <string.h>

#define LK_MAX_NDIM 16

// One inner row of a binary op: y[i] = a[i*sa] ∘ b[i*sb]. The three stride patterns that occur
// in practice (both contiguous, one broadcast scalar) get their own loops so they vectorize.
#define ROW_LOOP(EXPR)                                                              \
    if (sa == 1 && sb == 1) { for (long i = 0; i < n; i++) { float u = a[i], v = b[i]; y[i] = (EXPR); } } \
    else if (sa == 1 && sb == 0) { float v = b[0]; for (long i = 0; i < n; i++) { float u = a[i]; y[i] = (EXPR); } } \
    else if (sa == 0 && sb == 1) { float u = a[0]; for (long i = 0; i < n; i++) { float v = b[i]; y[i] = (EXPR); } } \
    else { for (long i = 0; i < n; i++) { float u = a[i * sa], v = b[i * sb]; y[i] = (EXPR); } }

static void binary_row(lk_binary_op op, long n, const float *a, long sa, const float *b, long sb, float *y) {
    switch (op) {
    case LK_ADD: ROW_LOOP(u + v) break;
    case LK_SUB: ROW_LOOP(u - v) break;
    case LK_MUL: ROW_LOOP(u * v) break;
    case LK_DIV: ROW_LOOP(u / v) break;
    // max/min propagate NaN like torch.maximum (fmaxf would drop it).
    case LK_MAX: ROW_LOOP((u != u || v != v) ? (u + v) : (u > v ? u : v)) break;
    case LK_MIN: ROW_LOOP((u != u || v != v) ? (u + v) : (u < v ? u : v)) break;
    case LK_POW: ROW_LOOP(powf(u, v)) break;
    case LK_EQ: ROW_LOOP(u == v ? 1.0f : 0.0f) break;
    case LK_NE: ROW_LOOP(u != v ? 1.0f : 0.0f) break;
    case LK_LT: ROW_LOOP(u < v ? 1.0f : 0.0f) break;
    case LK_LE: ROW_LOOP(u <= v ? 1.0f : 0.0f) break;
    case LK_GT: ROW_LOOP(u > v ? 1.0f : 0.0f) break;
    case LK_GE: ROW_LOOP(u >= v ? 1.0f : 0.0f) break;
    }
}

void lk_binary(lk_binary_op op, int ndim, const long *shape,
               const float *a, const long *stride_a, const float *b, const long *stride_b, float *y) {
    long n = shape[ndim - 1];
    long rows = 1;
    for (int d = 0; d < ndim - 1; d++) rows *= shape[d];
    if (n == 0 || rows == 0) return;
    long idx[LK_MAX_NDIM] = {0};
    long off_a = 0, off_b = 0;
    for (long r = 0; r < rows; r++) {
        binary_row(op, n, a + off_a, stride_a[ndim - 1], b + off_b, stride_b[ndim - 1], y + r * n);
        // Odometer increment over the outer axes.
        for (int d = ndim - 2; d >= 0; d--) {
            idx[d]++;
            off_a += stride_a[d];
            off_b += stride_b[d];
            if (idx[d] < shape[d]) break;
            off_a -= stride_a[d] * shape[d];
            off_b -= stride_b[d] * shape[d];
            idx[d] = 0;
        }
    }
}

#define EACH(EXPR) for (long i = 0; i < n; i++) { float v = x[i]; y[i] = (EXPR); }

void lk_unary(lk_unary_op op, const float *x, float *y, long n, float p, float q) {
    switch (op) {
    case LK_NEG: EACH(-v) break;
    case LK_ABS: EACH(fabsf(v)) break;
    case LK_SQUARE: EACH(v * v) break;
    case LK_SQRT: EACH(sqrtf(v)) break;
    case LK_RECIPROCAL: EACH(1.0f / v) break;
    case LK_RELU: EACH(v > 0.0f ? v : (v != v ? v : 0.0f)) break;
    case LK_LEAKY_RELU: EACH(v > 0.0f ? v : p * v) break;
    case LK_ELU: EACH(v > 0.0f ? v : p * expm1f(v)) break;
    case LK_GELU: {
        // Exact GELU: x·Φ(x) = x/2 · (1 + erf(x/√2)), evaluated in chunks through the vector erf.
        float t[256];
        for (long s = 0; s < n; s += 256) {
            long m = n - s < 256 ? n - s : 256;
            for (long i = 0; i < m; i++) t[i] = x[s + i] * 0.70710678118654752f;
            lk_verf(t, t, m);
            for (long i = 0; i < m; i++) y[s + i] = 0.5f * x[s + i] * (1.0f + t[i]);
        }
        break;
    }
    case LK_CLAMP: EACH(v < p ? p : (v > q ? q : v)) break;
    case LK_POWS: EACH(powf(v, p)) break;
    case LK_SIGN: EACH(v > 0.0f ? 1.0f : (v < 0.0f ? -1.0f : v)) break;
    case LK_AFFINE: EACH(p * v + q) break;
    case LK_EXP: lk_vexp(x, y, n); break;
    case LK_LOG: lk_vlog(x, y, n); break;
    case LK_LOG1P: lk_vlog1p(x, y, n); break;
    case LK_TANH: lk_vtanh(x, y, n); break;
    case LK_SIGMOID: lk_vsigmoid(x, y, n); break;
    case LK_SOFTPLUS: lk_vsoftplus(x, y, n); break;
    case LK_LOGSIGMOID: lk_vlogsigmoid(x, y, n); break;
    }
}

#define GRAD(EXPR) for (long i = 0; i < n; i++) { float v = x[i], w = y[i], g = gy[i]; (void)v; (void)w; gx[i] = (EXPR); }

// gx = gy · s(±x) where s is the logistic sigmoid, chunked through the vector sigmoid.
static void times_sigmoid(const float *x, const float *gy, float *gx, long n, float sign) {
    float t[256];
    for (long s = 0; s < n; s += 256) {
        long m = n - s < 256 ? n - s : 256;
        for (long i = 0; i < m; i++) t[i] = sign * x[s + i];
        lk_vsigmoid(t, t, m);
        for (long i = 0; i < m; i++) gx[s + i] = gy[s + i] * t[i];
    }
}

void lk_unary_backward(lk_unary_op op, const float *x, const float *y, const float *gy, float *gx,
                       long n, float p, float q) {
    switch (op) {
    case LK_NEG: GRAD(-g) break;
    case LK_ABS: GRAD(v > 0.0f ? g : (v < 0.0f ? -g : 0.0f)) break;
    case LK_SQUARE: GRAD(2.0f * v * g) break;
    case LK_SQRT: GRAD(g / (2.0f * w)) break;
    case LK_RECIPROCAL: GRAD(-g * w * w) break;
    case LK_RELU: GRAD(v > 0.0f ? g : 0.0f) break;
    case LK_LEAKY_RELU: GRAD(v > 0.0f ? g : p * g) break;
    case LK_ELU: GRAD(v > 0.0f ? g : g * (w + p)) break;  // d/dx α(eˣ−1) = y + α
    case LK_GELU: {
        // d/dx x·Φ(x) = Φ(x) + x·φ(x).
        float t[256];
        for (long s = 0; s < n; s += 256) {
            long m = n - s < 256 ? n - s : 256;
            for (long i = 0; i < m; i++) t[i] = x[s + i] * 0.70710678118654752f;
            lk_verf(t, t, m);
            for (long i = 0; i < m; i++) {
                float v = x[s + i];
                float pdf = 0.39894228040143268f * expf(-0.5f * v * v);
                gx[s + i] = gy[s + i] * (0.5f * (1.0f + t[i]) + v * pdf);
            }
        }
        break;
    }
    case LK_CLAMP: GRAD((v >= p && v <= q) ? g : 0.0f) break;
    case LK_POWS: GRAD(p == 0.0f ? 0.0f : g * p * powf(v, p - 1.0f)) break;
    case LK_SIGN: GRAD(0.0f) break;
    case LK_AFFINE: GRAD(g * p) break;
    case LK_EXP: GRAD(g * w) break;
    case LK_LOG: GRAD(g / v) break;
    case LK_LOG1P: GRAD(g / (1.0f + v)) break;
    case LK_TANH: GRAD(g * (1.0f - w * w)) break;
    case LK_SIGMOID: GRAD(g * w * (1.0f - w)) break;
    case LK_SOFTPLUS: times_sigmoid(x, gy, gx, n, 1.0f); break;
    case LK_LOGSIGMOID: times_sigmoid(x, gy, gx, n, -1.0f); break;
    }
    (void)q;
}

void lk_strided_copy(int ndim, const long *shape, const float *src, const long *stride, float *dst) {
    if (ndim == 0) { dst[0] = src[0]; return; }
    long n = shape[ndim - 1], s = stride[ndim - 1];
    long rows = 1;
    for (int d = 0; d < ndim - 1; d++) rows *= shape[d];
    if (n == 0 || rows == 0) return;
    long idx[LK_MAX_NDIM] = {0};
    long off = 0;
    for (long r = 0; r < rows; r++) {
        const float *row = src + off;
        float *out = dst + r * n;
        if (s == 1) memcpy(out, row, (size_t)n * sizeof(float));
        else if (s == 0) { float v = row[0]; for (long i = 0; i < n; i++) out[i] = v; }
        else for (long i = 0; i < n; i++) out[i] = row[i * s];
        for (int d = ndim - 2; d >= 0; d--) {
            idx[d]++;
            off += stride[d];
            if (idx[d] < shape[d]) break;
            off -= stride[d] * shape[d];
            idx[d] = 0;
        }
    }
}

void lk_strided_add(int ndim, const long *shape, const float *src, float *dst, const long *stride) {
    if (ndim == 0) { dst[0] += src[0]; return; }
    long n = shape[ndim - 1], s = stride[ndim - 1];
    long rows = 1;
    for (int d = 0; d < ndim - 1; d++) rows *= shape[d];
    if (n == 0 || rows == 0) return;
    long idx[LK_MAX_NDIM] = {0};
    long off = 0;
    for (long r = 0; r < rows; r++) {
        const float *in = src + r * n;
        float *row = dst + off;
        for (long i = 0; i < n; i++) row[i * s] += in[i];
        for (int d = ndim - 2; d >= 0; d--) {
            idx[d]++;
            off += stride[d];
            if (idx[d] < shape[d]) break;
            off -= stride[d] * shape[d];
            idx[d] = 0;
        }
    }
}

void lk_axpy(long n, float alpha, const float *x, float *y) {
    for (long i = 0; i < n; i++) y[i] += alpha * x[i];
}

void lk_fill(float *y, long n, float value) {
    for (long i = 0; i < n; i++) y[i] = value;
}
