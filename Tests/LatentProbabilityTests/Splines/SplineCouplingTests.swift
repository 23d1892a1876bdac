import XCTest
import LatentTensor
import LatentNN
import LatentProbability

/// Spline coupling specifics: which features pass through, mask variants, the log-determinant as
/// the sum of the elementwise spline log-derivatives.
final class SplineCouplingTests: XCTestCase {
    func testMasksChooseTheTransformedFeatures() {
        let spline = RationalQuadraticSpline(bins: 3, bound: 2)
        let cases: [(SplineCoupling.Mask, Bool, [Int])] = [
            (.half, false, [2, 3, 4]), (.half, true, [0, 1]),
            (.alternating, false, [1, 3]), (.alternating, true, [0, 2, 4]),
            (.custom([true, false, false, true, false]), false, [0, 3]),
        ]
        for (mask, flipped, transformed) in cases {
            let layer = SplineCoupling(features: 5, mask: mask, flipped: flipped, hiddenFeatures: [6], spline: spline)
            XCTAssertEqual(layer.transformedIndices, transformed)
            FlowLayerChecks.randomizeParameters(layer, scale: 1)
            let x = Tensor.uniform([3, 5], low: -1.5, high: 1.5, generator: RandomGenerator(seed: 7))
            let y = withoutGrad { layer.forward(x) }
            for j in 0..<5 {
                let moved = (0..<3).map { Swift.abs(y[$0, j] - x[$0, j]) }.max()!
                if transformed.contains(j) {
                    XCTAssertGreaterThan(moved, 1e-4, "feature \(j) should change (\(mask), flipped \(flipped))")
                } else {
                    XCTAssertEqual(moved, 0, "feature \(j) must pass through (\(mask), flipped \(flipped))")
                }
            }
        }
    }

    func testLogDeterminantIsTheSumOfSplineLogDerivatives() {
        let spline = RationalQuadraticSpline(bins: 4, bound: 2)
        let layer = SplineCoupling(features: 2, hiddenFeatures: [5], contextFeatures: 1, spline: spline, activation: .tanh)
        FlowLayerChecks.randomizeParameters(layer)
        let x = Tensor([[0.3, -1.2], [-2.5, 0.7], [1.0, 2.5]])
        let context = Tensor([[1], [0], [-1]])
        let (y, logDet) = withoutGrad { layer.forwardAndLogDet(x, context: context) }
        let theta = withoutGrad {
            layer.conditioner(Tensor.concat([x.slice(axis: 1, from: 0, to: 1), context], axis: 1)).reshaped([3, 1, 11])
        }
        let (direct, logDerivative) = withoutGrad { spline.forward(x.slice(axis: 1, from: 1, to: 2), parameters: theta) }
        XCTAssertLessThan(FlowLayerChecks.maxAbsDifference(y.slice(axis: 1, from: 1, to: 2), direct), 1e-6)
        XCTAssertLessThan(FlowLayerChecks.maxAbsDifference(logDet, logDerivative.reshaped([3])), 1e-6)
        XCTAssertEqual(y[2, 1], 2.5, "tail value passes through")
    }
}
