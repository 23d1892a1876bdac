/// Shape arithmetic shared by the ops: element counts, row-major strides, NumPy broadcasting,
/// axis normalization. Every failure names the op and the shapes involved.
enum Shape {
    /// Number of elements of a tensor with this shape (1 for a scalar `[]`).
    @inline(__always)
    static func count(_ shape: [Int]) -> Int {
        var n = 1
        for d in shape { n &*= d }
        return n
    }

    /// Row-major (C order) strides in elements.
    static func strides(_ shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            s[d] = acc
            acc *= shape[d]
        }
        return s
    }

    /// The NumPy broadcast of two shapes: right-aligned, each pair of sizes equal or one of them 1.
    static func broadcast(_ a: [Int], _ b: [Int], op: String) -> [Int] {
        if a == b { return a }
        let rank = max(a.count, b.count)
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            require(da == db || da == 1 || db == 1,
                         "\(op): shapes \(a) and \(b) cannot be broadcast together (axis \(i) from the left of the result: \(da) vs \(db); sizes must match or one must be 1)")
            out[i] = da == 1 ? db : da
        }
        return out
    }

    /// Element strides for reading a tensor of shape `shape` as if it had the (broadcast) shape `target`:
    /// 0 on axes that are broadcast.
    static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let own = strides(shape)
        let offset = target.count - shape.count
        var out = [Int](repeating: 0, count: target.count)
        for i in 0..<shape.count where shape[i] != 1 || target[i + offset] == 1 {
            out[i + offset] = shape[i] == 1 ? 0 : own[i]
        }
        return out
    }

    /// Resolves a possibly negative axis (`-1` is the last) and checks its range.
    @inline(__always)
    static func axis(_ axis: Int, rank: Int, op: String) -> Int {
        let a = axis < 0 ? axis + rank : axis
        require(a >= 0 && a < rank, "\(op): axis \(axis) is out of range for a tensor of rank \(rank) (valid: \(-rank)..<\(rank))")
        return a
    }

    /// Merges neighbouring axes that are laid out contiguously in every operand, so that the
    /// kernels loop over as few axes as possible (e.g. `[128, 400] + [400]` becomes one outer and
    /// one inner loop). Axes of size 1 are dropped. Always returns at least one axis.
    static func coalesce(_ shape: [Int], _ strides: [[Int]]) -> (shape: [Int], strides: [[Int]]) {
        var outShape: [Int] = []
        var outStrides = [[Int]](repeating: [], count: strides.count)
        for d in 0..<shape.count where shape[d] != 1 {
            if let last = outShape.last,
               (0..<strides.count).allSatisfy({ outStrides[$0].last! == strides[$0][d] * shape[d] }) {
                outShape[outShape.count - 1] = last * shape[d]
                for k in 0..<strides.count { outStrides[k][outStrides[k].count - 1] = strides[k][d] }
            } else {
                outShape.append(shape[d])
                for k in 0..<strides.count { outStrides[k].append(strides[k][d]) }
            }
        }
        if outShape.isEmpty {
            return ([1], strides.map { _ in [0] })
        }
        return (outShape, outStrides)
    }
}

extension Tensor {
    /// The NumPy broadcast of two shapes, for code that validates shapes before computing (e.g.
    /// distributions checking their parameters); stops with a message naming `op` when they do not broadcast.
    public static func broadcastShape(_ a: [Int], _ b: [Int], op: String) -> [Int] {
        Shape.broadcast(a, b, op: op)
    }
}
