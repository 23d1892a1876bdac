import XCTest
import LatentTensor
import LatentNN
import LatentProbability

/// Autoregressive spline specifics: the MAF arrangement's inverse is one pass of the spline on
/// the data; single-feature layers with a context; far inputs.
final class AutoregressiveSplineTests: XCTestCase {
    func testInverseIsTheSplineInverseWithParametersFromTheData() {
        let spline = RationalQuadraticSpline(bins: 4, bound: 2)
        let layer = AutoregressiveSpline(features: 3, hiddenFeatures: [6], spline: spline, activation: .tanh)
        FlowLayerChecks.randomizeParameters(layer)
        let x = Tensor.uniform([4, 3], low: -2.5, high: 2.5, generator: RandomGenerator(seed: 3))
        let (z, logDet) = withoutGrad { layer.inverseAndLogDet(x, context: nil) }
        let (direct, logDerivative) = withoutGrad { spline.inverse(x, parameters: layer.made(x)) }
        XCTAssertLessThan(FlowLayerChecks.maxAbsDifference(z, direct), 1e-6)
        XCTAssertLessThan(FlowLayerChecks.maxAbsDifference(logDet, logDerivative.sum(axis: 1)), 1e-6)
    }

    func testSingleFeatureWithContextIsAConditionalSpline() {
        let layer = AutoregressiveSpline(features: 1, hiddenFeatures: [4], contextFeatures: 2,
                                         spline: RationalQuadraticSpline(bins: 3, bound: 1), activation: .tanh)
        FlowLayerChecks.randomizeParameters(layer, scale: 1)
        let x = Tensor([[0.2], [0.2]])
        let context = Tensor([[1, 0], [0, 1]])
        let y = withoutGrad { layer.forward(x, context: context) }
        XCTAssertNotEqual(y[0, 0], y[1, 0])
        let e = FlowLayerChecks.roundTripErrors(layer, x, context: context)
        XCTAssertLessThan(max(e.inverseOfForward, e.forwardOfInverse), 1e-5)
    }

    func testFarInputsRoundTripWithoutNaN() {
        for arrangement in [AutoregressiveArrangement.maskedAutoregressive, .inverseAutoregressive] {
            let layer = AutoregressiveSpline(features: 2, hiddenFeatures: [6], arrangement: arrangement,
                                             spline: RationalQuadraticSpline(bins: 5, bound: 3))
            FlowLayerChecks.randomizeParameters(layer)
            let x = Tensor([[1e5, -1e5], [-3, 3], [0, 1e-7], [50, 2.9]])
            let (y, logDet) = withoutGrad { layer.forwardAndLogDet(x, context: nil) }
            XCTAssertFalse(y.hasNonFinite || logDet.hasNonFinite)
            let e = FlowLayerChecks.roundTripErrors(layer, x, context: nil)
            XCTAssertLessThan(max(e.inverseOfForward, e.forwardOfInverse), 1e-3, "\(arrangement)")
        }
    }
}
