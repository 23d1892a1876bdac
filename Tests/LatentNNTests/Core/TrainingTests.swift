import XCTest
import Foundation
import LatentTensor
import LatentNN

/// An end-to-end check that the pieces train together: a 2-layer MLP fits a nonlinear function.
final class TrainingTests: XCTestCase {
    func testMLPLearnsNonlinearRegression() {
        let g = RandomGenerator(seed: 0)
        // y = sin(3x₁)·cos(2x₂) on [−1, 1]²; the variance of y is about 0.25.
        let x = Tensor.uniform([256, 2], low: -1, high: 1, generator: g)
        let x1 = x.slice(axis: 1, from: 0, to: 1), x2 = x.slice(axis: 1, from: 1, to: 2)
        let y = Tensor(shape: [256, 1], scalars: zip(x1.scalars, x2.scalars).map { Foundation.sin(3 * $0) * Foundation.cos(2 * $1) })
        let model = Sequential(Linear(2, 64, generator: g), Activation.tanh, Linear(64, 1, generator: g))
        let opt = Adam(model.namedParameters(), learningRate: 0.01)
        var loss: Float = .infinity
        for _ in 0..<600 {
            opt.zeroGrad()
            let l = (model(x) - y).square().mean()
            l.backward()
            opt.step()
            loss = l.item
        }
        XCTAssertLessThan(loss, 0.005, "mean squared error after 600 Adam steps (target variance ≈ 0.25)")
    }
}
