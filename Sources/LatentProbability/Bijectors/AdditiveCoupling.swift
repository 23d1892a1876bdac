import LatentTensor
import LatentNN

/// NICE's additive coupling layer (Dinh et al. 2015), volume-preserving:
///
///     y = x + (1 − m) ⊙ t([m ⊙ x, context]),   x = y − (1 − m) ⊙ t([m ⊙ y, context]),
///     log|det| = 0  (shape [N]),
///
/// with m the mask (1 = kept). The conditioner maps `[N, D + F]` → `[N, D]` (or
/// `[N, C + F, H, W]` → `[N, C, H, W]`); the context `[N, F]` is appended along axis 1 as in
/// `AffineCoupling`. The convenience initializers zero the conditioner's last layer, so a new
/// layer is the identity.
public final class AdditiveCoupling: Module, Bijector {
    /// The network producing the shift t.
    public let conditioner: any Layer
    /// Which elements are kept.
    public let mask: CouplingMask
    /// Width F of the context (0: the layer ignores any context).
    public let contextFeatures: Int

    /// A coupling with a given conditioner.
    public init(mask: CouplingMask, conditioner: any Layer, contextFeatures: Int = 0) {
        require(contextFeatures >= 0, "AdditiveCoupling: contextFeatures must be ≥ 0, got \(contextFeatures)")
        self.conditioner = conditioner
        self.mask = mask
        self.contextFeatures = contextFeatures
    }

    /// A coupling on `[N, features]` with an MLP conditioner (zero last layer).
    public convenience init(features: Int, mask: CouplingMask = .half, hidden: [Int] = [64, 64], contextFeatures: Int = 0,
                            activation: Activation.Kind = .relu,
                            generator: RandomGenerator = .global) {
        self.init(mask: mask,
                  conditioner: CouplingConditioner.mlp(inFeatures: features + contextFeatures, hidden: hidden,
                                                       outFeatures: features, activation: activation, generator: generator),
                  contextFeatures: contextFeatures)
    }

    /// A coupling on `[N, channels, H, W]` with a CNN conditioner (zero last layer).
    public convenience init(channels: Int, mask: CouplingMask = .checkerboard, hidden: Int = 64, contextFeatures: Int = 0,
                            activation: Activation.Kind = .relu,
                            generator: RandomGenerator = .global) {
        self.init(mask: mask,
                  conditioner: CouplingConditioner.convolutional(inChannels: channels + contextFeatures, hidden: hidden,
                                                                 outChannels: channels, activation: activation, generator: generator),
                  contextFeatures: contextFeatures)
    }

    /// (1 − m) ⊙ t for an input whose kept part is m ⊙ v.
    private func shift(_ v: Tensor, context: Tensor?) -> Tensor {
        require(v.rank == 2 || v.rank == 4, "AdditiveCoupling: input must be [N, D] or [N, C, H, W], got \(v.shape)")
        let m = mask.tensor(eventShape: Array(v.shape.dropFirst()))
        let t = conditioner(CouplingInput.make(v * m, context: context, contextFeatures: contextFeatures, "AdditiveCoupling"))
        require(t.shape == v.shape, "AdditiveCoupling: the conditioner returned \(t.shape); expected the input's shape \(v.shape)")
        return t * (1 - m)
    }

    public func forwardAndLogDet(_ x: Tensor, context: Tensor?) -> (y: Tensor, logDet: Tensor) {
        (x + shift(x, context: context), FlowSupport.zeroLogDet(batch: x.shape[0]))
    }

    public func inverseAndLogDet(_ y: Tensor, context: Tensor?) -> (x: Tensor, logDet: Tensor) {
        (y - shift(y, context: context), FlowSupport.zeroLogDet(batch: y.shape[0]))
    }
}
