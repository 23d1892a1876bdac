import XCTest
import LatentTestSupport
import Foundation
import LatentTensor
import LatentNN
import LatentProbability

/// Domain checks, edge values and closed forms of the elementwise bijectors.
final class ElementwiseTests: XCTestCase {
    func testInversesOutsideTheirDomainStopWithTheBijectorAndTheValue() {
        assertStops(withMessageContaining: ["Logit", "1.5", "[0, 1]"]) {
            _ = Logit(alpha: 0.05).forward(Tensor([[0.5, 1.5]]))
        }
        assertStops(withMessageContaining: ["Logit(alpha: 0)", "1.0", "(0, 1)"]) {
            _ = Logit(alpha: 0).forward(Tensor([[1.0]]))
        }
        assertStops(withMessageContaining: ["Tanh.inverse", "atanh", "1.0", "(-1, 1)"]) {
            _ = Tanh().inverse(Tensor([[0.2, 1.0]]))
        }
        assertStops(withMessageContaining: ["Sigmoid.inverse", "0.0", "(0, 1)"]) {
            _ = Sigmoid().inverse(Tensor([[0.0]]))
        }
        assertStops(withMessageContaining: ["Exp.inverse", "-2.0", "(0, ∞)"]) {
            _ = Exp().inverse(Tensor([[3, -2]]))
        }
        assertStops(withMessageContaining: ["Softplus.inverse", "nan"]) {
            _ = Softplus().inverse(Tensor([[Float.nan]]))
        }
        assertStops(withMessageContaining: ["Affine", "scale 0.0", "non-zero"]) {
            _ = Affine(scale: Tensor([1, 0]), shift: Tensor([0]))
        }
    }

    func testLogitWithMarginAcceptsTheClosedIntervalAndMatchesTheFormula() {
        let alpha: Float = 0.05
        let x = Tensor([[0, 0.25, 1]])
        let (y, logDet) = Logit(alpha: alpha).forwardAndLogDet(x, context: nil)
        var expected = 0.0
        for (i, v) in [0.0, 0.25, 1.0].enumerated() {
            let p = 0.05 + 0.9 * v
            XCTAssertEqual(Double(y[0, i]), log(p / (1 - p)), accuracy: 1e-5)
            expected += log(0.9 / (p * (1 - p)))
        }
        XCTAssertEqual(Double(logDet[0]), expected, accuracy: 1e-4)
        XCTAssertFalse(y.hasNonFinite)
    }

    func testPlainLogitIsTheInverseOfSigmoid() {
        let x = Tensor([[0.1, 0.5, 0.93]])
        let (a, la) = Logit(alpha: 0).forwardAndLogDet(x, context: nil)
        let (b, lb) = Inverse(Sigmoid()).forwardAndLogDet(x, context: nil)
        XCTAssertLessThan(BijectorHarness.maxError(a, b), 1e-5)
        XCTAssertLessThan(BijectorHarness.maxError(la, lb), 1e-4)
    }

    func testSoftplusInverseIsAccurateNearZeroAndForLargeValues() {
        let ys: [Float] = [1e-6, 1e-4, 9e-4, 1.1e-3, 0.5, 30]
        let x = Softplus().inverse(Tensor([ys]))
        for (i, y) in ys.enumerated() {
            let exact = log(expm1(Double(y)))
            XCTAssertEqual(Double(x[0, i]), exact, accuracy: 1e-4 * max(1, abs(exact)), "y = \(y)")
        }
    }

    func testTanhLogDetIsFiniteFarInTheTails() {
        let (_, logDet) = Tanh().forwardAndLogDet(Tensor([[-40, 40]]), context: nil)
        XCTAssertEqual(Double(logDet[0]), 2 * 2 * (log(2.0) - 40), accuracy: 1e-3)
    }

    func testAffineFixedIsFrozenAndLearnableStartsAtTheIdentity() {
        let fixed = Affine(scale: Tensor([2, -3]), shift: Tensor([1, 1]))
        XCTAssertTrue(fixed.trainableParameters().isEmpty)
        XCTAssertEqual(fixed.namedBuffers().map { $0.0 }, ["sign"])
        let (y, logDet) = fixed.forwardAndLogDet(Tensor([[1, 1]]), context: nil)
        XCTAssertEqual(y.scalars, [3, -2])
        XCTAssertEqual(Double(logDet[0]), log(6.0), accuracy: 1e-6)
        let learnable = Affine(shape: [3])
        XCTAssertEqual(learnable.trainableParameters().count, 2)
        let x = Tensor([[1, 2, 3]])
        XCTAssertEqual(learnable.forward(x).scalars, x.scalars)
    }
}
