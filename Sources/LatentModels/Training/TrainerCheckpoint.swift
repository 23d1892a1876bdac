import Foundation
import LatentTensor
import LatentNN

/// Metadata keys the trainer writes into every checkpoint.
public enum TrainerCheckpointKey {
    /// Completed epochs.
    public static let epoch = "trainer.epoch"
    /// Optimizer steps taken.
    public static let step = "trainer.step"
    /// The loader epoch the next training epoch reads (equal to `epoch`).
    public static let loaderEpoch = "trainer.loader_epoch"
    /// The best value of the watched metric so far.
    public static let best = "trainer.best"
    /// Name of the watched metric.
    public static let bestMetric = "trainer.best_metric"
    /// The run's seed; together with `step` it determines every later generator.
    public static let seed = "trainer.seed"
}

extension Trainer {
    private typealias CheckpointKey = TrainerCheckpointKey

    /// Saves parameters, buffers, optimizer state, the loop position (see `CheckpointKey`) and
    /// `configuration.checkpointMetadata` to `url`.
    public func saveCheckpoint(to url: URL) throws {
        try model.save(to: url, optimizer: optimizer, metadata: configuration.checkpointMetadata.merging([
            CheckpointKey.epoch: String(epoch),
            CheckpointKey.step: String(step),
            CheckpointKey.loaderEpoch: String(epoch),
            CheckpointKey.best: String(bestValue),
            CheckpointKey.bestMetric: configuration.bestMetric,
            CheckpointKey.seed: String(configuration.seed),
        ]) { _, trainer in trainer })
    }

    /// Restores everything `saveCheckpoint` wrote, so that the next `fit` continues the run exactly —
    /// given loaders built as in the original run (same data, batch size, seed and transform), since
    /// the next epoch reads loader epoch `epoch`. The configuration's seed is replaced by the
    /// checkpoint's. Throws on a missing or malformed field.
    public func resume(from url: URL) throws {
        let metadata = try model.load(from: url, optimizer: optimizer)
        func field<T>(_ key: String, _ parse: (String) -> T?) throws -> T {
            guard let text = metadata[key], let value = parse(text) else {
                throw TrainingError.unreadableFile(path: url.path, problem: "metadata field \(key) missing or malformed (\(metadata[key] ?? "absent"))")
            }
            return value
        }
        let savedEpoch = try field(CheckpointKey.epoch) { Int($0) }
        let savedStep = try field(CheckpointKey.step) { Int($0) }
        let savedBest = try field(CheckpointKey.best) { Double($0) }
        let savedSeed = try field(CheckpointKey.seed) { UInt64($0) }
        (epoch, step, bestValue) = (savedEpoch, savedStep, savedBest)
        configuration.seed = savedSeed
    }
}
