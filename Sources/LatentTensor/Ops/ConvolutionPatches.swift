import CLatentKernels

/// The implicit-GEMM path of `conv2d` and `convTranspose2d`: images are turned channels-last
/// (`[N, H, W, C]`) and the patch matrix P`[N·L, kh·kw·C]` is never stored: the GEMM gathers its
/// rows while it packs its panels (`lk_sgemm_ex_parallel` with `lk_patches_fill`). A patch row
/// is then `kh` runs of `kw·C` contiguous floats instead of `kh·kw·C` single gathers from strided
/// NCHW rows, and the 10–25 MB column matrices of the explicit path are neither written nor read
/// back. The input gradient of conv2d (and the forward of convTranspose2d) still forms a patch
/// matrix — the product writes it — and adds it into the image with the same runs
/// (`lk_patches_accumulate`). The bias is added in the product (conv2d) or preset in the image
/// (convTranspose2d), and its gradient is one column sum.
///
/// Used when the runs are long enough to pay for the layout changes (`usesPatches`): the first
/// layer of an MNIST encoder (1 channel) keeps the explicit im2col path.
enum ConvolutionPatches {
    /// Whether a convolution over images of `channels` channels (kernel width `kw`, dilation
    /// along w `dilationW`) takes this path: runs of at least 16 floats.
    static func usesPatches(channels: Int, kw: Int, dilationW: Int) -> Bool {
        channels * (dilationW == 1 ? kw : 1) >= 16
    }

    /// `[n, a, b]` → `[n, b, a]` for n contiguous matrices, images split over threads.
    static func transpose(_ src: UnsafePointer<Float>, batch n: Int, rows a: Int, cols b: Int, _ dst: UnsafeMutablePointer<Float>) {
        parallelBlocks(n) { r in
            lk_transpose_batch(src + r.lowerBound * a * b, r.count, a, b, dst + r.lowerBound * a * b)
        }
    }

    /// Runs `body` with the patch matrix of the channels-last images `x` as an implicit operand.
    static func withPatches<R>(_ x: UnsafePointer<Float>, images n: Int, _ geo: ConvGeometry, outH: Int, outW: Int,
                               _ body: (UnsafePointer<lk_matrix_rows>) -> R) -> R {
        var p = geometry(geo, images: n, outH: outH, outW: outW)
        p.x = x
        return withUnsafePointer(to: &p) { pp in
            var rows = lk_matrix_rows(fill: lk_patches_fill, ctx: UnsafeRawPointer(pp))
            return withUnsafePointer(to: &rows) { body($0) }
        }
    }

    static func geometry(_ geo: ConvGeometry, images n: Int, outH: Int, outW: Int) -> lk_patches {
        lk_patches(x: nil, images: n, height: geo.height, width: geo.width, channels: geo.channels,
                   kh: geo.kh, kw: geo.kw, pad_h: geo.padding.h, pad_w: geo.padding.w,
                   stride_h: geo.stride.h, stride_w: geo.stride.w, dil_h: geo.dilation.h, dil_w: geo.dilation.w,
                   out_h: outH, out_w: outW)
    }

    /// Zeroed (or bias-filled) channels-last images plus the patch-shaped `cols` added in.
    static func accumulate(_ cols: UnsafePointer<Float>, images n: Int, _ geo: ConvGeometry, outH: Int, outW: Int,
                           bias: UnsafePointer<Float>?, into x: UnsafeMutablePointer<Float>) {
        let p = geometry(geo, images: n, outH: outH, outW: outW)
        let pixels = geo.height * geo.width, c = geo.channels
        withUnsafePointer(to: p) { pp in parallelBlocks(n) { r in
            let start = x + r.lowerBound * pixels * c
            if let b = bias {
                for i in 0..<(r.count * pixels) { (start + i * c).update(from: b, count: c) }
            } else {
                lk_fill(start, r.count * pixels * c, 0)
            }
            lk_patches_accumulate(pp, cols, geo.rows, r.lowerBound, r.upperBound, x)
        } }
    }

    /// The gradient through a ReLU from its output y: g where y > 0, else 0.
    static func reluMask(_ g: Tensor, output y: Tensor) -> Tensor {
        let masked = Tensor(uninitializedShape: y.shape)
        let (yp, gp, mp) = (y.storage.pointer, g.storage.pointer, masked.storage.pointer)
        Threads.parallelChunks(y.count, grain: Threads.elementwiseGrain) { start, n in
            lk_unary_backward(LK_RELU, yp + start, yp + start, gp + start, mp + start, n, 0, 0)
        }
        return masked
    }

