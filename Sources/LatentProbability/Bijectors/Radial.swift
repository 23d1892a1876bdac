import Foundation
import LatentTensor
import LatentNN

/// Rezende & Mohamed's radial flow (2015) on `[N, D]`, contracting or expanding around z₀:
///
///     r = ‖z − z₀‖,  h = 1/(α + r),  y = z + β·h·(z − z₀),
///     log|det ∂y/∂z| = (D − 1)·log(1 + βh) + log(1 + αβh²)   (shape [N]),
///
/// with α = softplus(α̃) > 0 and β = −α + softplus(β̃) > −α, the invertibility constraint.
///
/// Conditional form (`contextFeatures` F > 0): a zero-initialized hypernetwork `Linear(F, D + 2)`
/// maps the context `[N, F]` to (Δz₀, Δα̃, Δβ̃) `[N, D]`, `[N, 1]`, `[N, 1]`, added to the layer's
/// own parameters, so every sample n has its own z₀ₙ, αₙ, βₙ; the constraint is applied per sample
/// (βₙ > −αₙ), and a new conditional layer equals the unconditional one.
///
/// Inverse (closed form): ρ = ‖y − z₀‖ = r(1 + β/(α + r)) gives r² + (α + β − ρ)r − αρ = 0, whose
/// non-negative root is taken in its cancellation-free form (depending on the sign of
/// α + β − ρ); then z = z₀ + (y − z₀)/(1 + βh(r)). Differentiable in both directions.
public final class Radial: Module, Bijector {
    /// Number of features D.
    public let features: Int
    /// z₀, `[D]`.
    public let center: Parameter
    /// α̃, `[1]`.
    public let alphaRaw: Parameter
    /// β̃, `[1]`.
    public let betaRaw: Parameter
    /// F, the width of the context (0: unconditional).
    public let contextFeatures: Int
    /// Context `[N, F]` → (Δz₀, Δα̃, Δβ̃) as `[N, D + 2]`, zero-initialized; nil when F = 0.
    public let hypernetwork: Linear?

    /// A layer with z₀ ~ U(−1/√D, 1/√D), α̃, β̃ ~ U(−1/√D, 1/√D); with `contextFeatures` F > 0, also a
    /// zero-initialized hypernetwork, so it starts as the unconditional layer of the same draws.
    public init(features: Int, contextFeatures: Int = 0, generator: RandomGenerator = .global) {
        require(features > 0, "Radial: features must be positive, got \(features)")
        require(contextFeatures >= 0, "Radial: contextFeatures must be ≥ 0, got \(contextFeatures)")
        self.features = features
        self.contextFeatures = contextFeatures
        let bound = 1 / Float(features).squareRoot()
        center = Parameter(Tensor.uniform([features], low: -bound, high: bound, generator: generator))
        alphaRaw = Parameter(Tensor.uniform([1], low: -bound, high: bound, generator: generator))
        betaRaw = Parameter(Tensor.uniform([1], low: -bound, high: bound, generator: generator))
        hypernetwork = contextFeatures > 0
            ? Linear(contextFeatures, features + 2, weightInit: .zeros, biasInit: .zeros, generator: generator)
            : nil
    }

    /// (z₀, α, β) for `rows` samples given `context` (checked when the layer is conditional), after
    /// the constraint: `[D]`, `[1]`, `[1]` shared by every sample, or `[N, D]`, `[N, 1]`, `[N, 1]`.
    private func coefficients(rows: Int, context: Tensor?) -> (center: Tensor, alpha: Tensor, beta: Tensor) {
        var center = self.center.value, alphaRaw = self.alphaRaw.value, betaRaw = self.betaRaw.value
        if let hypernetwork {
            let c = FlowSupport.requireContext(context, rows: rows, features: contextFeatures, "Radial")
            let delta = hypernetwork(c).split(sizes: [features, 1, 1], axis: 1)
            (center, alphaRaw, betaRaw) = (center + delta[0], alphaRaw + delta[1], betaRaw + delta[2])
        }
        let alpha = alphaRaw.softplus()
        return (center, alpha, betaRaw.softplus() - alpha)
    }

    private func check(_ v: Tensor) {
        require(v.rank == 2 && v.shape[1] == features, "Radial: input must be [N, \(features)], got \(v.shape)")
    }

    /// log|det| at radius r `[N, 1]` (α, β `[1]` or `[N, 1]`), as `[N]`.
    private func logDet(radius r: Tensor, _ alpha: Tensor, _ beta: Tensor) -> Tensor {
        let h = 1 / (alpha + r)
        let spread = (beta * h + 1).log() * Float(features - 1)
        return (spread + (alpha * beta * h.square() + 1).log()).reshaped([-1])
    }

    public func forwardAndLogDet(_ x: Tensor, context: Tensor?) -> (y: Tensor, logDet: Tensor) {
        check(x)
        let (center, alpha, beta) = coefficients(rows: x.shape[0], context: context)
        let d = x - center
        let r = d.square().sum(axis: 1, keepDims: true).sqrt()
        let y = x + d * (beta / (alpha + r))
        return (y, logDet(radius: r, alpha, beta))
    }

    public func inverseAndLogDet(_ y: Tensor, context: Tensor?) -> (x: Tensor, logDet: Tensor) {
        check(y)
        let (center, alpha, beta) = coefficients(rows: y.shape[0], context: context)
        let e = y - center
        let rho = e.square().sum(axis: 1, keepDims: true).sqrt()
        let bq = alpha + beta - rho
        let root = (bq.square() + alpha * rho * 4).sqrt()
        let whenNegative = (root - bq) * 0.5
        let whenPositive = alpha * rho * 2 / (bq + root).clamp(min: Float.leastNormalMagnitude)
        let r = Tensor.where(bq.ge(0), whenPositive, whenNegative)
        let x = center + e / (beta / (alpha + r) + 1)
        return (x, -logDet(radius: r, alpha, beta))
    }
}
