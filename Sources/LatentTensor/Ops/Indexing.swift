import CLatentKernels

/// Selecting by index: indexSelect, gather, where; and cumulative sums and sorted search.
///
/// Indices are Float tensors holding whole numbers (exact up to 2²⁴), like labels and bins.
extension Tensor {
    /// The integer at flat position `i` of an index tensor, checked against `bound`.
    private func index(at i: Int, bound: Int, op: String) -> Int {
        let v = storage.pointer[i]
        let k = Int(exactly: v) ?? -1
        let j = k < 0 ? k + bound : k
        require(v.rounded() == v && j >= 0 && j < bound,
                     "\(op): index \(v) at flat position \(i) is not a whole number in \(-bound)..<\(bound)")
        return j
    }

    /// The slices `indices` along `axis`, in that order (repeats allowed). The gradient adds back
    /// into the selected slices.
    public func indexSelect(axis: Int, indices: [Int]) -> Tensor {
        let a = Shape.axis(axis, rank: rank, op: "indexSelect")
        let n = shape[a]
        let idx = indices.map { i -> Int in
            let j = i < 0 ? i + n : i
            require(j >= 0 && j < n, "indexSelect: index \(i) out of range for axis \(axis) of size \(n) (shape \(shape))")
            return j
        }
        let outer = Shape.count(Array(shape[..<a])), inner = Shape.count(Array(shape[(a + 1)...]))
        var outShape = shape
        outShape[a] = idx.count
        let out = Tensor(uninitializedShape: outShape)
        let src = storage.pointer, dst = out.storage.pointer
        if inner > 0 {
            for o in 0..<outer {
                for (j, i) in idx.enumerated() {
                    (dst + (o * idx.count + j) * inner).update(from: src + (o * n + i) * inner, count: inner)
                }
            }
        }
        guard Tensor.recording(self) else { return out }
        let inShape = shape
        return out.recorded("indexSelect", [self]) { g in
            let gx = Tensor.zeros(inShape)
            if inner > 0 {
                for o in 0..<outer {
                    for (j, i) in idx.enumerated() {
                        lk_axpy(inner, 1, g.storage.pointer + (o * idx.count + j) * inner, gx.storage.pointer + (o * n + i) * inner)
                    }
                }
            }
            return [gx]
        }
    }

    /// `indexSelect` with the indices held in a 1-d tensor.
    public func indexSelect(axis: Int, indices: Tensor) -> Tensor {
        require(indices.rank == 1, "indexSelect: indices must be 1-d, got shape \(indices.shape)")
        let n = shape[Shape.axis(axis, rank: rank, op: "indexSelect")]
        return indexSelect(axis: axis, indices: (0..<indices.count).map { indices.index(at: $0, bound: n, op: "indexSelect") })
    }

    /// PyTorch's gather: `out[…, j, …] = self[…, index[…, j, …], …]` along `axis`. `index` has
    /// the same rank and the same sizes on every other axis; the result has `index`'s shape.
    public func gather(axis: Int, index: Tensor) -> Tensor {
        let a = Shape.axis(axis, rank: rank, op: "gather")
        require(index.rank == rank, "gather: index has shape \(index.shape), expected rank \(rank) like the input \(shape)")
        for d in 0..<rank where d != a {
            require(index.shape[d] == shape[d], "gather: index shape \(index.shape) differs from input shape \(shape) on axis \(d) (only axis \(axis) may differ)")
        }
        let n = shape[a], m = index.shape[a]
        let outer = Shape.count(Array(shape[..<a])), inner = Shape.count(Array(shape[(a + 1)...]))
        var flat = [Int](repeating: 0, count: index.count)
        for i in 0..<index.count { flat[i] = index.index(at: i, bound: n, op: "gather") }
        let out = Tensor(uninitializedShape: index.shape)
        let src = storage.pointer, dst = out.storage.pointer
        for o in 0..<outer {
            for j in 0..<m {
                for i in 0..<inner {
                    let p = (o * m + j) * inner + i
                    dst[p] = src[(o * n + flat[p]) * inner + i]
                }
            }
        }
        guard Tensor.recording(self) else { return out }
        let inShape = shape
        return out.recorded("gather", [self]) { g in
            let gx = Tensor.zeros(inShape)
            let gp = g.storage.pointer, gxp = gx.storage.pointer
            for o in 0..<outer {
                for j in 0..<m {
                    for i in 0..<inner {
                        let p = (o * m + j) * inner + i
                        gxp[(o * n + flat[p]) * inner + i] += gp[p]
                    }
                }
            }
            return [gx]
        }
    }

