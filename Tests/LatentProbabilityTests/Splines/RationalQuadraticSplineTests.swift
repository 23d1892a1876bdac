import XCTest
import LatentTestSupport
import Foundation
import LatentTensor
import LatentProbability

/// The spline as a pure function: hand-computed values, identity cases, monotonicity, tails,
/// knots and ±B, far values, gradients.
final class RationalQuadraticSplineTests: XCTestCase {
    /// Two bins on [−1, 1]: widths ¼, ¾ of the span (x knots −1, −0.5, 1), equal heights
    /// (y knots −1, 0, 1), interior derivative 2.
    let twoBins = RationalQuadraticSpline(bins: 2, bound: 1, minBinWidth: 0, minBinHeight: 0, minDerivative: 1e-6)

    /// Parameters `[widths | heights | derivative]` for `twoBins`, repeated for `n` values: the raw
    /// derivative solves δ_min + softplus(δ̂ + c) = 2 with c = log(e^{1−δ_min} − 1).
    func twoBinParameters(_ n: Int) -> Tensor {
        let minD = 1e-6
        let shift = log(expm1(1 - minD))
        let rawDerivative = Float(log(expm1(2 - minD)) - shift)
        let row: [Float] = [0, Float(log(3.0)), 0, 0, rawDerivative]
        return Tensor(shape: [n, 5], scalars: Array((0..<n).map { _ in row }.joined()))
    }

    func testTwoBinSplineMatchesHandComputedValues() {
        // Bin 0 at x = −0.75: ξ = ½, s = 2, δ = (1, 2): y = −1 + 0.75/1.75 = −4/7, f′ = 7/3.0625 = 16/7.
        // Bin 1 at x = 0.25: ξ = ½, s = ⅔, δ = (2, 1): y = (2/3)/(13/12) = 8/13, f′ = 16/39.
        // Knots map to knots with the knot derivatives: f(−0.5) = 0 with f′ = 2; f(±1) = ±1 with f′ = 1.
        let x = Tensor([-0.75, 0.25, -0.5, -1, 1, 3])
        let expectedY: [Float] = [-4.0 / 7, 8.0 / 13, 0, -1, 1, 3]
        let expectedLog: [Float] = [log(16.0 / 7), log(16.0 / 39), log(2), 0, 0, 0]
        let (y, logDerivative) = twoBins.forward(x, parameters: twoBinParameters(6))
        let (back, inverseLog) = twoBins.inverse(y, parameters: twoBinParameters(6))
        for i in 0..<6 {
            XCTAssertEqual(y[i], expectedY[i], accuracy: 1e-5, "f(\(x[i]))")
            XCTAssertEqual(logDerivative[i], expectedLog[i], accuracy: 1e-5, "log f′(\(x[i]))")
            XCTAssertEqual(back[i], x[i], accuracy: 1e-5, "f⁻¹(f(\(x[i])))")
            XCTAssertEqual(inverseLog[i], -expectedLog[i], accuracy: 1e-5)
        }
    }

    func testOneBinAndZeroParametersAreTheIdentity() {
        let x = Tensor([-5, -2, -0.3, 0, 1.7, 2, 9])
        let oneBin = RationalQuadraticSpline(bins: 1, bound: 2)
        let raw = Tensor.uniform([7, 2], low: -3, high: 3, generator: RandomGenerator(seed: 1))
        let (y, logDerivative) = oneBin.forward(x, parameters: raw)
        XCTAssertLessThan(FlowLayerChecks.maxAbsDifference(y, x), 1e-6, "one bin: w = h = 2B and δ = 1 at both ends")
        XCTAssertLessThan(FlowLayerChecks.maxAbsDifference(logDerivative, Tensor.zeros([7])), 1e-6)
        let eight = RationalQuadraticSpline(bins: 8, bound: 2)
        let (z, zeroLog) = eight.forward(x, parameters: Tensor.zeros([7, 23]))
        XCTAssertLessThan(FlowLayerChecks.maxAbsDifference(z, x), 1e-5)
        XCTAssertLessThan(FlowLayerChecks.maxAbsDifference(zeroLog, Tensor.zeros([7])), 1e-5)
    }

    func randomSpline(_ n: Int, seed: UInt64 = 3) -> (RationalQuadraticSpline, Tensor) {
        let spline = RationalQuadraticSpline(bins: 5, bound: 3)
        return (spline, Tensor.uniform([n, spline.parameterCount], low: -3, high: 3, generator: RandomGenerator(seed: seed)))
    }

    func testStrictlyIncreasingAcrossBinsAndTails() {
        // One random spline for all points: broadcast a single parameter row over a grid across ±B and the tails.
        let (spline, row) = randomSpline(1)
        let n = 401
        let grid = Tensor.linspace(-4, 4, count: n)
        let parameters = Tensor.concat(Array(repeating: row, count: n), axis: 0)
        let (y, logDerivative) = spline.forward(grid, parameters: parameters)
        for i in 1..<n { XCTAssertGreaterThan(y[i], y[i - 1], "not increasing at \(grid[i])") }
        XCTAssertFalse(logDerivative.hasNonFinite)
    }

