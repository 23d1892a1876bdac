import CLatentKernels

/// 2-d convolution and transposed convolution (groups = 1) through im2col + matrix multiply, or,
/// when the image has enough channels, the implicit-GEMM path of `ConvolutionPatches`.
///
/// Images are `[N, C, H, W]`. A convolution of one image is `W[O, C·kh·kw] · im2col(x)[C·kh·kw, L]`
/// with L = outH·outW output positions; the transposed convolution is its adjoint with respect to
/// the input. Images of a batch are spread over threads.
public enum Convolution {
    /// Output size of a convolution along one axis: ⌊(n + 2p − d(k − 1) − 1) / s⌋ + 1.
    public static func outputSize(_ n: Int, kernel k: Int, stride s: Int, padding p: Int, dilation d: Int) -> Int {
        (n + 2 * p - d * (k - 1) - 1) / s + 1
    }

    /// Output size of a transposed convolution along one axis: (n − 1)s − 2p + d(k − 1) + outputPadding + 1.
    public static func transposedOutputSize(_ n: Int, kernel k: Int, stride s: Int, padding p: Int,
                                            dilation d: Int, outputPadding op: Int) -> Int {
        (n - 1) * s - 2 * p + d * (k - 1) + op + 1
    }
}

/// Geometry of one im2col: image channels × height × width, kernel, and the column matrix size.
struct ConvGeometry {
    let channels: Int, height: Int, width: Int
    let kh: Int, kw: Int
    let stride: Size2D, padding: Size2D, dilation: Size2D
    /// Rows of the column matrix (channels·kh·kw) and columns (output positions).
    var rows: Int { channels * kh * kw }
    var positions: Int {
        Convolution.outputSize(height, kernel: kh, stride: stride.h, padding: padding.h, dilation: dilation.h)
            * Convolution.outputSize(width, kernel: kw, stride: stride.w, padding: padding.w, dilation: dilation.w)
    }

    /// The columns of `images` images `[images, channels, height, width]` side by side in one
    /// `[rows, images·positions]` matrix; channels (or, when there are fewer channels than threads,
    /// images) are split over threads.
    func im2col(batch x: UnsafePointer<Float>, images: Int, _ cols: UnsafeMutablePointer<Float>) {
        let (l, image) = (positions, channels * height * width)
        split(images) { n0, n1, c0, c1 in
            lk_im2col_batch(x + n0 * image, n1 - n0, channels, height, width, kh, kw, padding.h, padding.w, stride.h, stride.w,
                            dilation.h, dilation.w, cols + n0 * l, images * l, c0, c1)
        }
    }

    /// Zeroes the images `[images, channels, height, width]`, then accumulates the columns
    /// `[rows, images·positions]` into them (the adjoint of `im2col(batch:)`).
    func col2im(batch cols: UnsafePointer<Float>, images: Int, _ x: UnsafeMutablePointer<Float>) {
        let (l, plane, image) = (positions, height * width, channels * height * width)
        split(images) { n0, n1, c0, c1 in
            for n in n0..<n1 { lk_fill(x + n * image + c0 * plane, (c1 - c0) * plane, 0) }
            lk_col2im_batch(cols + n0 * l, n1 - n0, channels, height, width, kh, kw, padding.h, padding.w, stride.h, stride.w,
                            dilation.h, dilation.w, x + n0 * image, images * l, c0, c1)
        }
    }

    /// Calls `body(n0, n1, c0, c1)` on disjoint blocks of images × channels, one per thread.
    private func split(_ images: Int, _ body: (Int, Int, Int, Int) -> Void) {
        if channels >= Threads.count || channels >= images {
            parallelBlocks(channels) { r in body(0, images, r.lowerBound, r.upperBound) }
        } else {
            parallelBlocks(images) { r in body(r.lowerBound, r.upperBound, 0, channels) }
        }
    }
}

