import CLatentKernels

/// 2-d convolution and transposed convolution (groups = 1) through im2col + matrix multiply.
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

    func im2col(_ image: UnsafePointer<Float>, _ cols: UnsafeMutablePointer<Float>) {
        lk_im2col(image, channels, height, width, kh, kw, padding.h, padding.w, stride.h, stride.w, dilation.h, dilation.w, cols)
    }

    /// Zeroes `image`, then accumulates the columns into it.
    func col2im(_ cols: UnsafePointer<Float>, _ image: UnsafeMutablePointer<Float>) {
        lk_fill(image, channels * height * width, 0)
        lk_col2im(cols, channels, height, width, kh, kw, padding.h, padding.w, stride.h, stride.w, dilation.h, dilation.w, image)
    }
}

/// Runs `body(range, thread)` over contiguous blocks of `0..<n` on up to `Threads.count` threads.
func parallelBlocks(_ n: Int, _ body: (Range<Int>, Int) -> Void) -> Int {
    let threads = Swift.max(1, Swift.min(Threads.count, n))
    let per = (n + threads - 1) / Swift.max(threads, 1)
    Threads.parallelFor(threads) { t in
        let r = (t * per)..<Swift.min(n, (t + 1) * per)
        if !r.isEmpty { body(r, t) }
    }
    return threads
}

/// Sums `parts` buffers of `count` values laid end to end into the first one.
func reducePartials(_ p: UnsafeMutablePointer<Float>, parts: Int, count: Int) {
    for t in 1..<Swift.max(parts, 1) { lk_axpy(count, 1, p + t * count, p) }
}

extension Tensor {
    /// 2-d cross-correlation (PyTorch's `conv2d`, groups = 1).
    /// - Parameters:
    ///   - weight: `[outChannels, inChannels, kh, kw]`.
    ///   - bias: `[outChannels]`, optional.
    /// - Returns: `[N, outChannels, outH, outW]`, with out sizes from `Convolution.outputSize`.
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: Size2D = 1, padding: Size2D = 0, dilation: Size2D = 1) -> Tensor {
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
        let (rows, l) = (geo.rows, geo.positions)
        let imageSize = geo.channels * geo.height * geo.width
        let out = Tensor(uninitializedShape: [n, o, oh, ow])
        let record = Tensor.recording([self, weight] + (bias.map { [$0] } ?? []))
        // Columns of every image, kept for the weight gradient when recording.
        let cols = Tensor(uninitializedShape: record ? [n, rows, l] : [Swift.min(n, Threads.count), rows, l])
        let x = storage.pointer, w = weight.storage.pointer, c = cols.storage.pointer, y = out.storage.pointer
        _ = parallelBlocks(n) { range, t in
            for i in range {
                let col = c + (record ? i : t) * rows * l
                geo.im2col(x + i * imageSize, col)
                lk_sgemm(0, 0, o, l, rows, 1, w, rows, col, l, 0, y + i * o * l, l)
            }
        }
        guard record else { return bias.map { out + $0.reshaped([o, 1, 1]) } ?? out }
        let weightT = weight.detached(), input = self, needX = node != nil, needW = weight.node != nil
        let conv = out.recorded("conv2d", [self, weight]) { g in
            let gy = g.storage.pointer
            var gx: Tensor? = nil, gw: Tensor? = nil
            if needX {
                let gxT = Tensor(uninitializedShape: input.shape)
                let scratch = Tensor(uninitializedShape: [Swift.min(n, Threads.count), rows, l])
                _ = parallelBlocks(n) { range, t in
                    let dcol = scratch.storage.pointer + t * rows * l
                    for i in range {
                        lk_sgemm(1, 0, rows, l, o, 1, weightT.storage.pointer, rows, gy + i * o * l, l, 0, dcol, l)
                        geo.col2im(dcol, gxT.storage.pointer + i * imageSize)
                    }
                }
                gx = gxT
            }
            if needW {
                let partial = Tensor.zeros([Swift.min(n, Threads.count), o, rows])
                let parts = parallelBlocks(n) { range, t in
                    for i in range {
                        lk_sgemm(0, 1, o, rows, l, 1, gy + i * o * l, l, cols.storage.pointer + i * rows * l, l, 1,
                                 partial.storage.pointer + t * o * rows, rows)
                    }
                }
                reducePartials(partial.storage.pointer, parts: parts, count: o * rows)
                gw = partial.slice(axis: 0, from: 0, to: 1).reshaped(weightT.shape)
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
        let outImage = cout * oh * ow
        let out = Tensor(uninitializedShape: [n, cout, oh, ow])
        let scratch = Tensor(uninitializedShape: [Swift.min(n, Threads.count), rows, l])
        let x = storage.pointer, wp = weight.storage.pointer, y = out.storage.pointer
        _ = parallelBlocks(n) { range, t in
            let col = scratch.storage.pointer + t * rows * l
            for i in range {
                lk_sgemm(1, 0, rows, l, cin, 1, wp, rows, x + i * cin * l, l, 0, col, l)
                geo.col2im(col, y + i * outImage)
            }
        }
        let record = Tensor.recording(self, weight)
        var result = out
        if record {
            let input = detached(), weightT = weight.detached(), needX = node != nil, needW = weight.node != nil
            result = out.recorded("convTranspose2d", [self, weight]) { g in
                let gy = g.storage.pointer
                let cols = Tensor(uninitializedShape: [n, rows, l])
                _ = parallelBlocks(n) { range, _ in
                    for i in range { geo.im2col(gy + i * outImage, cols.storage.pointer + i * rows * l) }
                }
                var gx: Tensor? = nil, gw: Tensor? = nil
                if needX {
                    let t = Tensor(uninitializedShape: input.shape)
                    _ = parallelBlocks(n) { range, _ in
                        for i in range {
                            lk_sgemm(0, 0, cin, l, rows, 1, weightT.storage.pointer, rows, cols.storage.pointer + i * rows * l, l,
                                     0, t.storage.pointer + i * cin * l, l)
                        }
                    }
                    gx = t
                }
                if needW {
                    let partial = Tensor.zeros([Swift.min(n, Threads.count), cin, rows])
                    let parts = parallelBlocks(n) { range, t in
                        for i in range {
                            lk_sgemm(0, 1, cin, rows, l, 1, input.storage.pointer + i * cin * l, l, cols.storage.pointer + i * rows * l, l,
                                     1, partial.storage.pointer + t * cin * rows, rows)
                        }
                    }
                    reducePartials(partial.storage.pointer, parts: parts, count: cin * rows)
                    gw = partial.slice(axis: 0, from: 0, to: 1).reshaped(weightT.shape)
                }
                return [gx, gw]
            }
        }
        if let bias = bias { return result + bias.reshaped([cout, 1, 1]) }
        return result
    }
}
