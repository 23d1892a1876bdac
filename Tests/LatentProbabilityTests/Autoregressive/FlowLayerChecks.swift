import XCTest
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LatentTensor
import LatentNN
import LatentProbability

/// Checks shared by the autoregressive and spline bijector tests: round trips, log-determinants
/// against brute-force Jacobians, gradients by finite differences.
enum FlowLayerChecks {
    /// Overwrites every parameter of `module` with U(−scale, scale) draws (masks are buffers and stay),
    /// so that zero-initialized layers stop being the identity.
    static func randomizeParameters(_ module: Module, scale: Float = 0.7, seed: UInt64 = 99) {
        let generator = RandomGenerator(seed: seed)
        for p in module.parameters() {
            p.value = Tensor.uniform(p.shape, low: -scale, high: scale, generator: generator).requiringGrad()
        }
    }

    /// Largest |a − b| over all elements (∞ for NaN).
    static func maxAbsDifference(_ a: Tensor, _ b: Tensor) -> Float {
        precondition(a.shape == b.shape, "shapes \(a.shape) and \(b.shape) differ")
        return zip(a.scalars, b.scalars).reduce(0) { m, p in
            let d = Swift.abs(p.0 - p.1)
            return d.isNaN ? .infinity : Swift.max(m, d)
        }
    }

    /// Round-trip errors: max |f⁻¹(f(x)) − x|, max |f(f⁻¹(x)) − x|, and max |log det f(x) + log det f⁻¹(f(x))|.
    static func roundTripErrors(_ b: any Bijector, _ x: Tensor, context: Tensor?) -> (inverseOfForward: Float, forwardOfInverse: Float, logDetSum: Float) {
        withoutGrad {
            let (y, forwardLogDet) = b.forwardAndLogDet(x, context: context)
            let (back, inverseLogDet) = b.inverseAndLogDet(y, context: context)
            let (z, _) = b.inverseAndLogDet(x, context: context)
            let again = b.forward(z, context: context)
            return (maxAbsDifference(back, x), maxAbsDifference(again, x),
                    maxAbsDifference(forwardLogDet + inverseLogDet, Tensor.zeros([x.shape[0]])))
        }
    }

    /// Per-sample Jacobians `[N][D][D]` of `map` at x `[N, D]` by central differences of step h,
    /// accumulated in Double (samples are independent, so one column of every sample at a time).
    static func jacobians(at x: Tensor, step h: Float, _ map: (Tensor) -> Tensor) -> [[[Double]]] {
        let (n, d) = (x.shape[0], x.shape[1])
        var jacobian = [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: 0, count: d), count: d), count: n)
        for j in 0..<d {
            var plus = x.detached(), minus = x.detached()
            for s in 0..<n {
                plus[s, j] = x[s, j] + h
                minus[s, j] = x[s, j] - h
            }
            let (yPlus, yMinus) = withoutGrad { (map(plus), map(minus)) }
            for s in 0..<n {
                // The actual steps taken in Float, not the nominal 2h.
                let width = Double(plus[s, j]) - Double(minus[s, j])
                for i in 0..<d { jacobian[s][i][j] = (Double(yPlus[s, i]) - Double(yMinus[s, i])) / width }
            }
        }
        return jacobian
    }

    /// log|det A| by LU decomposition with partial pivoting, in Double.
    static func logAbsDeterminant(_ matrix: [[Double]]) -> Double {
        var a = matrix
        let n = a.count
        var total = 0.0
        for c in 0..<n {
            let pivot = (c..<n).max { Swift.abs(a[$0][c]) < Swift.abs(a[$1][c]) }!
            a.swapAt(c, pivot)
            total += Foundation.log(Swift.abs(a[c][c]))
            for r in (c + 1)..<n where a[c][c] != 0 {
                let f = a[r][c] / a[c][c]
                for k in c..<n { a[r][k] -= f * a[c][k] }
            }
        }
        return total
    }

    /// Max |log det reported − log|det J|| with J by central differences, for both directions
    /// (forward at x, inverse at x).
    static func logDetErrors(_ b: any Bijector, _ x: Tensor, context: Tensor?, step: Float = 1e-3) -> (forward: Double, inverse: Double) {
        func error(_ map: (Tensor) -> (Tensor, Tensor)) -> Double {
            let reported = withoutGrad { map(x).1 }
            let jacobian = jacobians(at: x, step: step) { map($0).0 }
            return jacobian.indices.reduce(0.0) { m, s in
                let e = Swift.abs(logAbsDeterminant(jacobian[s]) - Double(reported[s]))
                return e.isNaN ? .infinity : Swift.max(m, e)
            }
        }
        let forward = error { let r = b.forwardAndLogDet($0, context: context); return (r.y, r.logDet) }
        let inverse = error { let r = b.inverseAndLogDet($0, context: context); return (r.x, r.logDet) }
        return (forward, inverse)
    }

    /// The output and log-determinant of one direction as one flat tensor, for `gradcheck`.
    static func flatOutput(_ b: any Bijector, _ x: Tensor, context: Tensor?, inverse: Bool) -> Tensor {
        let (out, logDet) = inverse ? { let r = b.inverseAndLogDet(x, context: context); return (r.x, r.logDet) }()
                                    : b.forwardAndLogDet(x, context: context)
        return Tensor.concat([out.reshaped([out.count]), logDet], axis: 0)
    }

    /// Finite-difference step for gradcheck. Small, because a rational-quadratic spline is only C¹:
    /// its log-derivative has a kink at every knot (f″ jumps), so a central difference straddling
    /// a knot disagrees with either one-sided derivative. Inputs within this step of a knot would
    /// fail for that reason alone; Float32 round-off grows below it.
    static let gradientStep: Float = 1e-3

    /// gradcheck of both directions with respect to the input (and the context, when given).
    static func inputGradients(_ b: any Bijector, _ x: Tensor, context: Tensor?) -> [GradCheckResult] {
        [false, true].map { inverse in
            let inputs = context.map { [x, $0] } ?? [x]
            return gradcheck(inputs, epsilon: gradientStep, atol: 2e-2, rtol: 2e-2) { xs in
                flatOutput(b, xs[0], context: xs.count > 1 ? xs[1] : nil, inverse: inverse)
            }
        }
    }

    /// gradcheck of both directions with respect to every parameter of `b`; restores the values.
    static func parameterGradients(_ b: any Bijector, _ x: Tensor, context: Tensor?) -> [GradCheckResult] {
        let parameters = b.parameters()
        let saved = parameters.map { $0.value }
        defer { for (p, v) in zip(parameters, saved) { p.value = v } }
        return [false, true].map { inverse in
            gradcheck(saved, epsilon: gradientStep, atol: 2e-2, rtol: 2e-2) { values in
                for (p, v) in zip(parameters, values) { p.value = v }
                return flatOutput(b, x, context: context, inverse: inverse)
            }
        }
    }

}
