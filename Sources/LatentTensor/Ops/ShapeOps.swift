import CLatentKernels

/// Reshaping and rearranging: reshape, squeeze/unsqueeze, flatten, expand, permute, transpose.
///
/// Tensors are always contiguous, so a reshape shares the buffer while permute and expand copy
/// through the strided-copy kernel.
extension Tensor {
    /// The same values under a new shape with the same element count. One size may be -1: it is inferred.
    public func reshaped(_ newShape: [Int]) -> Tensor { reshaped(newShape, recorded: true) }

    func reshaped(_ newShape: [Int], recorded: Bool) -> Tensor {
        var s = newShape
        if let i = s.firstIndex(of: -1) {
            let known = s.enumerated().reduce(1) { $1.offset == i ? $0 : $0 * $1.element }
            require(s.filter({ $0 == -1 }).count == 1 && known > 0 && count % known == 0,
                         "reshape: cannot infer the -1 in \(newShape) for \(count) elements (shape \(shape))")
            s[i] = count / known
        }
        require(s.allSatisfy { $0 >= 0 } && Shape.count(s) == count,
                     "reshape: cannot view shape \(shape) (\(count) elements) as \(newShape) (\(Shape.count(s.map { Swift.max($0, 0) })) elements)")
        if s == shape { return self }
        let out = Tensor(storage: storage, shape: s)
        guard recorded && Tensor.recording(self) else { return out }
        let old = shape
        return out.recorded("reshape", [self]) { g in [g.reshaped(old, recorded: false)] }
    }

    /// Inserts an axis of size 1 at `axis` (−1 appends).
    public func unsqueezed(axis: Int) -> Tensor {
        let a = Shape.axis(axis, rank: rank + 1, op: "unsqueeze")
        var s = shape
        s.insert(1, at: a)
        return reshaped(s)
    }

    /// Removes the size-1 axis `axis`, or every size-1 axis when `axis` is nil.
    public func squeezed(axis: Int? = nil) -> Tensor {
        guard let axis = axis else { return reshaped(shape.filter { $0 != 1 }) }
        let a = Shape.axis(axis, rank: rank, op: "squeeze")
        require(shape[a] == 1, "squeeze: axis \(axis) of shape \(shape) has size \(shape[a]), expected 1")
        var s = shape
        s.remove(at: a)
        return reshaped(s)
    }

    /// Merges axes `start...end` into one (by default everything after the batch axis: `[N, C, H, W]` → `[N, C·H·W]`).
    public func flattened(from start: Int = 1, to end: Int = -1) -> Tensor {
        if rank == 0 { return reshaped([1]) }
        let a = Shape.axis(start, rank: rank, op: "flatten"), b = Shape.axis(end, rank: rank, op: "flatten")
        require(a <= b, "flatten: start axis \(start) comes after end axis \(end) for shape \(shape)")
        return reshaped(Array(shape[..<a]) + [Shape.count(Array(shape[a...b]))] + Array(shape[(b + 1)...]))
    }

    /// Broadcasts to `target` (NumPy rules), copying values along stretched axes. The gradient sums them back.
    public func expanded(to target: [Int]) -> Tensor {
        if target == shape { return self }
        require(target.count >= rank, "expand: cannot expand shape \(shape) to the lower-rank \(target)")
        let lead = target.count - rank
        for (i, n) in shape.enumerated() {
            require(n == target[lead + i] || n == 1,
                         "expand: axis \(i) of shape \(shape) has size \(n); it must be 1 or equal \(target[lead + i]) to expand to \(target)")
        }
        let out = Tensor(uninitializedShape: target)
        if out.count > 0 {
            let c = Shape.coalesce(target, [Shape.broadcastStrides(shape, to: target)])
            lk_strided_copy(Int32(c.shape.count), c.shape, storage.pointer, c.strides[0], out.storage.pointer)
        }
        guard Tensor.recording(self) else { return out }
        let old = shape
        return out.recorded("expand", [self]) { g in [g.sumToShape(old)] }
    }

    /// Reorders the axes: result axis i is input axis `axes[i]`.
    public func permuted(_ axes: [Int]) -> Tensor {
        require(axes.count == rank, "permute: \(axes.count) axes given for a tensor of rank \(rank) (shape \(shape))")
        let p = axes.map { Shape.axis($0, rank: rank, op: "permute") }
        require(Set(p).count == rank, "permute: \(axes) is not a permutation of 0..<\(rank)")
        if p == Array(0..<rank) { return self }
        let strides = Shape.strides(shape)
        let newShape = p.map { shape[$0] }
        let out = Tensor(uninitializedShape: newShape)
        if out.count > 0 {
            let c = Shape.coalesce(newShape, [p.map { strides[$0] }])
            lk_strided_copy(Int32(c.shape.count), c.shape, storage.pointer, c.strides[0], out.storage.pointer)
        }
        guard Tensor.recording(self) else { return out }
        var inverse = [Int](repeating: 0, count: rank)
        for (i, a) in p.enumerated() { inverse[a] = i }
        return out.recorded("permute", [self]) { g in [g.permuted(inverse)] }
    }

    /// Swaps two axes.
    public func transposed(_ a: Int, _ b: Int) -> Tensor {
        var p = Array(0..<rank)
        p.swapAt(Shape.axis(a, rank: rank, op: "transpose"), Shape.axis(b, rank: rank, op: "transpose"))
        return permuted(p)
    }

    /// Swaps the last two axes (the matrix transpose, batched).
    public func transposed() -> Tensor {
        require(rank >= 2, "transposed(): needs rank ≥ 2, got shape \(shape)")
        return transposed(-2, -1)
    }
}
