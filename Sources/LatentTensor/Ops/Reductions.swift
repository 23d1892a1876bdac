import CLatentKernels

/// Reductions over any set of axes: sum, mean, max, min, logsumexp, variance, argmax.
///
/// Axes may be negative; `nil` means all axes. With `keepDims` the reduced axes stay as size 1,
/// which makes the result broadcast against the input.
extension Tensor {
    typealias ReduceKernel = (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, Int, Int) -> Void

    /// Resolves, sorts and de-duplicates axes for `op`.
    func reductionAxes(_ axes: [Int]?, _ op: String) -> [Int] {
        guard let axes = axes else { return Array(0..<rank) }
        return Array(Set(axes.map { Shape.axis($0, rank: rank, op: op) })).sorted()
    }

    /// The shape with the given (sorted) axes set to 1, or removed when `keepDims` is false.
    func reducedShape(_ axes: [Int], keepDims: Bool) -> [Int] {
        var s: [Int] = []
        for (d, n) in shape.enumerated() {
            if axes.contains(d) { if keepDims { s.append(1) } } else { s.append(n) }
        }
        return s
    }

    /// Runs `kernel` over each run of consecutive axes, last run first; returns the keep-dims result.
    static func reduceKernel(_ x: Tensor, axes: [Int], _ kernel: ReduceKernel) -> Tensor {
        var current = x
        var shape = x.shape
        var runs: [(Int, Int)] = []
        for a in axes {
            if let last = runs.last, last.1 == a - 1 { runs[runs.count - 1].1 = a } else { runs.append((a, a)) }
        }
        if runs.isEmpty { return x.detached() }
        for (start, end) in runs.reversed() {
            let outer = Shape.count(Array(shape[..<start]))
            let n = Shape.count(Array(shape[start...end]))
            let inner = Shape.count(Array(shape[(end + 1)...]))
            for d in start...end { shape[d] = 1 }
            let out = Tensor(uninitializedShape: shape)
            kernel(current.storage.pointer, out.storage.pointer, outer, n, inner)
            current = out
        }
        return current
    }

