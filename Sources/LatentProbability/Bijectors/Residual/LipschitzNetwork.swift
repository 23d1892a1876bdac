import LatentTensor
import LatentNN

/// The residual branch g of an invertible residual block: an MLP of `SpectralNormLinear` layers
/// with 1-Lipschitz activations φ between them (`Activation`),
///
///     g(x) = W̃_L φ(… φ(W̃_1 [x, c] + b_1) …) + b_L,
///
/// so Lip(g) ≤ Π_l ‖W̃_l‖₂ · Lip(φ)^(L−1) ≤ c^L < 1. The optional
/// context c `[N, F]` is concatenated to x; the bound holds in x for every context.
///
/// Besides g(x) the network gives its Jacobian J_g(x) as a linear map (`Linearization.jvp`), built
/// from ordinary tape ops — J v = W̃_L D_{L−1} W̃_{L−1} ⋯ D_1 W̃_1ˣ v with D_l = diag φ′(h_l) — so
/// log-determinant estimates made of Jacobian-vector products are differentiable by ordinary
/// first-order backpropagation (the tape records no graph during `backward`).
///
/// Shapes: x `[N, D]`, g(x) `[N, D]`.
public final class LipschitzNetwork: Module {
    /// D, the width of x (and of g(x)).
    public let features: Int
    /// F, the width of the context (0: none).
    public let contextFeatures: Int
    /// The layers, (D + F) → hidden… → D.
    public let layers: [SpectralNormLinear]
    /// φ.
    public let activation: Activation

    /// A 1-Lipschitz activation with its derivative, both as tape expressions.
    public enum Activation: String, Codable, Sendable {
        /// LipSwish (Chen et al. 2019) with β = 1: φ(t) = t·σ(t)/1.1, φ′ = (σ + tσ(1 − σ))/1.1 ∈ [−0.1, 1];
        /// smooth, but φ′(0) ≈ 0.45, so a block near the origin uses less than half its Lipschitz budget.
        case lipSwish
        /// ELU (Behrmann et al. 2019): φ(t) = t for t > 0, eᵗ − 1 otherwise; φ′ = min(φ, 0) + 1 ∈ (0, 1].
        case elu

        /// (φ(t), φ′(t)).
        func valueAndSlope(_ t: Tensor) -> (Tensor, Tensor) {
            switch self {
            case .lipSwish:
                let s = t.sigmoid()
                return (t * s / 1.1, (s + t * s * (1 - s)) / 1.1)
            case .elu:
                let e = t.elu()
                return (e, e.clamp(max: 0) + 1)
            }
        }
    }

    /// An MLP (D + F) → `hidden` → D whose every layer has spectral norm ≤ `coefficient`.
    public init(features: Int, hidden: [Int], contextFeatures: Int = 0, coefficient: Float, activation: Activation = .lipSwish,
                initialPowerIterations: Int = 50, generator: RandomGenerator = .global) {
        require(features > 0, "LipschitzNetwork: features must be positive, got \(features)")
        require(contextFeatures >= 0, "LipschitzNetwork: contextFeatures must be ≥ 0, got \(contextFeatures)")
        require(!hidden.isEmpty && hidden.allSatisfy { $0 > 0 }, "LipschitzNetwork: needs at least one positive hidden width, got \(hidden)")
        self.features = features
        self.contextFeatures = contextFeatures
        self.activation = activation
        let widths = [features + contextFeatures] + hidden + [features]
        layers = (0..<widths.count - 1).map {
            SpectralNormLinear(widths[$0], widths[$0 + 1], coefficient: coefficient,
                               initialIterations: initialPowerIterations, generator: generator)
        }
    }

    /// g at one batch, with what its Jacobian-vector products need.
    public struct Linearization {
        /// g(x), `[N, D]`.
        public let value: Tensor
        /// The normalized weights W̃_l (the first one restricted to its x columns).
        let weights: [Tensor]
        /// φ′(h_l) at the hidden pre-activations, `[N, hidden_l]`.
        let slopes: [Tensor]

        /// J_g(x)·v row by row: v `[N, D]` → `[N, D]` (row n is J_g(xₙ) vₙ). Differentiable in the
        /// weights and in x.
        public func jvp(_ v: Tensor) -> Tensor {
            var t = v
            for (l, w) in weights.enumerated() {
                t = t.matmul(w.transposed())
                if l < slopes.count { t = t * slopes[l] }
            }
            return t
        }

        /// The full Jacobians J_g(xₙ) as D columns `[N, D]` (column j is J eⱼ), by D products.
        public func jacobianColumns() -> [Tensor] {
            let (n, d) = (value.shape[0], value.shape[1])
            return (0..<d).map { j in
                var basis = [Float](repeating: 0, count: d)
                basis[j] = 1
                return jvp(Tensor(shape: [1, d], scalars: basis).expanded(to: [n, d]))
            }
        }
    }

    /// g(x) and its linearization at x `[N, D]` (context `[N, F]` when F > 0).
    public func linearize(_ x: Tensor, context: Tensor?) -> Linearization {
        require(x.rank == 2 && x.shape[1] == features, "LipschitzNetwork: input must be [N, \(features)], got \(x.shape)")
        var h = x
        if contextFeatures > 0 {
            let c = FlowSupport.requireContext(context, rows: x.shape[0], features: contextFeatures, "LipschitzNetwork")
            h = Tensor.concat([x, c], axis: 1)
        }
        var weights: [Tensor] = [], slopes: [Tensor] = []
        for (l, layer) in layers.enumerated() {
            let (pre, w) = layer(h)
            weights.append(l == 0 && contextFeatures > 0 ? w.slice(axis: 1, from: 0, to: features) : w)
            if l == layers.count - 1 {
                h = pre
            } else {
                let (value, slope) = activation.valueAndSlope(pre)
                h = value
                slopes.append(slope)
            }
        }
        return Linearization(value: h, weights: weights, slopes: slopes)
    }

    /// g(x) alone, `[N, D]`.
    public func callAsFunction(_ x: Tensor, context: Tensor?) -> Tensor { linearize(x, context: context).value }

    /// One power iteration on every layer (what a training step does before its forward pass).
    public func powerIterate(_ iterations: Int) {
        for layer in layers { layer.powerIterate(iterations) }
    }

    /// Π_l min(σ̂_l, c): the estimated Lipschitz bound of g (φ is 1-Lipschitz).
    public var lipschitzBound: Float {
        layers.reduce(1) { $0 * Swift.min($1.spectralNormEstimate, $1.coefficient) }
    }
}
