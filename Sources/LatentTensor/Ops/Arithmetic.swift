import CLatentKernels

/// Elementwise arithmetic with NumPy broadcasting, and its gradients.
///
/// Broadcasting aligns shapes from the right; an axis of size 1 (or a missing one) stretches to
/// the other operand's size. The gradient of a broadcast operand is summed back to its shape.
extension Tensor {
    /// The raw broadcasting kernel call, not recorded.
    static func binaryKernel(_ a: Tensor, _ b: Tensor, _ op: lk_binary_op, _ name: String) -> Tensor {
        if a.shape == b.shape {
            let out = Tensor(uninitializedShape: a.shape)
            let (pa, pb, po) = (a.storage.pointer, b.storage.pointer, out.storage.pointer)
            Threads.parallelChunks(a.count) { start, count in
                var n = count, one = 1
                lk_binary(op, 1, &n, pa + start, &one, pb + start, &one, po + start)
            }
            return out
        }
        let shape = Shape.broadcast(a.shape, b.shape, op: name)
        let out = Tensor(uninitializedShape: shape)
        if out.count == 0 { return out }
        let sa = Shape.broadcastStrides(a.shape, to: shape)
        let sb = Shape.broadcastStrides(b.shape, to: shape)
        let c = Shape.coalesce(shape, [sa, sb])
        require(c.shape.count <= 16, "\(name): at most 16 non-trivial axes are supported, got shape \(shape)")
        guard !c.shape.isEmpty else {
            lk_binary(op, 0, c.shape, a.storage.pointer, c.strides[0], b.storage.pointer, c.strides[1], out.storage.pointer)
            return out
        }
        // Large outputs: blocks of the outermost (coalesced) axis on the pool's threads.
        let inner = c.shape.dropFirst().reduce(1, *)
        let (pa, pb, po) = (a.storage.pointer, b.storage.pointer, out.storage.pointer)
        Threads.parallelChunks(c.shape[0], grain: Swift.max(1, Threads.elementwiseGrain / Swift.max(inner, 1)), alignment: 1) { start, rows in
            var blockShape = c.shape
            blockShape[0] = rows
            lk_binary(op, Int32(blockShape.count), blockShape, pa + start * c.strides[0][0], c.strides[0],
                      pb + start * c.strides[1][0], c.strides[1], po + start * inner)
        }
        return out
    }

