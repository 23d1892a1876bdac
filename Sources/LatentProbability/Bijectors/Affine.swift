import LatentTensor
import LatentNN

/// The elementwise affine map y = a ⊙ x + b, with a = sign ⊙ exp(logScale) never zero.
///
/// `logScale`, `shift` (and the fixed `sign`) have a shape that broadcasts against one event:
/// `[D]` for `[N, D]` inputs, `[C, 1, 1]` for per-channel scales of `[N, C, H, W]`, `[]` for one
/// scalar. log|det| = Σ over the event of logScale (broadcast), the same for every sample, `[N]`.
/// Inverse: x = (y − b) / a.
///
/// Learnable: `Affine(shape:)` starts at the identity with trainable log-scale and shift (the
/// scale stays positive). Fixed: `Affine(scale:shift:)` stores frozen parameters (saved in
/// checkpoints, skipped by optimizers); a fixed scale may be negative.
public final class Affine: Module, Bijector {
    /// log|a|.
    public let logScale: Parameter
    /// b.
    public let shift: Parameter
    /// The sign of a (±1), fixed.
    public let sign: Buffer

    /// A fixed (or, with `learnable`, trainable) map with the given scale and shift; both shapes
    /// must broadcast against the event shape. Every scale must be non-zero; a learnable scale
    /// keeps its initial sign.
    public init(scale: Tensor, shift: Tensor, learnable: Bool = false) {
        scale.withUnsafeBufferPointer { p in
            for i in 0..<p.count {
                require(p[i] != 0 && p[i].isFinite, "Affine: scale \(p[i]) at flat index \(i) must be finite and non-zero for the map to be invertible")
            }
        }
        logScale = Parameter(withoutGrad { scale.abs().log() })
        self.shift = Parameter(shift)
        sign = Buffer(withoutGrad { scale.sign() })
        super.init()
        if !learnable {
            logScale.isFrozen = true
            self.shift.isFrozen = true
        }
    }

    /// A learnable map starting at the identity, with parameters of `shape` (e.g. `[D]`, `[C, 1, 1]`).
    public convenience init(shape: [Int]) {
        self.init(scale: Tensor.ones(shape), shift: Tensor.zeros(shape), learnable: true)
    }

    /// Σ of logScale broadcast over one event of `x` `[N, event...]`, as `[N]`.
    private func logDet(for x: Tensor) -> Tensor {
        let event = Array(x.shape.dropFirst())
        require(logScale.shape.count <= event.count,
                "Affine: parameters of shape \(logScale.shape) do not broadcast against events of shape \(event) (input \(x.shape))")
        return FlowSupport.perSample(logScale.value.expanded(to: event).sum(), batch: x.shape[0])
    }

    public func forwardAndLogDet(_ x: Tensor, context: Tensor?) -> (y: Tensor, logDet: Tensor) {
        require(x.rank >= 1, "Affine: input needs a batch axis, got shape \(x.shape)")
        let a = logScale.value.exp() * sign.value
        return (x * a + shift.value, logDet(for: x))
    }

    public func inverseAndLogDet(_ y: Tensor, context: Tensor?) -> (x: Tensor, logDet: Tensor) {
        require(y.rank >= 1, "Affine: input needs a batch axis, got shape \(y.shape)")
        let inverseA = (-logScale.value).exp() * sign.value
        return ((y - shift.value) * inverseA, -logDet(for: y))
    }
}
