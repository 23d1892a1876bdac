import XCTest
import Foundation
import LatentTensor
import LatentNN
import LatentModels

/// The contract a model implements for the training loop, exercised on the smallest model there
/// is: a learned mean μ with the Gaussian negative log-likelihood ½‖x − μ‖² + (D/2)·log 2π.
final class TrainableModelContractTests: XCTestCase {
    final class GaussianMean: Module, TrainableModel {
        let mu = Parameter(Tensor.zeros([2]))

        func trainingLoss(_ batch: Batch, step: Int, generator: RandomGenerator) -> TrainingLoss {
            let nll = ((batch.x - mu.value).square().sum(axis: 1) * 0.5 + Float(Foundation.log(2 * Double.pi))).mean()
            return TrainingLoss(loss: nll, parts: ["nll": Double(nll.item)])
        }

        func evaluationMetrics(_ batch: Batch, generator: RandomGenerator) -> [String: Double] {
            ["nll": trainingLoss(batch, step: 0, generator: generator).parts["nll"]!]
        }
    }

    func testLossPartsAndGradientDescentReachTheSampleMean() {
        let model = GaussianMean()
        let batch = Batch(x: Tensor([[1, 2], [3, 6]]))
        let first = model.trainingLoss(batch, step: 0, generator: RandomGenerator(seed: 0))
        // At μ = 0: mean of ½‖x‖² = ½·(5 + 45)/2 = 12.5, plus log 2π.
        XCTAssertEqual(first.parts["nll"]!, 12.5 + Foundation.log(2 * Double.pi), accuracy: 1e-5)
        let optimizer = SGD(model.namedParameters(), learningRate: 0.5)
        for step in 0..<50 {
            optimizer.zeroGrad()
            model.trainingLoss(batch, step: step, generator: RandomGenerator(seed: 0)).loss.backward()
            optimizer.step()
        }
        XCTAssertEqual(model.mu.value.scalars, [2, 4], "the maximum-likelihood mean is the sample mean")
        XCTAssertEqual(model.evaluationMetrics(batch, generator: RandomGenerator(seed: 0))["nll"]!,
                       2.5 + Foundation.log(2 * Double.pi), accuracy: 1e-5)
    }
}
