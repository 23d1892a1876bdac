import CLatentKernels

/// Cutting and joining along an axis: slice, concat, stack, split.
extension Tensor {
    /// Elements `start, start + step, …` (< `end`) along `axis`. Negative `start`/`end` count from the end.
    public func slice(axis: Int, from start: Int, to end: Int, step: Int = 1) -> Tensor {
        let a = Shape.axis(axis, rank: rank, op: "slice")
        let n = shape[a]
        let s = start < 0 ? start + n : start, e = end < 0 ? end + n : end
        require(step >= 1, "slice: step must be ≥ 1, got \(step)")
        require(s >= 0 && s <= e && e <= n,
                     "slice: range \(start)..<\(end) is invalid for axis \(axis) of size \(n) (shape \(shape))")
        var newShape = shape
        newShape[a] = (e - s + step - 1) / step
        var strides = Shape.strides(shape)
        let offset = s * strides[a]
        strides[a] *= step
        let out = Tensor(uninitializedShape: newShape)
        if out.count > 0 {
            let c = Shape.coalesce(newShape, [strides])
            lk_strided_copy(Int32(c.shape.count), c.shape, storage.pointer + offset, c.strides[0], out.storage.pointer)
        }
        guard Tensor.recording(self) else { return out }
        let inShape = shape
        return out.recorded("slice", [self]) { g in
            let gx = Tensor.zeros(inShape)
            if g.count > 0 {
                let c = Shape.coalesce(newShape, [strides])
                lk_strided_add(Int32(c.shape.count), c.shape, g.storage.pointer, gx.storage.pointer + offset, c.strides[0])
            }
            return [gx]
        }
    }

    /// Rows `range` of the first axis (`x[2..<5]`).
    public subscript(_ range: Range<Int>) -> Tensor {
        slice(axis: 0, from: range.lowerBound, to: range.upperBound)
    }

    /// Joins tensors along `axis`; all other sizes must agree.
    public static func concat(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        require(!tensors.isEmpty, "concat: needs at least one tensor")
        let first = tensors[0]
        let a = Shape.axis(axis, rank: first.rank, op: "concat")
        var total = 0
        for (i, t) in tensors.enumerated() {
            require(t.rank == first.rank, "concat: tensor \(i) has shape \(t.shape), tensor 0 has \(first.shape); ranks must match")
            for d in 0..<first.rank where d != a {
                require(t.shape[d] == first.shape[d],
                             "concat: tensor \(i) has shape \(t.shape), tensor 0 has \(first.shape); all axes but \(axis) must match")
            }
            total += t.shape[a]
        }
        var outShape = first.shape
        outShape[a] = total
        let out = Tensor(uninitializedShape: outShape)
        let outer = Shape.count(Array(first.shape[..<a]))
        let inner = Shape.count(Array(first.shape[(a + 1)...]))
        let rowOut = total * inner
        var offset = 0
        for t in tensors {
            let chunk = t.shape[a] * inner
            if chunk > 0 {
                for o in 0..<outer {
                    (out.storage.pointer + o * rowOut + offset).update(from: t.storage.pointer + o * chunk, count: chunk)
                }
            }
            offset += chunk
        }
        guard recording(tensors) else { return out }
        let sizes = tensors.map { $0.shape[a] }
        let needs = tensors.map { $0.node != nil }
        return out.recorded("concat", tensors) { g in
            var start = 0
            return zip(sizes, needs).map { size, need in
                defer { start += size }
                return need ? g.slice(axis: a, from: start, to: start + size) : nil
            }
        }
    }

    /// Stacks equal-shaped tensors along a new axis `axis`.
    public static func stack(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        require(!tensors.isEmpty, "stack: needs at least one tensor")
        for (i, t) in tensors.enumerated() {
            require(t.shape == tensors[0].shape, "stack: tensor \(i) has shape \(t.shape), tensor 0 has \(tensors[0].shape); all must match")
        }
        let a = Shape.axis(axis, rank: tensors[0].rank + 1, op: "stack")
        return concat(tensors.map { $0.unsqueezed(axis: a) }, axis: a)
    }

    /// Splits along `axis` into pieces of the given sizes (which must add up to the axis size).
    public func split(sizes: [Int], axis: Int = 0) -> [Tensor] {
        let a = Shape.axis(axis, rank: rank, op: "split")
        require(sizes.allSatisfy { $0 >= 0 } && sizes.reduce(0, +) == shape[a],
                     "split: sizes \(sizes) must be non-negative and add up to \(shape[a]), the size of axis \(axis) of shape \(shape)")
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return slice(axis: a, from: start, to: start + size)
        }
    }

    /// Splits along `axis` into `count` equal pieces.
    public func split(count: Int, axis: Int = 0) -> [Tensor] {
        let a = Shape.axis(axis, rank: rank, op: "split")
        require(count > 0 && shape[a] % count == 0,
                     "split: axis \(axis) of shape \(shape) (size \(shape[a])) does not divide into \(count) equal pieces")
        return split(sizes: Array(repeating: shape[a] / count, count: count), axis: a)
    }
}
