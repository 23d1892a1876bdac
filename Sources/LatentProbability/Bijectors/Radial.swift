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

    /// A layer with z₀ ~ U(−1/√D, 1/√D), α̃, β̃ ~ U(−1/√D, 1/√D).
    public init(features: Int, generator: RandomGenerator = .global) {
        require(features > 0, "Radial: features must be positive, got \(features)")
        self.features = features
        let bound = 1 / Float(features).squareRoot()
        center = Parameter(Tensor.uniform([features], low: -bound, high: bound, generator: generator))
        alphaRaw = Parameter(Tensor.uniform([1], low: -bound, high: bound, generator: generator))
        betaRaw = Parameter(Tensor.uniform([1], low: -bound, high: bound, generator: generator))
    }

    /// (α, β) after the constraint, each `[1]`.
    private func alphaBeta() -> (Tensor, Tensor) {
        let alpha = alphaRaw.value.softplus()
        return (alpha, betaRaw.value.softplus() - alpha)
    }

    private func check(_ v: Tensor) {
        require(v.rank == 2 && v.shape[1] == features, "Radial: input must be [N, \(features)], got \(v.shape)")
    }

    /// log|det| at radius r `[N, 1]`, as `[N]`.
    private func logDet(radius r: Tensor, _ alpha: Tensor, _ beta: Tensor) -> Tensor {
        let h = 1 / (alpha + r)
        let spread = (beta * h + 1).log() * Float(features - 1)
        return (spread + (alpha * beta * h.square() + 1).log()).reshaped([-1])
    }

    public func forwardAndLogDet(_ x: Tensor, context: Tensor?) -> (y: Tensor, logDet: Tensor) {
        check(x)
        let (alpha, beta) = alphaBeta()
        let d = x - center.value
        let r = d.square().sum(axis: 1, keepDims: true).sqrt()
        let y = x + d * (beta / (alpha + r))
        return (y, logDet(radius: r, alpha, beta))
    }

    public func inverseAndLogDet(_ y: Tensor, context: Tensor?) -> (x: Tensor, logDet: Tensor) {
        check(y)
        let (alpha, beta) = alphaBeta()
        let e = y - center.value
        let rho = e.square().sum(axis: 1, keepDims: true).sqrt()
        let bq = alpha + beta - rho
        let root = (bq.square() + alpha * rho * 4).sqrt()
        let whenNegative = (root - bq) * 0.5
        let whenPositive = alpha * rho * 2 / (bq + root).clamp(min: Float.leastNormalMagnitude)
        let r = Tensor.where(bq.ge(0), whenPositive, whenNegative)
        let x = center.value + e / (beta / (alpha + r) + 1)
        return (x, -logDet(radius: r, alpha, beta))
    }
}