    func testKnotsBoundsAndTailsGiveFiniteExactRoundTrips() {
        let (spline, parameters) = randomSpline(1, seed: 9)
        // The spline's own knots: ±B, interior x knots (forward), and their images (inverse).
        let probe = Tensor.linspace(-3, 3, count: 601)
        let rows = Tensor.concat(Array(repeating: parameters, count: 601), axis: 0)
        let image = spline.forward(probe, parameters: rows).y
        let values = Tensor([-3, 3, -3.0000002, 3.0000002, -1e6, 1e6, -40, 40, 0])
        let p = Tensor.concat(Array(repeating: parameters, count: values.count), axis: 0)
        let (y, ld) = spline.forward(values, parameters: p)
        let (x, inverseLd) = spline.inverse(values, parameters: p)
        XCTAssertFalse(y.hasNonFinite || ld.hasNonFinite || x.hasNonFinite || inverseLd.hasNonFinite)
        XCTAssertLessThan(FlowLayerChecks.maxAbsDifference(spline.inverse(y, parameters: p).x, values), 1e-4)
        XCTAssertLessThan(FlowLayerChecks.maxAbsDifference(spline.forward(x, parameters: p).y, values), 1e-4)
        for i in 0..<4 { XCTAssertEqual(y[i], values[i], accuracy: 1e-5, "±B and just outside map to themselves") }
        XCTAssertEqual(y[4], -1e6)
        XCTAssertEqual(ld[4], 0)
        XCTAssertLessThan(FlowLayerChecks.maxAbsDifference(spline.inverse(image, parameters: rows).x, probe), 2e-4)
    }

    func testKnotsExactly() {
        // Inputs exactly at the knots of a 4-bin spline with chosen widths/heights.
        let spline = RationalQuadraticSpline(bins: 4, bound: 2, minBinWidth: 0, minBinHeight: 0)
        let row: [Float] = [0, 0, 0, 0, log(1), log(2), log(3), log(2), 0.5, -1, 2]
        let knots: [Float] = [-2, -1, 0, 1, 2]
        let yKnots: [Float] = [-2, -2 + 0.5, -2 + 1.5, -2 + 3, 2]
        let p = Tensor(shape: [5, 11], scalars: Array(Array(repeating: row, count: 5).joined()))
        let (y, ld) = spline.forward(Tensor(knots), parameters: p)
        let (x, ild) = spline.inverse(Tensor(yKnots), parameters: p)
        XCTAssertFalse(ld.hasNonFinite || ild.hasNonFinite)
        for i in 0..<5 {
            XCTAssertEqual(y[i], yKnots[i], accuracy: 1e-5)
            XCTAssertEqual(x[i], knots[i], accuracy: 1e-5)
            XCTAssertEqual(ld[i], -ild[i], accuracy: 1e-5)
        }
    }

    func testAllInputsInTheTailsAreFiniteWithFiniteGradients() {
        let (spline, parameters) = randomSpline(4, seed: 5)
        let x = Tensor([-10, -3.5, 3.5, 1e4]).requiringGrad()
        let p = parameters.requiringGrad()
        let (y, ld) = spline.forward(x, parameters: p)
        (y.sum() + ld.sum()).backward()
        XCTAssertEqual(y.scalars, x.scalars)
        XCTAssertEqual(ld.scalars, [0, 0, 0, 0])
        XCTAssertEqual(x.grad?.scalars, [1, 1, 1, 1])
        XCTAssertFalse(p.grad?.hasNonFinite ?? false)
        let (back, inverseLd) = spline.inverse(x.detached(), parameters: parameters)
        XCTAssertEqual(back.scalars, x.scalars)
        XCTAssertEqual(inverseLd.scalars, [0, 0, 0, 0])
    }

    func testGradientsMatchFiniteDifferences() {
        // Moderate parameters (the spline is C¹ only: see FlowLayerChecks.gradientStep).
        let spline = RationalQuadraticSpline(bins: 5, bound: 3)
        let parameters = Tensor.uniform([6, 14], low: -1.5, high: 1.5, generator: RandomGenerator(seed: 12))
        let x = Tensor([-3.4, -2.2, -0.7, 0.4, 1.9, 2.8])
        for inverse in [false, true] {
            let result = gradcheck([x, parameters], epsilon: FlowLayerChecks.gradientStep, atol: 1e-2, rtol: 1e-2) { v in
                let (out, logDerivative) = inverse ? { let r = spline.inverse(v[0], parameters: v[1]); return (r.x, r.logAbsDet) }()
                                                   : { let r = spline.forward(v[0], parameters: v[1]); return (r.y, r.logAbsDet) }()
                return Tensor.concat([out, logDerivative], axis: 0)
            }
            XCTAssertTrue(result.passed, "\(inverse ? "inverse" : "forward"): \(result)")
        }
    }

    func testWorksOnBatchesOfAnyShape() {
        let spline = RationalQuadraticSpline(bins: 3, bound: 1)
        let x = Tensor.uniform([2, 3, 2], low: -1.5, high: 1.5, generator: RandomGenerator(seed: 4))
        let p = Tensor.uniform([2, 3, 2, 8], low: -2, high: 2, generator: RandomGenerator(seed: 5))
        let (y, ld) = spline.forward(x, parameters: p)
        XCTAssertEqual(y.shape, [2, 3, 2])
        XCTAssertEqual(ld.shape, [2, 3, 2])
        XCTAssertLessThan(FlowLayerChecks.maxAbsDifference(spline.inverse(y, parameters: p).x, x), 1e-5)
    }

    func testNonFiniteInverseInputStopsWithAMessage() {
        let spline = RationalQuadraticSpline(bins: 2, bound: 1)
        assertStops(withMessageContaining: ["RationalQuadraticSpline.inverse", "inf", "flat index 1", "finite"]) {
            _ = spline.inverse(Tensor([0.5, .infinity]), parameters: Tensor.zeros([2, 5]))
        }
        assertStops(withMessageContaining: ["RationalQuadraticSpline.forward", "[3, 5]", "[2, 5]"]) {
            _ = spline.forward(Tensor([0.5, 1, 2]), parameters: Tensor.zeros([2, 5]))
        }
    }
}
