import LatentTensor
import LatentNN

/// RealNVP's affine coupling layer (Dinh et al. 2017) with a binary mask m (1 = kept):
///
///     (ŝ, t) = conditioner([m ⊙ x, context]),   s = (1 − m) ⊙ c·tanh(ŝ / c),   t ← (1 − m) ⊙ t
///     y = x ⊙ exp(s) + t,        log|det ∂y/∂x| = Σ s          (shape [N])
///     x = (y − t) ⊙ exp(−s)      (m ⊙ y = m ⊙ x, so the inverse recomputes the same s, t)
///
/// The log-scale is soft-clamped to (−c, c) with c = `logScaleBound` (Glow-style; keeps exp(s)
/// from overflowing early in training), with slope 1 at 0.
///
/// Shapes: inputs `[N, D]` or `[N, C, H, W]`; the conditioner maps `[N, D + F]` → `[N, 2D]`
/// (or `[N, C + F, H, W]` → `[N, 2C, H, W]`), the first half of its output being ŝ and the second
/// t; F = `contextFeatures` (0 when unconditional) with the context `[N, F]` appended along axis 1
/// (broadcast over pixels for images). Any `Layer` works as conditioner; the convenience
/// initializers build `CouplingConditioner` networks whose zero last layer makes a new coupling
/// the identity.
public final class AffineCoupling: Module, Bijector {
    /// The network producing (ŝ, t) from the kept part and the context.
    public let conditioner: any Layer
    /// Which elements are kept.
    public let mask: CouplingMask
    /// Width F of the context (0: the layer ignores any context).
    public let contextFeatures: Int
    /// c: log-scales lie in (−c, c).
    public let logScaleBound: Float

    /// A coupling with a given conditioner (see the type's documentation for its shapes).
    public init(mask: CouplingMask, conditioner: any Layer, contextFeatures: Int = 0, logScaleBound: Float = 3) {
        require(logScaleBound > 0, "AffineCoupling: logScaleBound must be positive, got \(logScaleBound)")
        require(contextFeatures >= 0, "AffineCoupling: contextFeatures must be ≥ 0, got \(contextFeatures)")
        self.conditioner = conditioner
        self.mask = mask
        self.contextFeatures = contextFeatures
        self.logScaleBound = logScaleBound
    }

    /// A coupling on `[N, features]` with an MLP conditioner (zero last layer: starts at the identity).
    public convenience init(features: Int, mask: CouplingMask = .half, hidden: [Int] = [64, 64], contextFeatures: Int = 0,
                            activation: Activation.Kind = .relu,
                            logScaleBound: Float = 3, generator: RandomGenerator = .global) {
        self.init(mask: mask,
                  conditioner: CouplingConditioner.mlp(inFeatures: features + contextFeatures, hidden: hidden,
                                                       outFeatures: 2 * features, activation: activation, generator: generator),
                  contextFeatures: contextFeatures, logScaleBound: logScaleBound)
    }

    /// A coupling on `[N, channels, H, W]` with a CNN conditioner (zero last layer: starts at the identity).
    public convenience init(channels: Int, mask: CouplingMask = .checkerboard, hidden: Int = 64, contextFeatures: Int = 0,
                            activation: Activation.Kind = .relu,
                            logScaleBound: Float = 3, generator: RandomGenerator = .global) {
        self.init(mask: mask,
                  conditioner: CouplingConditioner.convolutional(inChannels: channels + contextFeatures, hidden: hidden,
                                                                 outChannels: 2 * channels, activation: activation, generator: generator),
                  contextFeatures: contextFeatures, logScaleBound: logScaleBound)
    }

    /// The masked, clamped log-scale s and shift t for an input whose kept part is `m ⊙ v`.
    private func scaleAndShift(_ v: Tensor, context: Tensor?) -> (s: Tensor, t: Tensor) {
        require(v.rank == 2 || v.rank == 4, "AffineCoupling: input must be [N, D] or [N, C, H, W], got \(v.shape)")
        let m = mask.tensor(eventShape: Array(v.shape.dropFirst()))
        let h = conditioner(CouplingInput.make(v * m, context: context, contextFeatures: contextFeatures, "AffineCoupling"))
        var expected = v.shape
        expected[1] *= 2
        require(h.shape == expected, "AffineCoupling: the conditioner returned \(h.shape); expected \(expected) (log-scales, then shifts) for input \(v.shape)")
        let parts = h.split(count: 2, axis: 1)
        let transformed = 1 - m
        let s = (parts[0] / logScaleBound).tanh() * logScaleBound * transformed
        return (s, parts[1] * transformed)
    }

    public func forwardAndLogDet(_ x: Tensor, context: Tensor?) -> (y: Tensor, logDet: Tensor) {
        let (s, t) = scaleAndShift(x, context: context)
        return (x * s.exp() + t, FlowSupport.eventSum(s))
    }

    public func inverseAndLogDet(_ y: Tensor, context: Tensor?) -> (x: Tensor, logDet: Tensor) {
        let (s, t) = scaleAndShift(y, context: context)
        return ((y - t) * (-s).exp(), -FlowSupport.eventSum(s))
    }
}
