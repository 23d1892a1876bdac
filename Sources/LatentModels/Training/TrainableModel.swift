import LatentTensor
import LatentNN

/// One mini-batch: inputs `x` and, for supervised or conditional models, `y` (labels, targets or
/// a context), as a `DataLoader` yields them.
public struct Batch {
    /// Inputs, first axis = examples.
    public var x: Tensor
    /// Labels / targets / context, first axis = examples (nil when unused).
    public var y: Tensor?

    public init(x: Tensor, y: Tensor? = nil) { (self.x, self.y) = (x, y) }
}

/// The value a model minimizes on a batch and its named parts, all in nats per example (summed
/// over data and latent dimensions, averaged over the batch — DESIGN.md's convention), e.g.
/// `["reconstruction": 80.1, "kl": 25.3]` for a VAE whose `loss` is 105.4.
public struct TrainingLoss {
    /// The scalar to minimize (differentiable).
    public var loss: Tensor
    /// Named parts for logs and NaN reports (plain numbers).
    public var parts: [String: Double]

    public init(loss: Tensor, parts: [String: Double] = [:]) { (self.loss, self.parts) = (loss, parts) }
}

/// A model the shared training loop can train: every VAE and flow model conforms.
public protocol TrainableModel: Module {
    /// The objective on one training batch (records the tape). `step` counts optimizer steps from
    /// 0, for schedules inside the objective such as KL warm-up.
    func trainingLoss(_ batch: Batch, step: Int, generator: RandomGenerator) -> TrainingLoss
    /// Metrics on one evaluation batch, per-example means in nats (or bits/dim where named so);
    /// called in evaluation mode without recording gradients. The loop averages them over batches,
    /// weighting by batch size.
    func evaluationMetrics(_ batch: Batch, generator: RandomGenerator) -> [String: Double]
}
