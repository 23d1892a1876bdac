import XCTest
import Foundation
import LatentTensor
import LatentProbability

/// The trace estimators against the Jacobian of a small tanh network by central differences, and
/// Hutchinson's estimator against its expectation, by enumerating every Rademacher probe.
final class JacobianTraceTests: XCTestCase {
    let generator = RandomGenerator(seed: 7)
    lazy var w1 = Tensor.randn([8, 3], generator: generator)
    lazy var b1 = Tensor.randn([8], generator: generator)
    lazy var w2 = Tensor.randn([3, 8], generator: generator) * 0.5
    lazy var x = Tensor.randn([5, 3], generator: generator)

    /// f(x) = tanh(x W₁ᵀ + b₁) W₂ᵀ, `[N, 3]` → `[N, 3]`.
    func f(_ x: Tensor) -> Tensor { x.linear(weight: w1, bias: b1).tanh().linear(weight: w2) }

    /// tr ∂f/∂x per row by central differences.
    func finiteDifferenceTrace(_ x: Tensor, step: Float = 1e-2) -> [Double] {
        var trace = [Double](repeating: 0, count: x.shape[0])
        for i in 0..<x.shape[1] {
            let e = Tensor.eye(x.shape[1]).slice(axis: 0, from: i, to: i + 1) * step
            let column = (f(x + e) - f(x - e)) / (2 * step)
            for (n, v) in column.slice(axis: 1, from: i, to: i + 1).scalars.enumerated() { trace[n] += Double(v) }
        }
        return trace
    }

    func testExactTraceMatchesFiniteDifferences() {
        let (value, trace) = JacobianTrace.exact(f, at: x)
        XCTAssertEqual(ODEClosedForm.maxError(value, f(x)), 0, "the value is f(x)")
        XCTAssertFalse(value.requiresGrad)
        for (got, want) in zip(trace.scalars, finiteDifferenceTrace(x)) { XCTAssertEqual(Double(got), want, accuracy: 2e-3) }
    }

    func testHutchinsonAveragedOverEveryRademacherProbeIsExact() {
        // E[εᵀJε] over the 2³ sign vectors is tr J exactly: enumerate them, one block of rows each.
        let signs: [[Float]] = (0..<8).map { k in (0..<3).map { (k >> $0) & 1 == 1 ? 1 : -1 } }
        let n = x.shape[0]
        let points = Tensor.concat(Array(repeating: x, count: 8), axis: 0)
        let probe = Tensor(shape: [8 * n, 3], scalars: signs.flatMap { s in (0..<n).flatMap { _ in s } })
        let estimates = JacobianTrace.hutchinson(f, at: points, probe: probe).trace.reshaped([8, n]).mean(axis: 0)
        let exact = JacobianTrace.exact(f, at: x).trace
        XCTAssertLessThan(ODEClosedForm.maxError(estimates, exact), 1e-5)
        // A single probe is not exact (the off-diagonal terms): the test would notice a wrong sign.
        let one = JacobianTrace.hutchinson(f, at: x, probe: Tensor.ones([n, 3])).trace
        XCTAssertGreaterThan(ODEClosedForm.maxError(one, exact), 1e-3)
    }

    func testGaussianProbesAverageToTheTrace() {
        let point = x.slice(axis: 0, from: 0, to: 1)
        let count = 4000
        let many = point.expanded(to: [count, 3])
        let estimates = JacobianTrace.hutchinson(f, at: many, probe: JacobianTrace.Probe.gaussian.draw(rows: count, features: 3, generator: RandomGenerator(seed: 3))).trace.scalars.map(Double.init)
        let mean = estimates.reduce(0, +) / Double(count)
        let sd = (estimates.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(count - 1)).squareRoot()
        XCTAssertEqual(mean, finiteDifferenceTrace(point)[0], accuracy: 4 * sd / Double(count).squareRoot() + 2e-3)
        XCTAssertGreaterThan(sd, 0.01, "Gaussian probes do vary")
    }

    func testParametersOfTheMapReceiveGradientsAndAConstantMapHasZeroTrace() {
        let weight = w1.requiringGrad()
        _ = JacobianTrace.exact({ $0.linear(weight: weight, bias: self.b1).tanh().linear(weight: self.w2) }, at: x)
        XCTAssertNotNil(weight.grad, "documented: parameters feeding f accumulate the backward passes")
        let constant = JacobianTrace.exact({ _ in Tensor.ones([5, 3]) }, at: x)
        XCTAssertEqual(constant.trace.scalars, [Float](repeating: 0, count: 5))
    }
}