    /// The weight gradient of either convolution: G`[m, kh·kw·C]` = lhsᵀ·P with lhs `[N·L, m]` and P
    /// the implicit patch matrix (B operand), reordered from `[m, kh, kw, C]` to `[m, C, kh, kw]`.
    static func weightGradient(_ lhs: UnsafePointer<Float>, m: Int, patches: UnsafePointer<lk_matrix_rows>,
                               positions: Int, _ geo: ConvGeometry) -> Tensor {
        let (rows, taps) = (geo.rows, geo.kh * geo.kw)
        let reordered = Tensor(uninitializedShape: [m, rows])
        lk_sgemm_ex_parallel(1, 0, m, rows, positions, 1, lhs, m, nil, nil, 0, patches,
                             0, reordered.storage.pointer, rows, 0, Int32(clamping: Threads.count))
        let g = Tensor(uninitializedShape: [m, geo.channels, geo.kh, geo.kw])
        lk_transpose_batch(reordered.storage.pointer, m, taps, geo.channels, g.storage.pointer)
        return g
    }

    /// Column sums of a `[rows, cols]` matrix: the bias gradient.
    static func columnSums(_ m: UnsafePointer<Float>, rows: Int, cols: Int) -> Tensor {
        let t = Tensor(uninitializedShape: [cols])
        lk_reduce_sum_threads(m, t.storage.pointer, 1, rows, cols, Int32(clamping: Threads.count))
        return t
    }
}

extension Tensor {
    /// conv2d on the implicit-GEMM path (see `ConvolutionPatches`): Y`[N·L, O]` = P(x)·Wᵣᵀ + b with
    /// Wᵣ the weight reordered to `[O, kh, kw, C]`; backward dP = gY·Wᵣ added into the image,
    /// dWᵣ = gYᵀ·P(x), db = Σ gY.
    /// With `relu`, max(0, ·) is applied by the product's micro-kernel, and backward first keeps
    /// the gradient where the output is positive.
    func conv2dPatches(weight: Tensor, bias: Tensor?, geo: ConvGeometry, outH oh: Int, outW ow: Int, relu: Bool) -> Tensor {
        let (n, o, c, l, rows) = (shape[0], weight.shape[0], geo.channels, oh * ow, geo.rows)
        let (pixels, taps) = (geo.height * geo.width, geo.kh * geo.kw)
        let threads = Int32(clamping: Threads.count)
        let xh = Tensor(uninitializedShape: [n, geo.height, geo.width, c])
        ConvolutionPatches.transpose(storage.pointer, batch: n, rows: c, cols: pixels, xh.storage.pointer)
        let wr = Tensor(uninitializedShape: [o, geo.kh, geo.kw, c])
        lk_transpose_batch(weight.storage.pointer, o, c, taps, wr.storage.pointer)
        let yh = Tensor(uninitializedShape: [n * l, o])
        if let b = bias {
            let (y, bp) = (yh.storage.pointer, b.storage.pointer)
            parallelBlocks(n * l) { rows in for r in rows { (y + r * o).update(from: bp, count: o) } }
        }
        ConvolutionPatches.withPatches(xh.storage.pointer, images: n, geo, outH: oh, outW: ow) { patches in
            lk_sgemm_ex_parallel(0, 1, n * l, o, rows, 1, nil, 0, patches, wr.storage.pointer, rows, nil,
                                   bias == nil ? 0 : 1, yh.storage.pointer, o, relu ? 1 : 0, threads)
        }
        let out = Tensor(uninitializedShape: [n, o, oh, ow])
        ConvolutionPatches.transpose(yh.storage.pointer, batch: n, rows: l, cols: o, out.storage.pointer)
        let inputs = [self, weight] + (bias.map { [$0] } ?? [])
        guard Tensor.recording(inputs) else { return out }
        let inputShape = shape, needX = node != nil, needW = weight.node != nil, needB = bias?.node != nil
        let activated = relu ? out.detached() : nil
        return out.recorded(relu ? "conv2dReLU" : "conv2d", inputs) { incoming in
            let g = activated.map { ConvolutionPatches.reluMask(incoming, output: $0) } ?? incoming
            let gyh = Tensor(uninitializedShape: [n * l, o])
            ConvolutionPatches.transpose(g.storage.pointer, batch: n, rows: o, cols: l, gyh.storage.pointer)
            var grads: [Tensor?] = [nil, nil]
            if needX {
                let dp = Tensor(uninitializedShape: [n * l, rows])
                Gemm.multiply(transA: false, transB: false, m: n * l, n: rows, k: o, a: gyh.storage.pointer,
                              b: wr.storage.pointer, c: dp.storage.pointer)
                let gxh = Tensor(uninitializedShape: [n, geo.height, geo.width, c])
                ConvolutionPatches.accumulate(dp.storage.pointer, images: n, geo, outH: oh, outW: ow, bias: nil, into: gxh.storage.pointer)
                let gx = Tensor(uninitializedShape: inputShape)
                ConvolutionPatches.transpose(gxh.storage.pointer, batch: n, rows: pixels, cols: c, gx.storage.pointer)
                grads[0] = gx
            }
            if needW {
                grads[1] = ConvolutionPatches.withPatches(xh.storage.pointer, images: n, geo, outH: oh, outW: ow) { patches in
                    ConvolutionPatches.weightGradient(gyh.storage.pointer, m: o, patches: patches, positions: n * l, geo)
                }
            }
            if inputs.count == 3 {
                grads.append(needB ? ConvolutionPatches.columnSums(gyh.storage.pointer, rows: n * l, cols: o) : nil)
            }
            return grads
        }
    }

