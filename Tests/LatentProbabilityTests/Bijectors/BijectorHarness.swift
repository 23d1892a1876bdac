import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LatentTensor
import LatentNN
import LatentProbability

/// One bijector under test: how to build it (with non-trivial parameters), a point of its
/// forward domain and one of its inverse domain, and an optional context.
struct BijectorCase {
    let name: String
    let make: () -> any Bijector
    /// `[N, event...]` inside the forward domain (at least 0.01 away from its edges, for finite differences).
    let input: Tensor
    /// A point of the inverse domain (the forward range); nil: standard normal of the output shape.
    var output: Tensor? = nil
    var context: Tensor? = nil
    /// Whether parameter gradients are checked too (input and context gradients always are).
    var checkParameters = true
}

/// Generic checks for any `Bijector`: round trips, log-determinants against the Jacobian built by
/// autodiff, gradients against finite differences. Also a fork-based check of stopping messages.
enum BijectorHarness {
    /// Adds U(−scale, scale) noise to every parameter in place (frozen ones stay frozen), so that
    /// zero-initialized conditioners stop being the identity.
    static func perturbParameters(_ module: Module, scale: Float = 0.4, seed: UInt64 = 5) {
        let generator = RandomGenerator(seed: seed)
        for p in module.parameters() {
            let noise = Tensor.uniform(p.shape, low: -scale, high: scale, generator: generator).scalars
            p.value.withUnsafeMutableBufferPointer { v in
                for i in 0..<v.count { v[i] += noise[i] }
            }
        }
    }

    /// Largest |a − b| (∞ when shapes differ or a value is NaN).
    static func maxError(_ a: Tensor, _ b: Tensor) -> Float {
        guard a.shape == b.shape else { return .infinity }
        var m: Float = 0
        for (x, y) in zip(a.scalars, b.scalars) {
            let d = abs(x - y)
            m = d.isNaN ? .infinity : max(m, d)
        }
        return m
    }

    /// The output point used for the reverse round trip.
    static func outputPoint(_ c: BijectorCase, _ b: any Bijector) -> Tensor {
        if let y = c.output { return y }
        let shape = withoutGrad { b.forward(c.input, context: c.context).shape }
        return Tensor.randn(shape, generator: RandomGenerator(seed: 17))
    }

    /// max |f⁻¹(f(x)) − x|, max |f(f⁻¹(y)) − y|, max |log det f(x) + log det f⁻¹(f(x))|.
    static func roundTrip(_ c: BijectorCase, _ b: any Bijector) -> (forward: Float, reverse: Float, logDets: Float) {
        withoutGrad {
            let (y, ld) = b.forwardAndLogDet(c.input, context: c.context)
            let (back, ldBack) = b.inverseAndLogDet(y, context: c.context)
            let target = outputPoint(c, b)
            let again = b.forward(b.inverse(target, context: c.context), context: c.context)
            return (maxError(back, c.input), maxError(again, target), maxError(ld + ldBack, Tensor.zeros(ld.shape)))
        }
    }

    /// log|det J| per sample of `map` at `x` `[N, event...]`, with J built by autodiff: one
    /// backward pass per output element (samples are independent, so each pass fills one row of
    /// every sample's Jacobian). Also returns the map's own log-determinants.
    static func bruteForceLogDets(_ x: Tensor, _ map: (Tensor) -> (Tensor, Tensor)) -> (bruteForce: [Double], reported: [Float]) {
        let leaf = x.requiringGrad()
        let (y, logDet) = map(leaf)
        let n = x.shape[0], d = x.count / n
        precondition(y.count == x.count, "a bijector must keep the element count: \(x.shape) → \(y.shape)")
        var jacobians = [[Double]](repeating: [Double](repeating: 0, count: d * d), count: n)
        for i in 0..<d {
            var seed = Tensor.zeros(y.shape)
            seed.withUnsafeMutableBufferPointer { p in for s in 0..<n { p[s * d + i] = 1 } }
            leaf.zeroGrad()
            y.backward(seed, retainGraph: true)
            let g = leaf.grad?.scalars ?? [Float](repeating: 0, count: x.count)
            for s in 0..<n { for j in 0..<d { jacobians[s][i * d + j] = Double(g[s * d + j]) } }
        }
        return (jacobians.map { logAbsDet($0, d) }, logDet.scalars)
    }

    /// log|det A| of an n×n row-major matrix by Gaussian elimination with partial pivoting.
    static func logAbsDet(_ matrix: [Double], _ n: Int) -> Double {
        var a = matrix
        var total = 0.0
        for k in 0..<n {
            var p = k
            for i in k..<n where abs(a[i * n + k]) > abs(a[p * n + k]) { p = i }
            if a[p * n + k] == 0 { return -.infinity }
            if p != k { for j in 0..<n { a.swapAt(k * n + j, p * n + j) } }
            total += log(abs(a[k * n + k]))
            for i in (k + 1)..<n {
                let f = a[i * n + k] / a[k * n + k]
                for j in k..<n { a[i * n + j] -= f * a[k * n + j] }
            }
        }
        return total
    }

    /// Largest |reported − brute force| over samples, forward (at x) and inverse (at the output point).
    static func logDetErrors(_ c: BijectorCase, _ b: any Bijector) -> (forward: Double, inverse: Double) {
        func worst(_ r: (bruteForce: [Double], reported: [Float])) -> Double {
            zip(r.bruteForce, r.reported).map { abs($0 - Double($1)) }.max() ?? 0
        }
        let f = bruteForceLogDets(c.input) { b.forwardAndLogDet($0, context: c.context) }
        let i = bruteForceLogDets(outputPoint(c, b)) { b.inverseAndLogDet($0, context: c.context) }
        b.zeroGrad()
        return (worst(f), worst(i))
    }

    /// `[N, event...]` output and `[N]` log-det flattened into one tensor, for gradcheck.
    static func packed(_ y: Tensor, _ logDet: Tensor) -> Tensor {
        Tensor.concat([y.reshaped([y.shape[0], -1]), logDet.reshaped([-1, 1])], axis: 1)
    }

    /// gradcheck of both directions with respect to the input, the context and (optionally) every parameter.
    static func gradientChecks(_ c: BijectorCase, _ b: any Bijector) -> [(String, GradCheckResult)] {
        let parameters = c.checkParameters ? b.parameters().filter { !$0.isFrozen } : []
        let saved = parameters.map { $0.value }
        defer { for (p, v) in zip(parameters, saved) { p.value = v } }
        var results: [(String, GradCheckResult)] = []
        for (direction, start) in [("forward", c.input), ("inverse", outputPoint(c, b))] {
            var inputs = [start]
            if let ctx = c.context { inputs.append(ctx) }
            let firstParameter = inputs.count
            inputs += saved.map { $0.detached() }
            let result = gradcheck(inputs, epsilon: 1e-2, atol: 2e-2, rtol: 2e-2) { xs in
                for (k, p) in parameters.enumerated() { p.value = xs[firstParameter + k] }
                let ctx = c.context == nil ? nil : xs[1]
                let (y, ld) = direction == "forward" ? b.forwardAndLogDet(xs[0], context: ctx) : b.inverseAndLogDet(xs[0], context: ctx)
                return packed(y, ld)
            }
            results.append((direction, result))
        }
        return results
    }

}