    /// Σ over `axes` (all when nil).
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let ax = reductionAxes(axes, "sum")
        let kept = Tensor.reduceKernel(self, axes: ax) { lk_reduce_sum_threads($0, $1, $2, $3, $4, Int32(clamping: Threads.count)) }
        var out = kept.reshaped(reducedShape(ax, keepDims: keepDims), recorded: false)
        if Tensor.recording(self) {
            let (inShape, keepShape) = (shape, kept.shape)
            out = out.recorded("sum", [self]) { g in [g.reshaped(keepShape, recorded: false).expanded(to: inShape)] }
        }
        return out
    }

    /// Σ over one axis.
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor { sum(axes: [axis], keepDims: keepDims) }

    /// Arithmetic mean over `axes` (all when nil).
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let ax = reductionAxes(axes, "mean")
        let n = ax.reduce(1) { $0 * shape[$1] }
        return sum(axes: ax, keepDims: keepDims) * (1 / Float(Swift.max(n, 1)))
    }

    /// Mean over one axis.
    public func mean(axis: Int, keepDims: Bool = false) -> Tensor { mean(axes: [axis], keepDims: keepDims) }

    /// Maximum over `axes`; NaN if any reduced element is NaN. The gradient is shared evenly by ties.
    public func max(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        extremum(axes, keepDims, "max") { lk_reduce_max($0, $1, $2, $3, $4) }
    }

    /// Maximum over one axis.
    public func max(axis: Int, keepDims: Bool = false) -> Tensor { max(axes: [axis], keepDims: keepDims) }

    /// Minimum over `axes`; NaN if any reduced element is NaN. The gradient is shared evenly by ties.
    public func min(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        extremum(axes, keepDims, "min") { lk_reduce_min($0, $1, $2, $3, $4) }
    }

    /// Minimum over one axis.
    public func min(axis: Int, keepDims: Bool = false) -> Tensor { min(axes: [axis], keepDims: keepDims) }

    private func extremum(_ axes: [Int]?, _ keepDims: Bool, _ op: String, _ kernel: @escaping ReduceKernel) -> Tensor {
        let ax = reductionAxes(axes, op)
        let kept = Tensor.reduceKernel(self, axes: ax, kernel)
        var out = kept.reshaped(reducedShape(ax, keepDims: keepDims), recorded: false)
        if Tensor.recording(self) {
            let x = detached()
            out = out.recorded(op, [self]) { g in
                let mask = Tensor.binaryKernel(x, kept, LK_EQ, op)
                let ties = Tensor.reduceKernel(mask, axes: ax) { lk_reduce_sum($0, $1, $2, $3, $4) }
                return [mask * (g.reshaped(kept.shape, recorded: false) / ties)]
            }
        }
        return out
    }

    /// log Σ exp(x) over `axes`, computed stably (shifted by the maximum).
    public func logSumExp(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let ax = reductionAxes(axes, "logSumExp")
        let kept = Tensor.reduceKernel(self, axes: ax) { lk_reduce_logsumexp($0, $1, $2, $3, $4) }
        var out = kept.reshaped(reducedShape(ax, keepDims: keepDims), recorded: false)
        if Tensor.recording(self) {
            let x = detached()
            out = out.recorded("logSumExp", [self]) { g in
                [(x - kept).exp() * g.reshaped(kept.shape, recorded: false)]
            }
        }
        return out
    }

    /// log Σ exp over one axis.
    public func logSumExp(axis: Int, keepDims: Bool = false) -> Tensor { logSumExp(axes: [axis], keepDims: keepDims) }

    /// Variance over `axes`: Σ(x − mean)² / (N − 1) when `unbiased`, else / N (the default, like NumPy).
    public func variance(axes: [Int]? = nil, keepDims: Bool = false, unbiased: Bool = false) -> Tensor {
        let ax = reductionAxes(axes, "variance")
        let n = ax.reduce(1) { $0 * shape[$1] }
        require(!unbiased || n > 1, "variance: an unbiased estimate needs at least 2 elements per reduction, got \(n) for shape \(shape)")
        let centered = self - mean(axes: ax, keepDims: true)
        return centered.square().sum(axes: ax, keepDims: keepDims) * (1 / Float(unbiased ? n - 1 : n))
    }

    /// Variance over one axis.
    public func variance(axis: Int, keepDims: Bool = false, unbiased: Bool = false) -> Tensor {
        variance(axes: [axis], keepDims: keepDims, unbiased: unbiased)
    }

    /// log softmax along `axis`: x − logΣexp(x). Stable for any magnitude.
    public func logSoftmax(axis: Int = -1) -> Tensor { self - logSumExp(axis: axis, keepDims: true) }

    /// softmax along `axis`: exp(x − logΣexp(x)).
    public func softmax(axis: Int = -1) -> Tensor { logSoftmax(axis: axis).exp() }

    /// Index of the first maximum along `axis` (as Float values; not differentiable).
    public func argmax(axis: Int, keepDims: Bool = false) -> Tensor {
        let a = Shape.axis(axis, rank: rank, op: "argmax")
        let outer = Shape.count(Array(shape[..<a])), n = shape[a], inner = Shape.count(Array(shape[(a + 1)...]))
        require(n > 0, "argmax: axis \(axis) of shape \(shape) is empty")
        var idx = [Int](repeating: 0, count: outer * inner)
        lk_reduce_argmax(storage.pointer, &idx, outer, n, inner)
        return Tensor(shape: reducedShape([a], keepDims: keepDims), scalars: idx.map { Float($0) })
    }

    /// Sums this tensor down to `target`, a shape it broadcasts from (the adjoint of broadcasting).
    public func sum(toShape target: [Int]) -> Tensor { sumToShape(target) }

    func sumToShape(_ target: [Int]) -> Tensor {
        if shape == target { return self }
        require(target.count <= rank, "sum(toShape:): cannot reduce shape \(shape) to the higher-rank \(target)")
        let lead = rank - target.count
        var axes = Array(0..<lead)
        for (i, n) in target.enumerated() {
            if n == 1 && shape[lead + i] != 1 { axes.append(lead + i) }
            else { require(n == shape[lead + i], "sum(toShape:): shape \(shape) does not broadcast from \(target)") }
        }
        return sum(axes: axes, keepDims: true).reshaped(target)
    }
}
