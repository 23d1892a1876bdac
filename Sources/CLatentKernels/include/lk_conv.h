#ifndef LK_CONV_H
#define LK_CONV_H

/// im2col for one image: x is [channels, height, width] (contiguous). Writes cols as a
/// [channels·kh·kw, out_h·out_w] row-major matrix, where
///     out_h = (height + 2·pad_h − dil_h·(kh − 1) − 1) / stride_h + 1   (likewise out_w),
/// and entries that fall into the zero padding are 0.
void lk_im2col(const float *x, long channels, long height, long width,
               long kh, long kw, long pad_h, long pad_w, long stride_h, long stride_w,
               long dil_h, long dil_w, float *cols);

/// col2im: the adjoint of lk_im2col. ACCUMULATES (+=) cols back into x ([channels, height, width]);
/// the caller zeroes x first if it wants a plain result. Padding entries are dropped.
void lk_col2im(const float *cols, long channels, long height, long width,
               long kh, long kw, long pad_h, long pad_w, long stride_h, long stride_w,
               long dil_h, long dil_w, float *x);

/// im2col of a batch x [images, channels, height, width] into a [channels·kh·kw, ·] matrix whose
/// rows are `ld` apart (ld ≥ images·L, L = out_h·out_w; image n's columns at n·L of every row),
/// for the channels [c0, c1) only (their rows). Threads fill disjoint channels, or disjoint
/// images (offset x and cols, same ld).
void lk_im2col_batch(const float *x, long images, long channels, long height, long width,
                     long kh, long kw, long pad_h, long pad_w, long stride_h, long stride_w,
                     long dil_h, long dil_w, float *cols, long ld, long c0, long c1);

/// The adjoint of lk_im2col_batch for the channels [c0, c1): ACCUMULATES into those channels of x.
void lk_col2im_batch(const float *cols, long images, long channels, long height, long width,
                     long kh, long kw, long pad_h, long pad_w, long stride_h, long stride_w,
                     long dil_h, long dil_w, float *x, long ld, long c0, long c1);

/// Swaps the two outer axes of a contiguous [a, b, l] array: dst[j][i][:] = src[i][j][:] ([b, a, l]).
void lk_swap_axes01(const float *src, long a, long b, long l, float *dst);

/// Geometry of the patch matrix of channels-last images x [images, height, width, channels]:
///     P[(n, oy, ox), (ki, kj, c)] = x[n, oy·stride_h − pad_h + ki·dil_h, ox·stride_w − pad_w + kj·dil_w, c]
/// (0 outside the image), rows n·out_h·out_w + oy·out_w + ox, columns (ki·kw + kj)·channels + c.
/// out_h and out_w are the convolution's output size (see lk_im2col).
typedef struct {
    const float *x;
    long images, height, width, channels;
    long kh, kw, pad_h, pad_w, stride_h, stride_w, dil_h, dil_w;
    long out_h, out_w;
} lk_patches;

/// lk_matrix_rows fill function of a patch matrix (ctx is a const lk_patches *): writes
/// P[row, col0 … col0 + count) to dst. Thread-safe.
void lk_patches_fill(const void *ctx, long row, long col0, long count, float *dst);

/// The adjoint of the patch matrix: ACCUMULATES the rows of images [n0, n1) of a patch-shaped
/// matrix cols (row r at cols + r·ld, kh·kw·channels values) into the channels-last images x
/// (geometry from p; p->x is ignored). Calls on disjoint image ranges may run concurrently.
void lk_patches_accumulate(const lk_patches *p, const float *cols, long ld, long n0, long n1, float *x);

/// dst[b][j][i] = src[b][i][j] for `batch` contiguous [rows, cols] matrices (NCHW ↔ NHWC, and
/// kernel reorders), in cache-sized blocks.
void lk_transpose_batch(const float *src, long batch, long rows, long cols, float *dst);

#endif
