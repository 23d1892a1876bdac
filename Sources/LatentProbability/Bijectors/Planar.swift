import Foundation
import LatentTensor
import LatentNN

/// Rezende & Mohamed's planar flow (2015) on `[N, D]`:
///
///     y = z + û · tanh(wᵀz + b),
///     log|det ∂y/∂z| = log(1 + (1 − tanh²(wᵀz + b)) · wᵀû)   (shape [N]),
///
/// with the invertibility constraint wᵀû > −1 enforced by the reparameterization
/// û = u + (m(wᵀu) − wᵀu) · w / ‖w‖², m(a) = −1 + softplus(a) (the paper's appendix A).
///
/// Conditional form (`contextFeatures` F > 0, the amortized flow of the paper's section 4): a
/// zero-initialized hypernetwork `Linear(F, 2D + 1)` maps the context `[N, F]` to (Δw, Δu, Δb)
/// `[N, D]`, `[N, D]`, `[N, 1]`, added to the layer's own parameters, so every sample n has its own
/// wₙ = w + Δwₙ, uₙ = u + Δuₙ, bₙ = b + Δbₙ. The constraint is applied per sample (ûₙ from wₙ, uₙ),
/// so wₙᵀûₙ > −1 for every n, and a new conditional layer equals the unconditional one.
///
/// Inverse (no closed form): with a = wᵀz + b, projecting y on w gives the scalar equation
/// a + (wᵀû)·tanh(a) = wᵀy + b, strictly increasing in a since wᵀû > −1; its root lies within
/// |wᵀû| of wᵀy + b and is found per sample (with that sample's wᵀû) by Newton's method
/// safeguarded by bisection, in Double. Then z = y − û·tanh(a). The root is made differentiable
/// by one Newton step written with the tape (a ← a* − g(a*)/g′(a*), g′ constant), which has the
/// same value and the implicit-function gradient, so the inverse can be trained through.
public final class Planar: Module, Bijector {
    /// Number of features D.
    public let features: Int
    /// F, the width of the context (0: unconditional).
    public let contextFeatures: Int
    /// w, `[D]`.
    public let w: Parameter
    /// u (before the constraint), `[D]`.
    public let u: Parameter
    /// b, `[1]`.
    public let b: Parameter
    /// Context `[N, F]` → (Δw, Δu, Δb) as `[N, 2D + 1]`, zero-initialized; nil when F = 0.
    public let hypernetwork: Linear?

    /// A layer with w, u ~ U(−1/√D, 1/√D) and b = 0; with `contextFeatures` F > 0, also a
    /// zero-initialized hypernetwork, so it starts as the unconditional layer of the same draws.
    public init(features: Int, contextFeatures: Int = 0, generator: RandomGenerator = .global) {
        require(features > 0, "Planar: features must be positive, got \(features)")
        require(contextFeatures >= 0, "Planar: contextFeatures must be ≥ 0, got \(contextFeatures)")
        self.features = features
        self.contextFeatures = contextFeatures
        let bound = 1 / Float(features).squareRoot()
        w = Parameter(Tensor.uniform([features], low: -bound, high: bound, generator: generator))
        u = Parameter(Tensor.uniform([features], low: -bound, high: bound, generator: generator))
        b = Parameter(Tensor.zeros([1]))
        hypernetwork = contextFeatures > 0
            ? Linear(contextFeatures, 2 * features + 1, weightInit: .zeros, biasInit: .zeros, generator: generator)
            : nil
    }

    /// The map's coefficients for one batch, R = 1 row shared by every sample (unconditional) or
    /// R = N rows (one per sample): w and û `[R, D]`, b and wᵀû `[R, 1]`.
    private struct Coefficients {
        let w: Tensor
        let uHat: Tensor
        let b: Tensor
        let wDotUHat: Tensor
    }

