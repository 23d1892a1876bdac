import CLatentKernels

/// The affine map of a fully connected layer, fused into one op.
extension Tensor {
    /// y = x·Wᵀ + b for `x` of shape `[..., in]`, `weight` `[out, in]` (PyTorch's layout, so
    /// checkpoints move between frameworks unchanged) and optional `bias` `[out]`; returns `[..., out]`.
    ///
    /// One transposed matrix multiply with the bias written first and accumulated into (no
    /// broadcast pass); backward: dx = dy·W, dW = dyᵀ·x, db = Σ_rows dy.
    public func linear(weight: Tensor, bias: Tensor? = nil) -> Tensor {
        affine(weight: weight, bias: bias, relu: false)
    }

    /// max(0, x·Wᵀ + b) in one op: the ReLU is applied by the matrix multiply's micro-kernel as it
    /// stores each finished tile (`lk_sgemm_ex_parallel`), so a hidden layer costs no separate
    /// activation pass or tensor. Backward masks the incoming gradient by y > 0 once, then runs
    /// `linear`'s products. Same values as `linear(weight:bias:).relu()`.
    public func linearReLU(weight: Tensor, bias: Tensor? = nil) -> Tensor {
        affine(weight: weight, bias: bias, relu: true)
    }

    private func affine(weight: Tensor, bias: Tensor?, relu: Bool) -> Tensor {
        require(weight.rank == 2, "linear: weight must be [out, in], got shape \(weight.shape)")
        let (outF, inF) = (weight.shape[0], weight.shape[1])
        require(rank >= 1 && shape[rank - 1] == inF,
                "linear: input \(shape) must end in \(inF) features to match weight \(weight.shape)")
        if let b = bias { require(b.shape == [outF], "linear: bias must be [\(outF)] for weight \(weight.shape), got \(b.shape)") }
        let rows = count / Swift.max(inF, 1)
        let outShape = Array(shape.dropLast()) + [outF]
        let out = Tensor(uninitializedShape: outShape)
        let y = out.storage.pointer
        if let b = bias {
            for r in 0..<rows { (y + r * outF).update(from: b.storage.pointer, count: outF) }
        }
        Gemm.multiply(transA: false, transB: true, m: rows, n: outF, k: inF,
                      a: storage.pointer, b: weight.storage.pointer, beta: bias == nil ? 0 : 1, c: y, relu: relu)
        let inputs = bias.map { [self, weight, $0] } ?? [self, weight]
        guard Tensor.recording(inputs) else { return out }
        let x = detached(), w = weight.detached(), activated = relu ? out.detached() : nil
        let (needX, needW, needB) = (node != nil, weight.node != nil, bias?.node != nil)
        return out.recorded(relu ? "linearReLU" : "linear", inputs) { incoming in
            // Through the ReLU first: the gradient passes where the output is positive.
            let g = activated.map { ConvolutionPatches.reluMask(incoming, output: $0) } ?? incoming
            var grads: [Tensor?] = [nil, nil]
            if needX {
                let gx = Tensor(uninitializedShape: x.shape)
                Gemm.multiply(transA: false, transB: false, m: rows, n: inF, k: outF,
                              a: g.storage.pointer, b: w.storage.pointer, c: gx.storage.pointer)
                grads[0] = gx
            }
            if needW {
                let gw = Tensor(uninitializedShape: [outF, inF])
                Gemm.multiply(transA: true, transB: false, m: outF, n: inF, k: rows,
                              a: g.storage.pointer, b: x.storage.pointer, c: gw.storage.pointer)
                grads[1] = gw
            }
            if inputs.count == 3 {
                var gb: Tensor? = nil
                if needB {
                    let t = Tensor(uninitializedShape: [outF])
                    lk_reduce_sum_threads(g.storage.pointer, t.storage.pointer, 1, rows, outF, Int32(clamping: Threads.count))
                    gb = t
                }
                grads.append(gb)
            }
            return grads
        }
    }
}
