import Foundation
import LatentTensor
import LatentNN
import LatentData

/// A minimal maximum-likelihood loop for flows on samplable densities (the 2-D toy densities),
/// where every step draws a fresh batch: Adam on `FlowModel.trainingLoss`. Data sets with a
/// fixed training split go through the shared `Trainer` instead.
public enum FlowTraining {
    /// Runs `steps` Adam steps (learning rate `learningRate`) on batches of `batchSize` fresh
    /// draws from `density` (with context labels from `labels` when the model is conditional).
    /// Returns the last step's loss (mean NLL, nats). Stops with a message if a loss is not finite.
    @discardableResult
    public static func fit(_ model: FlowModel, steps: Int, batchSize: Int, learningRate: Float = 1e-3,
                           generator: RandomGenerator, draw: (Int, RandomGenerator) -> Batch) -> Double {
        require(steps >= 0 && batchSize > 0, "FlowTraining.fit: need steps ≥ 0 and batchSize > 0, got \(steps), \(batchSize)")
        let optimizer = Adam(model.namedParameters(), learningRate: learningRate)
        var last = Double.nan
        for step in 0..<steps {
            let objective = model.trainingLoss(draw(batchSize, generator), step: step, generator: generator)
            last = Double(objective.loss.item)
            require(last.isFinite, "FlowTraining.fit: the loss became \(last) at step \(step) (parts \(objective.parts))")
            optimizer.zeroGrad()
            objective.loss.backward()
            optimizer.step()
        }
        return last
    }

    /// `fit` on an unconditional 2-D toy density.
    @discardableResult
    public static func fit(_ model: FlowModel, density: any Toy2DDensity, steps: Int, batchSize: Int,
                           learningRate: Float = 1e-3, generator: RandomGenerator) -> Double {
        fit(model, steps: steps, batchSize: batchSize, learningRate: learningRate, generator: generator) { n, g in
            Batch(x: density.sample(n, generator: g))
        }
    }

    /// Mean NLL in nats of `count` fresh draws of `density` (evaluated in chunks of 5,000).
    public static func testNLL(_ model: FlowModel, density: any Toy2DDensity, count: Int = 20_000,
                               generator: RandomGenerator) -> Double {
        var total = 0.0, done = 0
        while done < count {
            let n = min(5_000, count - done)
            total += model.evaluationMetrics(Batch(x: density.sample(n, generator: generator)), generator: generator)["nll"]! * Double(n)
            done += n
        }
        return total / Double(count)
    }
}
