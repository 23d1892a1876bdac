import LatentTensor
import LatentNN

/// Autoregressive rational-quadratic spline bijector (Durkan et al. 2019, "RQ-NSF (AR)"): every
/// feature goes through its own `RationalQuadraticSpline`, whose 3K − 1 parameters a MADE
/// computes from the features before it.
///
/// Forward (noise → data) and inverse (data → noise), per feature i:
///
///     x_i = f(z_i; θ_i),   z_i = f⁻¹(x_i; θ_i),   log|det ∂x/∂z| = Σ_i log f′(z_i; θ_i)  (shape [N]).
///
/// The `arrangement` sets what θ_i reads: `.maskedAutoregressive` (default) takes θ_i(x_<i), so
/// the inverse (density) is one MADE pass and the forward (sampling) D passes;
/// `.inverseAutoregressive` takes θ_i(z_<i), the other way round (see `AutoregressiveArrangement`).
/// The MADE's output layer starts at zero, and zero spline parameters are the identity, so a new
/// layer is exactly the identity.
///
/// Shapes: `[N, D]` in and out, log-determinants `[N]`, optional context `[N, contextFeatures]`.
public final class AutoregressiveSpline: Module, Bijector {
    /// Outputs the spline parameters: `[N, D, 3K − 1]`.
    public let made: MADE
    /// The elementwise spline and its configuration.
    public let spline: RationalQuadraticSpline
    /// MAF-style (fast density) or IAF-style (fast sampling).
    public let arrangement: AutoregressiveArrangement

    /// An autoregressive spline layer over `features` dimensions (D ≥ 1).
    ///
    /// - Parameters:
    ///   - hiddenFeatures: the MADE's hidden widths.
    ///   - ordering: the MADE's feature order.
    ///   - spline: bins K, tail bound B and minima of the spline.
    public init(features: Int, hiddenFeatures: [Int], contextFeatures: Int = 0, ordering: MADE.Ordering = .sequential,
                arrangement: AutoregressiveArrangement = .maskedAutoregressive,
                spline: RationalQuadraticSpline = RationalQuadraticSpline(), activation: Activation.Kind = .relu,
                generator: RandomGenerator = .global) {
        made = MADE(features: features, parametersPerFeature: spline.parameterCount, hiddenFeatures: hiddenFeatures,
                    contextFeatures: contextFeatures, ordering: ordering, activation: activation,
                    zeroInitOutput: true, generator: generator)
        self.spline = spline
        self.arrangement = arrangement
    }

    /// x = f(z; θ) and Σ log f′ `[N]`, in D passes (MAF arrangement) or one (IAF).
    public func forwardAndLogDet(_ x: Tensor, context: Tensor?) -> (y: Tensor, logDet: Tensor) {
        checkShape(x, "forward")
        let (y, logDet) = arrangement.forward(x, context: context, made: made) { z, theta in
            let (out, logDerivative) = self.spline.forward(z, parameters: theta)
            return (out, logDerivative.sum(axis: 1))
        }
        return (y, logDet)
    }

    /// z = f⁻¹(x; θ) and −Σ log f′ `[N]`, in one pass (MAF arrangement) or D (IAF).
    public func inverseAndLogDet(_ y: Tensor, context: Tensor?) -> (x: Tensor, logDet: Tensor) {
        checkShape(y, "inverse")
        let (x, logDet) = arrangement.inverse(y, context: context, made: made) { v, theta in
            let (out, logDerivative) = self.spline.inverse(v, parameters: theta)
            return (out, logDerivative.sum(axis: 1))
        }
        return (x, logDet)
    }

    private func checkShape(_ t: Tensor, _ direction: String) {
        require(t.rank == 2 && t.shape[1] == made.features,
                "AutoregressiveSpline.\(direction): input must be [N, \(made.features)], got shape \(t.shape)")
    }
}
