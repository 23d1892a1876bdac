import LatentTensor

/// Which direction of an autoregressive bijector takes one network pass and which takes D.
///
/// Direction convention (as everywhere in `Bijector`): **forward maps noise to data**, z ↦ x — the
/// sampling direction, as in `TransformedDistribution` — and **inverse maps data to noise**,
/// x ↦ z — the direction a log-density needs. The elementwise map is always written
/// x_i = τ(z_i; θ_i), with its parameters θ_i produced by a MADE from the features before i:
///
/// - `.maskedAutoregressive` (MAF, Papamakarios et al. 2017): θ_i = θ_i(x_<i) is read off the
///   *data*. The inverse (density) is one MADE pass; the forward (sampling) solves for x one
///   feature at a time, D passes.
/// - `.inverseAutoregressive` (IAF, Kingma et al. 2016): θ_i = θ_i(z_<i) is read off the *noise*.
///   The forward (sampling) is one pass; the inverse (density of an external point) takes D.
public enum AutoregressiveArrangement: Equatable {
    /// MAF: fast inverse (data → noise, density), slow forward (sampling).
    case maskedAutoregressive
    /// IAF: fast forward (noise → data, sampling), slow inverse (density).
    case inverseAutoregressive
}

/// An elementwise map given per-feature parameters: (input `[N, D]`, parameters `[N, D, k]`) →
/// (output `[N, D]`, log|det| per sample `[N]`).
typealias ElementwiseTransform = (_ input: Tensor, _ parameters: Tensor) -> (Tensor, Tensor)

extension AutoregressiveArrangement {
    /// x = τ(z; θ) with θ from the MADE, one pass or D passes by the arrangement; returns x and
    /// log|det ∂x/∂z| `[N]`.
    func forward(_ z: Tensor, context: Tensor?, made: MADE, toData: ElementwiseTransform) -> (Tensor, Tensor) {
        switch self {
        case .inverseAutoregressive: return toData(z, made(z, context: context))
        case .maskedAutoregressive: return Self.solve(z, context: context, made: made, transform: toData)
        }
    }

    /// z = τ⁻¹(x; θ) with θ from the MADE, one pass or D passes by the arrangement; returns z and
    /// log|det ∂z/∂x| `[N]`.
    func inverse(_ x: Tensor, context: Tensor?, made: MADE, toNoise: ElementwiseTransform) -> (Tensor, Tensor) {
        switch self {
        case .maskedAutoregressive: return toNoise(x, made(x, context: context))
        case .inverseAutoregressive: return Self.solve(x, context: context, made: made, transform: toNoise)
        }
    }

    /// Solves u = transform(v; θ(u)) for u, where θ_i depends only on the u_j before i in the
    /// MADE's order. Pass p fixes the feature of degree p (its parameters depend only on features
    /// already fixed), so after D passes every feature is exact — and so is the gradient, which
    /// flows through all passes.
    private static func solve(_ v: Tensor, context: Tensor?, made: MADE,
                              transform: ElementwiseTransform) -> (Tensor, Tensor) {
        require(v.rank == 2 && v.shape[1] == made.features,
                "Autoregressive bijector: input must be [N, \(made.features)], got shape \(v.shape)")
        var result = (Tensor.zeros(like: v), Tensor.zeros([v.shape[0]]))
        for _ in 0..<made.features {
            result = transform(v, made(result.0, context: context))
        }
        return result
    }
}
