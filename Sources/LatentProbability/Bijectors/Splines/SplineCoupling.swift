import LatentTensor
import LatentNN

/// Rational-quadratic spline coupling layer (Durkan et al. 2019, on RealNVP's coupling scheme).
///
/// The features are split by a mask into a conditioning part x_A (passed through unchanged) and
/// a transformed part x_B. A conditioner MLP reads x_A (and the context, concatenated) and outputs
/// 3K − 1 spline parameters θ_i for every transformed feature:
///
///     y_A = x_A,   y_B,i = f(x_B,i; θ_i(x_A, context)),
///     log|det ∂y/∂x| = Σ_i log f′(x_B,i)      (shape [N]),
///
/// with f the `RationalQuadraticSpline` (identity outside [−B, B]). Both directions take one
/// conditioner pass, since x_A = y_A. The conditioner's last layer starts at zero, which makes a
/// new layer exactly the identity.
///
/// Shapes: `[N, D]` in and out (D ≥ 2), log-determinants `[N]`, optional context
/// `[N, contextFeatures]`.
public final class SplineCoupling: Module, Bijector {
    /// Which features are transformed.
    public enum Mask: Equatable {
        /// Transforms the second half, indices ⌊D/2⌋..<D, given the first.
        case half
        /// Transforms the odd indices given the even ones.
        case alternating
        /// Transforms the features whose flag is true (at least one true and one false).
        case custom([Bool])
    }

    /// MLP: `[N, |A| + contextFeatures]` → `[N, |B|·(3K − 1)]`.
    public let conditioner: Sequential
    /// The elementwise spline and its configuration.
    public let spline: RationalQuadraticSpline
    /// Indices of the features passed through (x_A), ascending.
    public let identityIndices: [Int]
    /// Indices of the transformed features (x_B), ascending.
    public let transformedIndices: [Int]
    /// Width of the context, 0 when unconditional.
    public let contextFeatures: Int
    /// Position of each feature in `[x_A, x_B]`, to put the halves back in place.
    private let restoreOrder: [Int]

    /// A spline coupling over `features` dimensions.
    ///
    /// - Parameters:
    ///   - mask: which features are transformed; `flipped` swaps the roles of the two parts
    ///     (alternate it across a stack so every feature gets transformed).
    ///   - hiddenFeatures: the conditioner's hidden widths (at least one).
    ///   - spline: bins K, tail bound B and minima of the spline.
    public init(features: Int, mask: Mask = .half, flipped: Bool = false, hiddenFeatures: [Int],
                contextFeatures: Int = 0, spline: RationalQuadraticSpline = RationalQuadraticSpline(),
                activation: Activation.Kind = .relu, generator: RandomGenerator = .global) {
        require(features >= 2, "SplineCoupling: needs at least 2 features to split, got \(features)")
        require(!hiddenFeatures.isEmpty && hiddenFeatures.allSatisfy { $0 > 0 },
                "SplineCoupling: needs at least one hidden layer of positive width, got \(hiddenFeatures)")
        require(contextFeatures >= 0, "SplineCoupling: contextFeatures must be ≥ 0, got \(contextFeatures)")
        var transformed: [Bool]
        switch mask {
        case .half: transformed = (0..<features).map { $0 >= features / 2 }
        case .alternating: transformed = (0..<features).map { $0 % 2 == 1 }
        case .custom(let flags):
            require(flags.count == features, "SplineCoupling: custom mask has \(flags.count) flags for \(features) features")
            transformed = flags
        }
        if flipped { transformed = transformed.map { !$0 } }
        require(transformed.contains(true) && transformed.contains(false),
                "SplineCoupling: the mask must transform some features and keep others, got \(transformed)")
        identityIndices = (0..<features).filter { !transformed[$0] }
        transformedIndices = (0..<features).filter { transformed[$0] }
        let (identity, changed) = (identityIndices, transformedIndices)
        restoreOrder = (0..<features).map { transformed[$0] ? identity.count + changed.firstIndex(of: $0)! : identity.firstIndex(of: $0)! }
        self.contextFeatures = contextFeatures
        self.spline = spline

        var layers: [any Layer] = []
        var width = identity.count + contextFeatures
        for h in hiddenFeatures {
            layers.append(Linear(width, h, generator: generator))
            layers.append(Activation(activation))
            width = h
        }
        layers.append(Linear(width, changed.count * spline.parameterCount, weightInit: .zeros, biasInit: .zeros,
                             generator: generator))
        conditioner = Sequential(layers)
    }

    /// D, the number of features.
    public var features: Int { restoreOrder.count }

    /// y_B = f(x_B; θ(x_A)), y_A = x_A, and Σ log f′ `[N]`.
    public func forwardAndLogDet(_ x: Tensor, context: Tensor?) -> (y: Tensor, logDet: Tensor) {
        let (kept, theta) = split(x, context: context, op: "forward")
        let (y, logDerivative) = spline.forward(x.indexSelect(axis: 1, indices: transformedIndices), parameters: theta)
        return (merge(kept, y), logDerivative.sum(axis: 1))
    }

    /// x_B = f⁻¹(y_B; θ(y_A)), x_A = y_A, and −Σ log f′ `[N]`.
    public func inverseAndLogDet(_ y: Tensor, context: Tensor?) -> (x: Tensor, logDet: Tensor) {
        let (kept, theta) = split(y, context: context, op: "inverse")
        let (x, logDerivative) = spline.inverse(y.indexSelect(axis: 1, indices: transformedIndices), parameters: theta)
        return (merge(kept, x), logDerivative.sum(axis: 1))
    }

    /// The pass-through part `[N, |A|]` and the spline parameters `[N, |B|, 3K − 1]`.
    private func split(_ v: Tensor, context: Tensor?, op: String) -> (Tensor, Tensor) {
        require(v.rank == 2 && v.shape[1] == features,
                "SplineCoupling.\(op): input must be [N, \(features)], got shape \(v.shape)")
        let n = v.shape[0]
        let kept = v.indexSelect(axis: 1, indices: identityIndices)
        var input = kept
        if contextFeatures > 0 {
            guard let context else {
                fatalError("SplineCoupling.\(op): built with contextFeatures = \(contextFeatures) but called without a context")
            }
            require(context.shape == [n, contextFeatures],
                    "SplineCoupling.\(op): context must be [\(n), \(contextFeatures)], got shape \(context.shape)")
            input = Tensor.concat([kept, context], axis: 1)
        } else {
            require(context == nil,
                    "SplineCoupling.\(op): built without a context but called with one of shape \(context?.shape ?? [])")
        }
        let theta = conditioner(input).reshaped([n, transformedIndices.count, spline.parameterCount])
        return (kept, theta)
    }

    /// Puts `[x_A, x_B]` back into the original feature order.
    private func merge(_ kept: Tensor, _ changed: Tensor) -> Tensor {
        Tensor.concat([kept, changed], axis: 1).indexSelect(axis: 1, indices: restoreOrder)
    }
}
