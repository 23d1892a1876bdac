// im2col / col2im. For each (channel, ki, kj) row of cols and each output row oh, the input
// column iw = ow·stride_w − pad_w + kj·dil_w is inside the image for ow in a range [lo, hi)
// computed once, so the padding becomes two zero runs (im2col) or is skipped (col2im) with no
// per-element test, and the middle is a memcpy when stride_w == 1. col2im walks exactly the same
// index pairs with += instead of =, which makes it the adjoint of im2col.
#include "lk_conv.h"
#include <string.h>

// ceil(a / b) for b > 0 and any sign of a.
static long ceil_div(long a, long b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

static long clamp(long v, long lo, long hi) { return v < lo ? lo : (v > hi ? hi : v); }

typedef struct {
    long out_h, out_w;
} conv_out;

static conv_out out_size(long height, long width, long kh, long kw, long pad_h, long pad_w,
                         long stride_h, long stride_w, long dil_h, long dil_w) {
    conv_out o = { (height + 2 * pad_h - dil_h * (kh - 1) - 1) / stride_h + 1,
                   (width + 2 * pad_w - dil_w * (kw - 1) - 1) / stride_w + 1 };
    return o;
}

void lk_im2col(const float *x, long channels, long height, long width,
               long kh, long kw, long pad_h, long pad_w, long stride_h, long stride_w,
               long dil_h, long dil_w, float *cols) {
    conv_out o = out_size(height, width, kh, kw, pad_h, pad_w, stride_h, stride_w, dil_h, dil_w);
    if (o.out_h <= 0 || o.out_w <= 0) return;
    for (long c = 0; c < channels; c++) {
        const float *xc = x + c * height * width;
        for (long ki = 0; ki < kh; ki++) {
            for (long kj = 0; kj < kw; kj++) {
                float *row = cols + ((c * kh + ki) * kw + kj) * o.out_h * o.out_w;
                long off_w = kj * dil_w - pad_w;   // iw = ow·stride_w + off_w
                long lo = clamp(ceil_div(-off_w, stride_w), 0, o.out_w);
                long hi = clamp(ceil_div(width - off_w, stride_w), lo, o.out_w);
                for (long oh = 0; oh < o.out_h; oh++) {
                    float *dst = row + oh * o.out_w;
                    long ih = oh * stride_h - pad_h + ki * dil_h;
                    if (ih < 0 || ih >= height) {
                        memset(dst, 0, (size_t)o.out_w * sizeof(float));
                        continue;
                    }
                    const float *src = xc + ih * width;
                    memset(dst, 0, (size_t)lo * sizeof(float));
                    if (stride_w == 1) {
                        memcpy(dst + lo, src + lo + off_w, (size_t)(hi - lo) * sizeof(float));
                    } else {
                        for (long ow = lo; ow < hi; ow++) dst[ow] = src[ow * stride_w + off_w];
                    }
                    memset(dst + hi, 0, (size_t)(o.out_w - hi) * sizeof(float));
                }
            }
        }
    }
}

void lk_col2im(const float *cols, long channels, long height, long width,
               long kh, long kw, long pad_h, long pad_w, long stride_h, long stride_w,
               long dil_h, long dil_w, float *x) {
    conv_out o = out_size(height, width, kh, kw, pad_h, pad_w, stride_h, stride_w, dil_h, dil_w);
    if (o.out_h <= 0 || o.out_w <= 0) return;
    for (long c = 0; c < channels; c++) {
        float *xc = x + c * height * width;
        for (long ki = 0; ki < kh; ki++) {
            for (long kj = 0; kj < kw; kj++) {
                const float *row = cols + ((c * kh + ki) * kw + kj) * o.out_h * o.out_w;
                long off_w = kj * dil_w - pad_w;
                long lo = clamp(ceil_div(-off_w, stride_w), 0, o.out_w);
                long hi = clamp(ceil_div(width - off_w, stride_w), lo, o.out_w);
                for (long oh = 0; oh < o.out_h; oh++) {
                    long ih = oh * stride_h - pad_h + ki * dil_h;
                    if (ih < 0 || ih >= height || lo >= hi) continue;
                    const float *src = row + oh * o.out_w;
                    float *dst = xc + ih * width + off_w + lo * stride_w;   // iw at ow = lo
                    for (long ow = lo; ow < hi; ow++) dst[(ow - lo) * stride_w] += src[ow];
                }
            }
        }
    }
}