    /// Elementwise choice: `a` where `condition` ≠ 0, else `b`; the three broadcast together.
    /// Gradients flow only to the chosen side (NaNs in the other side do not leak).
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        let shape = Shape.broadcast(Shape.broadcast(condition.shape, a.shape, op: "where"), b.shape, op: "where")
        let (m, x, y) = withoutGrad { (condition.expanded(to: shape), a.expanded(to: shape), b.expanded(to: shape)) }
        let out = Tensor(uninitializedShape: shape)
        let mask = Tensor(uninitializedShape: shape)
        for i in 0..<out.count {
            let take = m.storage.pointer[i] != 0
            mask.storage.pointer[i] = take ? 1 : 0
            out.storage.pointer[i] = take ? x.storage.pointer[i] : y.storage.pointer[i]
        }
        guard recording(a, b) else { return out }
        let (sa, sb, na, nb) = (a.shape, b.shape, a.node != nil, b.node != nil)
        return out.recorded("where", [a, b]) { g in
            [na ? (g * mask).sumToShape(sa) : nil, nb ? (g * (1 - mask)).sumToShape(sb) : nil]
        }
    }

    /// Running sum along `axis` (`reverse` sums from the end). The gradient is the reverse running sum.
    public func cumsum(axis: Int, reverse: Bool = false) -> Tensor {
        let a = Shape.axis(axis, rank: rank, op: "cumsum")
        let outer = Shape.count(Array(shape[..<a])), n = shape[a], inner = Shape.count(Array(shape[(a + 1)...]))
        let out = Tensor(uninitializedShape: shape)
        let src = storage.pointer, dst = out.storage.pointer
        for o in 0..<outer {
            for i in 0..<inner {
                var acc: Float = 0
                for step in 0..<n {
                    let j = reverse ? n - 1 - step : step
                    let p = (o * n + j) * inner + i
                    acc += src[p]
                    dst[p] = acc
                }
            }
        }
        guard Tensor.recording(self) else { return out }
        return out.recorded("cumsum", [self]) { g in [g.cumsum(axis: a, reverse: !reverse)] }
    }

    /// For each value, the insertion index into the ascending last axis of `sortedSequence` that
    /// keeps it sorted: the count of entries < value (or ≤ value when `right`), like
    /// `torch.searchsorted`. `sortedSequence` is 1-d, or `[..., K]` with the same leading shape as
    /// `values` `[..., M]`. Returns Float indices in 0...K; not differentiable.
    public static func searchsorted(_ sortedSequence: Tensor, _ values: Tensor, right: Bool = false) -> Tensor {
        let k = sortedSequence.shape.last ?? 0
        let rows: Int, m: Int
        if sortedSequence.rank == 1 {
            rows = 1
            m = values.count
        } else {
            require(values.rank == sortedSequence.rank && Array(values.shape.dropLast()) == Array(sortedSequence.shape.dropLast()),
                         "searchsorted: sorted sequence \(sortedSequence.shape) and values \(values.shape) must share every axis but the last (or the sequence must be 1-d)")
            rows = sortedSequence.count / Swift.max(k, 1)
            m = values.shape.last ?? 1
        }
        let out = Tensor(uninitializedShape: values.shape)
        let s = sortedSequence.storage.pointer, v = values.storage.pointer, o = out.storage.pointer
        for r in 0..<rows {
            let row = s + r * k
            for j in 0..<m {
                let x = v[r * m + j]
                var lo = 0, hi = k
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if right ? row[mid] <= x : row[mid] < x { lo = mid + 1 } else { hi = mid }
                }
                o[r * m + j] = Float(lo)
            }
        }
        return out
    }
}