    /// convTranspose2d on the implicit-GEMM path: the columns xₕ·Wₜ (Wₜ the weight reordered to
    /// `[Cin, kh, kw, Cout]`) added into bias-filled channels-last output images; backward
    /// gx = P(gy)·Wₜᵀ, dWₜ = xₕᵀ·P(gy), db = Σ gy — P(gy) the patches of the output gradient.
    /// `geo` describes the output image (the adjoint convolution's input), `h`, `w` the input size.
    func convTranspose2dPatches(weight: Tensor, bias: Tensor?, geo: ConvGeometry, inH h: Int, inW w: Int) -> Tensor {
        let (n, cin, cout, l, rows) = (shape[0], shape[1], geo.channels, h * w, geo.rows)
        let (pixels, taps) = (geo.height * geo.width, geo.kh * geo.kw)
        let threads = Int32(clamping: Threads.count)
        let xh = Tensor(uninitializedShape: [n * l, cin])
        ConvolutionPatches.transpose(storage.pointer, batch: n, rows: cin, cols: l, xh.storage.pointer)
        let wt = Tensor(uninitializedShape: [cin, geo.kh, geo.kw, cout])
        lk_transpose_batch(weight.storage.pointer, cin, cout, taps, wt.storage.pointer)
        let cols = Tensor(uninitializedShape: [n * l, rows])
        Gemm.multiply(transA: false, transB: false, m: n * l, n: rows, k: cin, a: xh.storage.pointer,
                      b: wt.storage.pointer, c: cols.storage.pointer)
        let yh = Tensor(uninitializedShape: [n, geo.height, geo.width, cout])
        ConvolutionPatches.accumulate(cols.storage.pointer, images: n, geo, outH: h, outW: w,
                                      bias: bias?.storage.pointer, into: yh.storage.pointer)
        let out = Tensor(uninitializedShape: [n, cout, geo.height, geo.width])
        ConvolutionPatches.transpose(yh.storage.pointer, batch: n, rows: pixels, cols: cout, out.storage.pointer)
        let inputs = [self, weight] + (bias.map { [$0] } ?? [])
        guard Tensor.recording(inputs) else { return out }
        let inputShape = shape, needX = node != nil, needW = weight.node != nil, needB = bias?.node != nil
        return out.recorded("convTranspose2d", inputs) { g in
            let gyh = Tensor(uninitializedShape: [n, geo.height, geo.width, cout])
            ConvolutionPatches.transpose(g.storage.pointer, batch: n, rows: cout, cols: pixels, gyh.storage.pointer)
            var grads: [Tensor?] = [nil, nil]
            ConvolutionPatches.withPatches(gyh.storage.pointer, images: n, geo, outH: h, outW: w) { patches in
                if needX {
                    let gxh = Tensor(uninitializedShape: [n * l, cin])
                    lk_sgemm_ex_parallel(0, 1, n * l, cin, rows, 1, nil, 0, patches, wt.storage.pointer, rows, nil,
                                           0, gxh.storage.pointer, cin, 0, threads)
                    let gx = Tensor(uninitializedShape: inputShape)
                    ConvolutionPatches.transpose(gxh.storage.pointer, batch: n, rows: l, cols: cin, gx.storage.pointer)
                    grads[0] = gx
                }
                if needW {
                    grads[1] = ConvolutionPatches.weightGradient(xh.storage.pointer, m: cin, patches: patches, positions: n * l, geo)
                }
            }
            if inputs.count == 3 {
                grads.append(needB ? ConvolutionPatches.columnSums(gyh.storage.pointer, rows: n * pixels, cols: cout) : nil)
            }
            return grads
        }
    }
}
