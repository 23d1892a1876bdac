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
/// Inverse (no closed form): with a = wᵀz + b, projecting y on w gives the scalar equation
/// a + (wᵀû)·tanh(a) = wᵀy + b, strictly increasing in a since wᵀû > −1; its root lies within
/// |wᵀû| of wᵀy + b and is found per sample by Newton's method safeguarded by bisection, in
/// Double. Then z = y − û·tanh(a). The root is made differentiable by one Newton step written
/// with the tape (a ← a* − g(a*)/g′(a*), g′ constant), which has the same value and the
/// implicit-function gradient, so the inverse can be trained through.
public final class Planar: Module, Bijector {
    /// Number of features D.
    public let features: Int
    /// w, `[D]`.
    public let w: Parameter
    /// u (before the constraint), `[D]`.
    public let u: Parameter
    /// b, `[1]`.
    public let b: Parameter

    /// A layer with w, u ~ U(−1/√D, 1/√D) and b = 0.
    public init(features: Int, generator: RandomGenerator = .global) {
        require(features > 0, "Planar: features must be positive, got \(features)")
        self.features = features
        let bound = 1 / Float(features).squareRoot()
        w = Parameter(Tensor.uniform([features], low: -bound, high: bound, generator: generator))
        u = Parameter(Tensor.uniform([features], low: -bound, high: bound, generator: generator))
        b = Parameter(Tensor.zeros([1]))
    }

    /// (û, wᵀû): the constrained direction `[D]` and its projection on w (a scalar, > −1).
    private func constrained() -> (uHat: Tensor, wDotUHat: Tensor) {
        let wv = w.value, uv = u.value
        let wu = (wv * uv).sum()
        let uHat = uv + wv * ((wu.softplus() - 1 - wu) / wv.square().sum())
        return (uHat, (wv * uHat).sum())
    }

    private func check(_ v: Tensor) {
        require(v.rank == 2 && v.shape[1] == features, "Planar: input must be [N, \(features)], got \(v.shape)")
    }

    /// log(1 + (1 − tanh²a)·wᵀû) for pre-activations `a` `[N, 1]`, as `[N]`.
    private func logDet(_ tanhA: Tensor, _ wDotUHat: Tensor) -> Tensor {
        ((1 - tanhA.square()) * wDotUHat + 1).log().reshaped([-1])
    }

    public func forwardAndLogDet(_ x: Tensor, context: Tensor?) -> (y: Tensor, logDet: Tensor) {
        check(x)
        let (uHat, c) = constrained()
        let h = (x.matmul(w.value.reshaped([features, 1])) + b.value).tanh()
        return (x + h * uHat.reshaped([1, features]), logDet(h, c))
    }

    public func inverseAndLogDet(_ y: Tensor, context: Tensor?) -> (x: Tensor, logDet: Tensor) {
        check(y)
        let (uHat, c) = constrained()
        let r = y.matmul(w.value.reshaped([features, 1])) + b.value
        let (root, slope) = withoutGrad { () -> (Tensor, Tensor) in
            let cValue = Double(c.item)
            let roots = r.scalars.map { Planar.solve(c: cValue, r: Double($0)) }
            let slopes = roots.map { 1 + cValue * (1 - Foundation.tanh($0) * Foundation.tanh($0)) }
            return (Tensor(shape: r.shape, scalars: roots.map { Float($0) }), Tensor(shape: r.shape, scalars: slopes.map { Float($0) }))
        }
        let a = root - (root + root.tanh() * c - r) / slope
        let h = a.tanh()
        return (y - h * uHat.reshaped([1, features]), -logDet(h, c))
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
