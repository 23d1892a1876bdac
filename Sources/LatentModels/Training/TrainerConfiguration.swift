import Foundation
import LatentNN

/// What the training loop does besides stepping the optimizer.
public struct TrainerConfiguration {
    /// Total epochs of a run (a resumed run continues up to this count).
    public var epochs: Int
    /// Seeds the per-step generators: step s draws from `RandomGenerator(seed: mix(seed, s))`, so a
    /// run's randomness depends only on (seed, step) and resuming needs no generator state.
    public var seed: UInt64
    /// When set, gradients are rescaled so that their global L2 norm is at most this.
    public var gradientClipNorm: Float?
    /// When set, the learning rate of step s is `schedule.learningRate(atStep: s)`.
    public var schedule: (any LearningRateSchedule)?
    /// Evaluation metric whose minimum selects the "best" checkpoint (e.g. "loss").
    public var bestMetric: String
    /// Folder for `last.safetensors` and `best.safetensors` (nil: no checkpoints).
    public var checkpointDirectory: URL?
    /// JSON Lines file receiving one record per epoch and a final one (nil: no log).
    public var metricsFile: URL?
    /// A loss (or test metric) whose magnitude exceeds this many nats per example counts as
    /// diverged, like a NaN: the run stops with `TrainingError.nonFiniteLoss` instead of saving
    /// weights that only produce garbage (a flow at learning rate 1 reaches NLLs of 1e26 while
    /// every number is still finite). Real losses stay far below: ~1e4 nats for a 64×64 image.
    public var divergenceLimit: Double = 1e8
    /// Extra metadata written into every checkpoint beside the trainer's own keys — e.g. the
    /// model's configuration as JSON, so that a checkpoint alone can rebuild its model.
    public var checkpointMetadata: [String: String] = [:]

    /// A configuration; only `epochs` is required.
    public init(epochs: Int, seed: UInt64 = 0, gradientClipNorm: Float? = nil,
                schedule: (any LearningRateSchedule)? = nil, bestMetric: String = "loss",
                checkpointDirectory: URL? = nil, metricsFile: URL? = nil) {
        self.epochs = epochs
        self.seed = seed
        self.gradientClipNorm = gradientClipNorm
        self.schedule = schedule
        self.bestMetric = bestMetric
        self.checkpointDirectory = checkpointDirectory
        self.metricsFile = metricsFile
    }
}

/// What the loop reports after each epoch (to `onEpochEnd` and the metrics log).
public struct EpochReport {
    /// The epoch just finished, 1-based.
    public var epoch: Int
    /// Optimizer steps taken so far in the whole run.
    public var step: Int
    /// Batch-size-weighted means of the training loss parts over the epoch (`"loss"` included).
    public var train: [String: Double]
    /// Batch-size-weighted means of `evaluationMetrics` over the test loader (empty without one).
    public var test: [String: Double]
    /// Wall-clock seconds the epoch took (training and evaluation), to the millisecond.
    public var seconds: Double
    /// The learning rate of the epoch's last step.
    public var learningRate: Double

    /// A report from its parts (the trainer makes them; tools read them back from metrics logs).
    public init(epoch: Int, step: Int, train: [String: Double], test: [String: Double], seconds: Double, learningRate: Double) {
        (self.epoch, self.step, self.train, self.test, self.seconds, self.learningRate) = (epoch, step, train, test, seconds, learningRate)
    }

    /// The flat record written to the metrics log: `epoch`, `step`, `seconds`, `learning_rate`,
    /// `train.<part>`, `test.<metric>`.
    public var record: [String: Any] {
        var r: [String: Any] = ["epoch": epoch, "step": step, "seconds": seconds, "learning_rate": learningRate]
        for (k, v) in train { r["train." + k] = v }
        for (k, v) in test { r["test." + k] = v }
        return r
    }
}

/// Where the loop stands after one optimizer step (for progress displays).
public struct StepProgress {
    /// The epoch being trained, 1-based.
    public var epoch: Int
    /// Batches done in this epoch (1 after the first).
    public var batch: Int
    /// Batches in one epoch.
    public var batchesPerEpoch: Int
    /// Optimizer steps taken so far in the whole run.
    public var step: Int
    /// Examples in this step's batch.
    public var batchSize: Int
    /// The step's loss and its parts (nats per example), `"loss"` included.
    public var parts: [String: Double]
}
