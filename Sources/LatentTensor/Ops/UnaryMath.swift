import CLatentKernels

/// Elementwise functions and activations. Each is one pass of a C kernel forward and one
/// backward (`lk_unary_backward`), with the numerically stable forms where it matters
/// (softplus, log-sigmoid never overflow; see `lk_vmath.h` for the error bounds).
extension Tensor {
    /// Applies a unary kernel and records its derivative kernel.
    func unary(_ op: lk_unary_op, _ name: String, _ p: Float = 0, _ q: Float = 0) -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        let (source, target) = (storage.pointer, out.storage.pointer)
        let grain = Tensor.unaryGrain(op)
        Threads.parallelChunks(count, grain: grain) { start, n in lk_unary(op, source + start, target + start, n, p, q) }
        guard Tensor.recording(self) else { return out }
        let x = detached(), y = out.detached()
        return out.recorded(name, [self]) { g in
            let gx = Tensor(uninitializedShape: x.shape)
            let (xp, yp, gp, gxp) = (x.storage.pointer, y.storage.pointer, g.storage.pointer, gx.storage.pointer)
            Threads.parallelChunks(x.count, grain: grain) { start, n in
                lk_unary_backward(op, xp + start, yp + start, gp + start, gxp + start, n, p, q)
            }
            return [gx]
        }
    }

    /// Elements per parallel chunk of `op`: a quarter of `Threads.elementwiseGrain` for the
    /// functions that go through the vector exp/log (4–8× the time per element of an add).
    static func unaryGrain(_ op: lk_unary_op) -> Int {
        switch op {
        case LK_EXP, LK_LOG, LK_LOG1P, LK_TANH, LK_SIGMOID, LK_SOFTPLUS, LK_LOGSIGMOID, LK_GELU, LK_ELU, LK_POWS:
            return Swift.max(1, Threads.elementwiseGrain / 4)
        default:
            return Threads.elementwiseGrain
        }
    }

    /// eˣ.
    public func exp() -> Tensor { unary(LK_EXP, "exp") }
    /// Natural logarithm (−∞ at 0, NaN below).
    public func log() -> Tensor { unary(LK_LOG, "log") }
    /// log(1 + x), accurate for small x.
    public func log1p() -> Tensor { unary(LK_LOG1P, "log1p") }
    /// Hyperbolic tangent.
    public func tanh() -> Tensor { unary(LK_TANH, "tanh") }
    /// Logistic sigmoid σ(x) = 1 / (1 + e⁻ˣ).
    public func sigmoid() -> Tensor { unary(LK_SIGMOID, "sigmoid") }
    /// softplus(x) = log(1 + eˣ), computed without overflow; its derivative is σ(x).
    public func softplus() -> Tensor { unary(LK_SOFTPLUS, "softplus") }
    /// log σ(x) = −softplus(−x), finite for every finite x.
    public func logSigmoid() -> Tensor { unary(LK_LOGSIGMOID, "logSigmoid") }
    /// max(x, 0).
    public func relu() -> Tensor { unary(LK_RELU, "relu") }
    /// x for x > 0, else slope·x.
    public func leakyRelu(negativeSlope: Float = 0.01) -> Tensor { unary(LK_LEAKY_RELU, "leakyRelu", negativeSlope) }
    /// x for x > 0, else α(eˣ − 1).
    public func elu(alpha: Float = 1) -> Tensor { unary(LK_ELU, "elu", alpha) }
    /// Exact GELU, x·Φ(x) with Φ the standard normal CDF (PyTorch's default form).
    public func gelu() -> Tensor { unary(LK_GELU, "gelu") }
    /// x².
    public func square() -> Tensor { unary(LK_SQUARE, "square") }
    /// √x.
    public func sqrt() -> Tensor { unary(LK_SQRT, "sqrt") }
    /// |x| (gradient 0 at 0).
    public func abs() -> Tensor { unary(LK_ABS, "abs") }
    /// 1 / x.
    public func reciprocal() -> Tensor { unary(LK_RECIPROCAL, "reciprocal") }
    /// −1, 0 or 1 by the sign of x (gradient 0).
    public func sign() -> Tensor { unary(LK_SIGN, "sign") }
    /// xᵖ for a constant exponent.
    public func pow(_ exponent: Float) -> Tensor { unary(LK_POWS, "pow", exponent) }

    /// Limits every element to [min, max]; the gradient passes where min ≤ x ≤ max.
    public func clamp(min: Float = -.infinity, max: Float = .infinity) -> Tensor {
        require(min <= max, "clamp: min (\(min)) must not exceed max (\(max))")
        return unary(LK_CLAMP, "clamp", min, max)
    }
}