    /// Elementwise sum.
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let out = binaryKernel(a, b, LK_ADD, "add")
        guard recording(a, b) else { return out }
        let (sa, sb, na, nb) = (a.shape, b.shape, a.node != nil, b.node != nil)
        return out.recorded("add", [a, b]) { g in
            [na ? g.sumToShape(sa) : nil, nb ? g.sumToShape(sb) : nil]
        }
    }

    /// Elementwise difference.
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let out = binaryKernel(a, b, LK_SUB, "sub")
        guard recording(a, b) else { return out }
        let (sa, sb, na, nb) = (a.shape, b.shape, a.node != nil, b.node != nil)
        return out.recorded("sub", [a, b]) { g in
            [na ? g.sumToShape(sa) : nil, nb ? (-g).sumToShape(sb) : nil]
        }
    }

    /// Elementwise product.
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let out = binaryKernel(a, b, LK_MUL, "mul")
        guard recording(a, b) else { return out }
        let (x, y, na, nb) = (a.detached(), b.detached(), a.node != nil, b.node != nil)
        return out.recorded("mul", [a, b]) { g in
            [na ? (g * y).sumToShape(x.shape) : nil, nb ? (g * x).sumToShape(y.shape) : nil]
        }
    }

    /// Elementwise quotient.
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let out = binaryKernel(a, b, LK_DIV, "div")
        guard recording(a, b) else { return out }
        let (x, y, z, na, nb) = (a.detached(), b.detached(), out.detached(), a.node != nil, b.node != nil)
        return out.recorded("div", [a, b]) { g in
            let gx = g / y
            return [na ? gx.sumToShape(x.shape) : nil, nb ? (-(gx * z)).sumToShape(y.shape) : nil]
        }
    }

    /// Elementwise power aᵇ. The gradient with respect to b is aᵇ·log a (defined for a > 0).
    public static func pow(_ a: Tensor, _ b: Tensor) -> Tensor {
        let out = binaryKernel(a, b, LK_POW, "pow")
        guard recording(a, b) else { return out }
        let (x, y, z, na, nb) = (a.detached(), b.detached(), out.detached(), a.node != nil, b.node != nil)
        return out.recorded("pow", [a, b]) { g in
            [na ? (g * y * Tensor.pow(x, y - 1)).sumToShape(x.shape) : nil,
             nb ? (g * z * x.log()).sumToShape(y.shape) : nil]
        }
    }

    /// Elementwise maximum (NaN if either is NaN). At ties the gradient is split evenly.
    public static func maximum(_ a: Tensor, _ b: Tensor) -> Tensor { extremum(a, b, LK_MAX, LK_GT, "maximum") }

    /// Elementwise minimum (NaN if either is NaN). At ties the gradient is split evenly.
    public static func minimum(_ a: Tensor, _ b: Tensor) -> Tensor { extremum(a, b, LK_MIN, LK_LT, "minimum") }

    private static func extremum(_ a: Tensor, _ b: Tensor, _ op: lk_binary_op, _ wins: lk_binary_op, _ name: String) -> Tensor {
        let out = binaryKernel(a, b, op, name)
        guard recording(a, b) else { return out }
        let (x, y, na, nb) = (a.detached(), b.detached(), a.node != nil, b.node != nil)
        return out.recorded(name, [a, b]) { g in
            // share(a) = 1 where a wins, ½ at ties, 0 where b wins.
            let shareA = binaryKernel(x, y, wins, name) + binaryKernel(x, y, LK_EQ, name) * 0.5
            return [na ? (g * shareA).sumToShape(x.shape) : nil, nb ? (g * (1 - shareA)).sumToShape(y.shape) : nil]
        }
    }

    /// −a.
    public static prefix func - (a: Tensor) -> Tensor { a.unary(LK_NEG, "neg") }

    /// a + s for every element.
    public static func + (a: Tensor, s: Float) -> Tensor { a.unary(LK_AFFINE, "add", 1, s) }
    /// s + a for every element.
    public static func + (s: Float, a: Tensor) -> Tensor { a.unary(LK_AFFINE, "add", 1, s) }
    /// a − s for every element.
    public static func - (a: Tensor, s: Float) -> Tensor { a.unary(LK_AFFINE, "sub", 1, -s) }
    /// s − a for every element.
    public static func - (s: Float, a: Tensor) -> Tensor { a.unary(LK_AFFINE, "rsub", -1, s) }
    /// a · s for every element.
    public static func * (a: Tensor, s: Float) -> Tensor { a.unary(LK_AFFINE, "mul", s, 0) }
    /// s · a for every element.
    public static func * (s: Float, a: Tensor) -> Tensor { a.unary(LK_AFFINE, "mul", s, 0) }
    /// a / s for every element.
    public static func / (a: Tensor, s: Float) -> Tensor { a.unary(LK_AFFINE, "div", 1 / s, 0) }
    /// s / a for every element.
    public static func / (s: Float, a: Tensor) -> Tensor { a.reciprocal() * s }

    /// a ← a + b (a new tensor is assigned; the tape sees an ordinary add).
    public static func += (a: inout Tensor, b: Tensor) { a = a + b }
    /// a ← a − b.
    public static func -= (a: inout Tensor, b: Tensor) { a = a - b }
    /// a ← a · b.
    public static func *= (a: inout Tensor, b: Tensor) { a = a * b }
    /// a ← a / b.
    public static func /= (a: inout Tensor, b: Tensor) { a = a / b }
    /// a ← a + s.
    public static func += (a: inout Tensor, s: Float) { a = a + s }
    /// a ← a − s.
    public static func -= (a: inout Tensor, s: Float) { a = a - s }
    /// a ← a · s.
    public static func *= (a: inout Tensor, s: Float) { a = a * s }
    /// a ← a / s.
    public static func /= (a: inout Tensor, s: Float) { a = a / s }
}