/// Runs `body(range)` over contiguous blocks of `0..<n` on up to `Threads.count` threads.
func parallelBlocks(_ n: Int, _ body: (Range<Int>) -> Void) {
    let threads = Swift.max(1, Swift.min(Threads.count, n))
    let per = (n + threads - 1) / Swift.max(threads, 1)
    Threads.parallelFor(threads) { t in
        let r = (t * per)..<Swift.min(n, (t + 1) * per)
        if !r.isEmpty { body(r) }
    }
}

/// Images per pass when the columns are not kept for backward: at most 16 MB of columns.
func imagesPerPass(_ n: Int, columnFloatsPerImage: Int) -> Int {
    Swift.max(1, Swift.min(n, (1 << 22) / Swift.max(columnFloatsPerImage, 1)))
}

/// The batch is one matrix product: the columns of all N images sit side by side in one
/// `[C·kh·kw, N·L]` matrix, so the weight multiplies them in a single (threaded) product of
/// N·L columns instead of N small ones, and the output `[O, N·L]` has its two outer axes swapped
/// into `[N, O, L]`. The weight gradient is one product over all N·L positions as well.
extension Tensor {
    /// 2-d cross-correlation (PyTorch's `conv2d`, groups = 1).
    /// - Parameters:
    ///   - weight: `[outChannels, inChannels, kh, kw]`.
    ///   - bias: `[outChannels]`, optional.
    /// - Returns: `[N, outChannels, outH, outW]`, with out sizes from `Convolution.outputSize`.
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: Size2D = 1, padding: Size2D = 0, dilation: Size2D = 1) -> Tensor {
        convolve(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, relu: false)
    }

    /// max(0, conv2d(…)) as one op where the implicit-GEMM path runs (the ReLU applied by the
    /// product as it stores each tile, and its gradient mask taken once); elsewhere conv2d then relu.
    public func conv2dReLU(weight: Tensor, bias: Tensor? = nil, stride: Size2D = 1, padding: Size2D = 0, dilation: Size2D = 1) -> Tensor {
        convolve(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, relu: true)
    }

    private func convolve(weight: Tensor, bias: Tensor?, stride: Size2D, padding: Size2D, dilation: Size2D, relu: Bool) -> Tensor {
        require(rank == 4, "conv2d: input must be [N, C, H, W], got shape \(shape)")
        require(weight.rank == 4 && weight.shape[1] == shape[1],
                     "conv2d: weight must be [outChannels, \(shape[1]), kh, kw] for input \(shape), got \(weight.shape)")
        require(stride.h > 0 && stride.w > 0 && dilation.h > 0 && dilation.w > 0 && padding.h >= 0 && padding.w >= 0,
                     "conv2d: stride \(stride) and dilation \(dilation) must be positive, padding \(padding) non-negative")
        let (n, o) = (shape[0], weight.shape[0])
        let geo = ConvGeometry(channels: shape[1], height: shape[2], width: shape[3], kh: weight.shape[2], kw: weight.shape[3],
                               stride: stride, padding: padding, dilation: dilation)
        let oh = Convolution.outputSize(geo.height, kernel: geo.kh, stride: stride.h, padding: padding.h, dilation: dilation.h)
        let ow = Convolution.outputSize(geo.width, kernel: geo.kw, stride: stride.w, padding: padding.w, dilation: dilation.w)
        require(oh > 0 && ow > 0, "conv2d: kernel \(geo.kh)×\(geo.kw) (dilation \(dilation)) does not fit input \(shape) with padding \(padding)")
        if let bias = bias { require(bias.shape == [o], "conv2d: bias must be [\(o)], got \(bias.shape)") }
        if ConvolutionPatches.usesPatches(channels: geo.channels, kw: geo.kw, dilationW: dilation.w) {
            return conv2dPatches(weight: weight, bias: bias, geo: geo, outH: oh, outW: ow, relu: relu)
        }
        if relu { return convolve(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, relu: false).relu() }
        let (rows, l) = (geo.rows, geo.positions)
        let imageSize = geo.channels * geo.height * geo.width
        let out = Tensor(uninitializedShape: [n, o, oh, ow])
        let record = Tensor.recording([self, weight] + (bias.map { [$0] } ?? []))
        // Columns of the images of one pass; all of them, kept for the weight gradient, when recording.
        let group = record ? n : imagesPerPass(n, columnFloatsPerImage: rows * l)
        let cols = Tensor(uninitializedShape: [rows, group * l])
        let product = Tensor(uninitializedShape: [o, group * l])
        let x = storage.pointer, w = weight.storage.pointer, c = cols.storage.pointer, y = out.storage.pointer
        for start in Swift.stride(from: 0, to: n, by: Swift.max(group, 1)) {
            let g = Swift.min(group, n - start)
            geo.im2col(batch: x + start * imageSize, images: g, c)
            Gemm.multiply(transA: false, transB: false, m: o, n: g * l, k: rows, a: w, b: c, c: product.storage.pointer)
            lk_swap_axes01(product.storage.pointer, o, g, l, y + start * o * l)
        }
        guard record else { return bias.map { out + $0.reshaped([o, 1, 1]) } ?? out }
        let weightT = weight.detached(), input = self, needX = node != nil, needW = weight.node != nil
        let conv = out.recorded("conv2d", [self, weight]) { g in
            // gY as [O, N·L], the layout of the forward product.
            let gyT = Tensor(uninitializedShape: [o, n * l])
            lk_swap_axes01(g.storage.pointer, n, o, l, gyT.storage.pointer)
            var gx: Tensor? = nil, gw: Tensor? = nil
            if needX {
                let dcols = Tensor(uninitializedShape: [rows, n * l])
                Gemm.multiply(transA: true, transB: false, m: rows, n: n * l, k: o, a: weightT.storage.pointer,
                              b: gyT.storage.pointer, c: dcols.storage.pointer)
                let gxT = Tensor(uninitializedShape: input.shape)
                geo.col2im(batch: dcols.storage.pointer, images: n, gxT.storage.pointer)
                gx = gxT
            }
            if needW {
                let t = Tensor(uninitializedShape: weightT.shape)
                Gemm.multiply(transA: false, transB: true, m: o, n: rows, k: n * l, a: gyT.storage.pointer,
                              b: cols.storage.pointer, c: t.storage.pointer)
                gw = t
            }
            return [gx, gw]
        }
        if let bias = bias { return conv + bias.reshaped([o, 1, 1]) }
        return conv
    }

    /// 2-d transposed convolution (PyTorch's `conv_transpose2d`, groups = 1): the gradient of
    /// `conv2d` with respect to its input, used to upsample in decoders.
    /// - Parameters:
    ///   - weight: `[inChannels, outChannels, kh, kw]` (PyTorch's layout).
    ///   - bias: `[outChannels]`, optional.
    ///   - outputPadding: extra rows/columns on the bottom/right (< stride or dilation) to pick among
    ///     the output sizes that map to the same input size.
    /// - Returns: `[N, outChannels, outH, outW]` with sizes from `Convolution.transposedOutputSize`.
    public func convTranspose2d(weight: Tensor, bias: Tensor? = nil, stride: Size2D = 1, padding: Size2D = 0,
                                outputPadding: Size2D = 0, dilation: Size2D = 1) -> Tensor {
        require(rank == 4, "convTranspose2d: input must be [N, C, H, W], got shape \(shape)")
        require(weight.rank == 4 && weight.shape[0] == shape[1],
                     "convTranspose2d: weight must be [\(shape[1]), outChannels, kh, kw] for input \(shape), got \(weight.shape)")
        require(stride.h > 0 && stride.w > 0 && dilation.h > 0 && dilation.w > 0 && padding.h >= 0 && padding.w >= 0,
                     "convTranspose2d: stride \(stride) and dilation \(dilation) must be positive, padding \(padding) non-negative")
        require(outputPadding.h >= 0 && outputPadding.w >= 0 &&
                     outputPadding.h < Swift.max(stride.h, dilation.h) && outputPadding.w < Swift.max(stride.w, dilation.w),
                     "convTranspose2d: outputPadding \(outputPadding) must be non-negative and smaller than stride \(stride) or dilation \(dilation)")
        let (n, cin, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let (cout, kh, kw) = (weight.shape[1], weight.shape[2], weight.shape[3])
        let oh = Convolution.transposedOutputSize(h, kernel: kh, stride: stride.h, padding: padding.h, dilation: dilation.h, outputPadding: outputPadding.h)
        let ow = Convolution.transposedOutputSize(w, kernel: kw, stride: stride.w, padding: padding.w, dilation: dilation.w, outputPadding: outputPadding.w)
        require(oh > 0 && ow > 0, "convTranspose2d: output size \(oh)×\(ow) is empty for input \(shape), kernel \(kh)×\(kw), padding \(padding)")
        if let bias = bias { require(bias.shape == [cout], "convTranspose2d: bias must be [\(cout)], got \(bias.shape)") }
        // The output image is the "input" of the adjoint convolution.
        let geo = ConvGeometry(channels: cout, height: oh, width: ow, kh: kh, kw: kw, stride: stride, padding: padding, dilation: dilation)
        let (rows, l) = (geo.rows, h * w)
        require(geo.positions == l, "convTranspose2d: internal geometry mismatch for input \(shape)")
        if ConvolutionPatches.usesPatches(channels: cout, kw: kw, dilationW: dilation.w) {
            return convTranspose2dPatches(weight: weight, bias: bias, geo: geo, inH: h, inW: w)
        }
        let outImage = cout * oh * ow
        let out = Tensor(uninitializedShape: [n, cout, oh, ow])
        let record = Tensor.recording(self, weight)
        // The input as [Cin, N·L] (kept for the weight gradient when recording) and the columns of one pass.
        let group = record ? n : imagesPerPass(n, columnFloatsPerImage: rows * l)
        let xT = Tensor(uninitializedShape: [cin, group * l])
        let cols = Tensor(uninitializedShape: [rows, group * l])
        let x = storage.pointer, wp = weight.storage.pointer, y = out.storage.pointer, c = cols.storage.pointer
        for start in Swift.stride(from: 0, to: n, by: Swift.max(group, 1)) {
            let g = Swift.min(group, n - start)
            lk_swap_axes01(x + start * cin * l, g, cin, l, xT.storage.pointer)
            Gemm.multiply(transA: true, transB: false, m: rows, n: g * l, k: cin, a: wp, b: xT.storage.pointer, c: c)
            geo.col2im(batch: c, images: g, y + start * outImage)
        }
        var result = out
        if record {
            let inputShape = shape, weightT = weight.detached(), needX = node != nil, needW = weight.node != nil
            result = out.recorded("convTranspose2d", [self, weight]) { g in
                let gy = g.storage.pointer
                let gcols = Tensor(uninitializedShape: [rows, n * l])
                geo.im2col(batch: gy, images: n, gcols.storage.pointer)
                var gx: Tensor? = nil, gw: Tensor? = nil
                if needX {
                    let gxT = Tensor(uninitializedShape: [cin, n * l])
                    Gemm.multiply(transA: false, transB: false, m: cin, n: n * l, k: rows, a: weightT.storage.pointer,
                                  b: gcols.storage.pointer, c: gxT.storage.pointer)
                    let t = Tensor(uninitializedShape: inputShape)
                    lk_swap_axes01(gxT.storage.pointer, cin, n, l, t.storage.pointer)
                    gx = t
                }
                if needW {
                    let t = Tensor(uninitializedShape: weightT.shape)
                    Gemm.multiply(transA: false, transB: true, m: cin, n: rows, k: n * l, a: xT.storage.pointer,
                                  b: gcols.storage.pointer, c: t.storage.pointer)
                    gw = t
                }
                return [gx, gw]
            }
        }
        if let bias = bias { return result + bias.reshaped([cout, 1, 1]) }
        return result
    }
}
