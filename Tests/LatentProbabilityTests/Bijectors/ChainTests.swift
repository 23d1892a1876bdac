import XCTest
import Foundation
import LatentTensor
import LatentNN
import LatentProbability

/// Composition order, summed log-determinants and direction swapping.
final class ChainTests: XCTestCase {
    func testChainAppliesInOrderAndAddsLogDets() {
        let scale = Affine(scale: Tensor([2]), shift: Tensor([0]))
        let shift = Affine(scale: Tensor([1]), shift: Tensor([1]))
        let x = Tensor([[1, 2]])
        let (y, logDet) = Chain(scale, Exp(), shift).forwardAndLogDet(x, context: nil)
        XCTAssertEqual(y[0, 0], Foundation.exp(2) + 1, accuracy: 1e-4)
        XCTAssertEqual(logDet[0], 2 * Float(Foundation.log(2.0)) + 2 + 4, accuracy: 1e-5)
        let (back, inverseLogDet) = Chain(scale, Exp(), shift).inverseAndLogDet(y, context: nil)
        XCTAssertLessThan(BijectorHarness.maxError(back, x), 1e-5)
        XCTAssertEqual(inverseLogDet[0], -logDet[0], accuracy: 1e-5)
        XCTAssertEqual(Chain([]).forward(x).scalars, x.scalars)
    }

    func testInverseSwapsDirections() {
        let x = Tensor([[0.2, 0.7]])
        let (y, logDet) = Inverse(Tanh()).forwardAndLogDet(x, context: nil)
        let (expected, expectedLogDet) = Tanh().inverseAndLogDet(x, context: nil)
        XCTAssertEqual(y.scalars, expected.scalars)
        XCTAssertEqual(logDet.scalars, expectedLogDet.scalars)
        XCTAssertEqual(Inverse(Squeeze()).inverse(Tensor.zeros([1, 1, 2, 2])).shape, [1, 4, 1, 1])
    }
}
