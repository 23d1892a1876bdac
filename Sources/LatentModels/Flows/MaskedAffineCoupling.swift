import LatentTensor
import LatentNN
import LatentProbability

/// RealNVP's affine coupling on vectors `[N, D]` with an arbitrary binary mask m (1 = kept) and
/// either separate s and t networks or one network with two heads:
///
///     ŝ = s_net([m ⊙ x, c]),  t̂ = t_net([m ⊙ x, c])      (or (ŝ, t̂) = net([m ⊙ x, c]) split in two)
///     s = (1 − m) ⊙ b·tanh(ŝ / b),   t = (1 − m) ⊙ t̂
///     y = x ⊙ exp(s) + t,   log|det ∂y/∂x| = Σ s   (shape [N]),   x = (y − t) ⊙ exp(−s).
///
/// With b = `logScaleBound` = 1 this is the textbook "tanh on s". It differs from
/// `AffineCoupling` in two ways the ready-made models need: any mask over the flat features
/// (e.g. a 28×28 checkerboard over 784 pixels, where `.alternating` would give column stripes), and
/// separate s and t MLPs. The last layer of every network starts at zero, so a new coupling is
/// the identity. The context c `[N, F]` is appended to the masked input.
public final class MaskedAffineCoupling: Module, Bijector {
    /// The network for ŝ (or for [ŝ, t̂] when `shift` is nil): `[N, D + F]` → `[N, D]` (or `[N, 2D]`).
    public let scale: Sequential
    /// The network for t̂, `[N, D + F]` → `[N, D]`; nil when `scale` has both heads.
    public let shift: Sequential?
    /// m, `[1, D]`: 1 for kept features.
    public let mask: Buffer
    /// F, the context width (0: no context).
    public let contextFeatures: Int
    /// b: log-scales lie in (−b, b).
    public let logScaleBound: Float

    /// A coupling over `kept.count` features keeping those flagged true.
    public init(kept: [Bool], hidden: [Int], contextFeatures: Int = 0, separateNetworks: Bool = true,
                logScaleBound: Float = 1, generator: RandomGenerator = .global) {
        require(kept.contains(true) && kept.contains(false),
                "MaskedAffineCoupling: the mask must keep some features and transform others, got \(kept.count) flags with \(kept.filter { $0 }.count) kept")
        require(logScaleBound > 0, "MaskedAffineCoupling: logScaleBound must be positive, got \(logScaleBound)")
        let d = kept.count
        let make = { (out: Int) in
            CouplingConditioner.mlp(inFeatures: d + contextFeatures, hidden: hidden, outFeatures: out, generator: generator)
        }
        scale = make(separateNetworks ? d : 2 * d)
        shift = separateNetworks ? make(d) : nil
        mask = Buffer(Tensor(shape: [1, d], scalars: kept.map { $0 ? 1 : 0 }))
        self.contextFeatures = contextFeatures
        self.logScaleBound = logScaleBound
    }

    /// D, the number of features.
    public var features: Int { mask.value.shape[1] }

    private func scaleAndShift(_ v: Tensor, context: Tensor?) -> (s: Tensor, t: Tensor) {
        require(v.rank == 2 && v.shape[1] == features, "MaskedAffineCoupling: input must be [N, \(features)], got \(v.shape)")
        let m = mask.value
        var input = v * m
        if contextFeatures > 0 {
            guard let c = context else {
                fatalError("MaskedAffineCoupling: built for a context of \(contextFeatures) features, but none was given")
            }
            require(c.shape == [v.shape[0], contextFeatures],
                    "MaskedAffineCoupling: context must be [\(v.shape[0]), \(contextFeatures)], got \(c.shape)")
            input = Tensor.concat([input, c], axis: 1)
        }
        var sHat = scale(input), tHat: Tensor
        if let shift {
            tHat = shift(input)
        } else {
            let heads = sHat.split(count: 2, axis: 1)
            (sHat, tHat) = (heads[0], heads[1])
        }
        let transformed = 1 - m
        return ((sHat / logScaleBound).tanh() * logScaleBound * transformed, tHat * transformed)
    }

    public func forwardAndLogDet(_ x: Tensor, context: Tensor?) -> (y: Tensor, logDet: Tensor) {
        let (s, t) = scaleAndShift(x, context: context)
        return (x * s.exp() + t, s.sum(axis: 1))
    }

    public func inverseAndLogDet(_ y: Tensor, context: Tensor?) -> (x: Tensor, logDet: Tensor) {
        let (s, t) = scaleAndShift(y, context: context)
        return ((y - t) * (-s).exp(), -s.sum(axis: 1))
    }
}