    /// The coefficients for `rows` samples given `context` (checked when the layer is conditional).
    private func coefficients(rows: Int, context: Tensor?) -> Coefficients {
        var wv = w.value, uv = u.value, bv = b.value
        if let hypernetwork {
            let c = FlowSupport.requireContext(context, rows: rows, features: contextFeatures, "Planar")
            let delta = hypernetwork(c).split(sizes: [features, features, 1], axis: 1)
            (wv, uv, bv) = (wv + delta[0], uv + delta[1], bv + delta[2])
        }
        let (uHat, wDotUHat) = Planar.constrained(w: wv, u: uv)
        return Coefficients(w: wv.reshaped([-1, features]), uHat: uHat.reshaped([-1, features]),
                            b: bv.reshaped([-1, 1]), wDotUHat: wDotUHat.reshaped([-1, 1]))
    }

    /// (û, wᵀû) for w, u `[..., D]`: û `[..., D]` and wᵀû `[..., 1]` (> −1), row by row.
    private static func constrained(w: Tensor, u: Tensor) -> (uHat: Tensor, wDotUHat: Tensor) {
        let wu = (w * u).sum(axis: -1, keepDims: true)
        let uHat = u + w * ((wu.softplus() - 1 - wu) / w.square().sum(axis: -1, keepDims: true))
        return (uHat, (w * uHat).sum(axis: -1, keepDims: true))
    }

    /// wᵀz + b for z `[N, D]`, as `[N, 1]`: a matrix product for a shared w, row-wise dot products otherwise.
    private func preActivation(_ z: Tensor, _ k: Coefficients) -> Tensor {
        let dot = k.w.shape[0] == 1 ? z.matmul(k.w.reshaped([features, 1])) : (z * k.w).sum(axis: 1, keepDims: true)
        return dot + k.b
    }

    private func check(_ v: Tensor) {
        require(v.rank == 2 && v.shape[1] == features, "Planar: input must be [N, \(features)], got \(v.shape)")
    }

    /// log(1 + (1 − tanh²a)·wᵀû) for tanh of the pre-activations `[N, 1]` and wᵀû `[R, 1]`, as `[N]`.
    private func logDet(_ tanhA: Tensor, _ wDotUHat: Tensor) -> Tensor {
        ((1 - tanhA.square()) * wDotUHat + 1).log().reshaped([-1])
    }

    public func forwardAndLogDet(_ x: Tensor, context: Tensor?) -> (y: Tensor, logDet: Tensor) {
        check(x)
        let k = coefficients(rows: x.shape[0], context: context)
        let h = preActivation(x, k).tanh()
        return (x + h * k.uHat, logDet(h, k.wDotUHat))
    }

    public func inverseAndLogDet(_ y: Tensor, context: Tensor?) -> (x: Tensor, logDet: Tensor) {
        check(y)
        let k = coefficients(rows: y.shape[0], context: context)
        let c = k.wDotUHat
        let r = preActivation(y, k)
        let (root, slope) = withoutGrad { () -> (Tensor, Tensor) in
            let cs = c.scalars.map(Double.init)
            let roots = r.scalars.enumerated().map { i, ri in Planar.solve(c: cs[cs.count == 1 ? 0 : i], r: Double(ri)) }
            let slopes = roots.enumerated().map { i, a in
                1 + cs[cs.count == 1 ? 0 : i] * (1 - Foundation.tanh(a) * Foundation.tanh(a))
            }
            return (Tensor(shape: r.shape, scalars: roots.map { Float($0) }), Tensor(shape: r.shape, scalars: slopes.map { Float($0) }))
        }
        let a = root - (root + root.tanh() * c - r) / slope
        let h = a.tanh()
        return (y - h * k.uHat, -logDet(h, c))
    }

    /// The root of a + c·tanh(a) = r (c > −1): Newton's method kept inside the bracket
    /// [r − |c|, r + |c|], falling back to bisection when a step leaves it.
    static func solve(c: Double, r: Double) -> Double {
        var lo = r - abs(c), hi = r + abs(c)
        var a = r
        for _ in 0..<100 {
            let t = Foundation.tanh(a)
            let g = a + c * t - r
            if g == 0 { return a }
            if g > 0 { hi = a } else { lo = a }
            let slope = 1 + c * (1 - t * t)
            var next = a - g / slope
            if !(next > lo && next < hi) { next = 0.5 * (lo + hi) }
            if abs(next - a) <= 1e-15 * Swift.max(1, abs(a)) { return next }
            a = next
        }
        return a
    }
}
