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
    /// Batches of loader epoch `epoch` already trained (0 at an epoch boundary).
    public static let epochBatches = "trainer.epoch_batches"
    /// Examples in those batches.
    public static let epochExamples = "trainer.epoch_examples"
    /// JSON object: the batch-size-weighted sums of the loss parts over those batches, each as
    /// the exact decimal text of a Double.
    public static let epochSums = "trainer.epoch_sums"
    /// JSON array of the metrics-log line of every completed epoch (`Trainer.runRecords`).
    public static let history = "trainer.history"
    /// Examples per optimizer step (the global batch: per-rank batch × ranks) when the checkpoint
    /// was written — a mid-epoch resume with another global batch restarts at the batch holding
    /// the first example not yet trained.
    public static let batchExamples = "trainer.batch_examples"
    /// The number of ranks that wrote the checkpoint (1 without MPI).
    public static let worldSize = "trainer.world_size"
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
            CheckpointKey.epochBatches: String(epochPosition.batches),
            CheckpointKey.epochExamples: String(epochPosition.examples),
            CheckpointKey.epochSums: Self.json(epochPosition.sums.mapValues { String($0) }),
            CheckpointKey.history: Self.json(runRecords),
            CheckpointKey.batchExamples: String(batchExamples),
            CheckpointKey.worldSize: String(communicator?.size ?? 1),
        ]) { _, trainer in trainer })
    }

    private static func json(_ value: Any) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])) ?? Data("null".utf8), as: UTF8.self)
    }

    /// Restores everything `saveCheckpoint` wrote, so that the next `fit` continues the run exactly —
    /// given loaders built as in the original run (same data, batch size, seed and transform), since
    /// the next epoch reads loader epoch `epoch`. The configuration's seed is replaced by the
    /// checkpoint's. A mid-epoch checkpoint continues inside its epoch. Throws on a missing or
    /// malformed field (counts are checked before any conversion).
    public func resume(from url: URL) throws {
        let metadata = try model.load(from: url, optimizer: optimizer)
        func field<T>(_ key: String, _ parse: (String) -> T?) throws -> T {
            guard let text = metadata[key], let value = parse(text) else {
                throw TrainingError.unreadableFile(path: url.path, problem: "metadata field \(key) missing or malformed (\(metadata[key].map { $0.count > 80 ? $0.prefix(80) + "…" : $0 } ?? "absent"))")
            }
            return value
        }
        func count(_ key: String, default value: Int? = nil) throws -> Int {
            if metadata[key] == nil, let value { return value }
            return try field(key) { Int($0).flatMap { (0...1_000_000_000_000_000).contains($0) ? $0 : nil } }
        }
        let savedEpoch = try count(CheckpointKey.epoch)
        let savedStep = try count(CheckpointKey.step)
        if metadata[CheckpointKey.loaderEpoch] != nil {
            _ = try field(CheckpointKey.loaderEpoch) { Int($0).flatMap { $0 == savedEpoch ? $0 : nil } }
        }
        let savedBest = try field(CheckpointKey.best) { Double($0).flatMap { $0.isNaN ? nil : $0 } }
        let savedSeed = try field(CheckpointKey.seed) { UInt64($0) }
        // Older checkpoints (before mid-epoch saves and stored history) lack the keys below;
        // their loss parts may carry old names (`bitsPerDim`), read under today's (`MetricNames`).
        var position = EpochPosition(batches: try count(CheckpointKey.epochBatches, default: 0),
                                     examples: try count(CheckpointKey.epochExamples, default: 0))
        if metadata[CheckpointKey.epochSums] != nil {
            position.sums = try field(CheckpointKey.epochSums) { text -> [String: Double]? in
                guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String] else { return nil }
                var sums: [String: Double] = [:]
                for (key, value) in object {
                    guard let number = Double(value), number.isFinite else { return nil }
                    sums[key] = number
                }
                return MetricNames.current(sums)
            }
        }
        var records: [String] = []
        if metadata[CheckpointKey.history] != nil {
            records = try field(CheckpointKey.history) { text -> [String]? in
                guard let lines = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String],
                      lines.count == savedEpoch, lines.allSatisfy({ !$0.contains("\n") }) else { return nil }
                return lines.map(MetricNames.currentLine)
            }
        }
        let savedBatch = try count(CheckpointKey.batchExamples, default: 0)
        (epoch, step, bestValue) = (savedEpoch, savedStep, savedBest)
        batchExamples = savedBatch
        (epochPosition, runRecords) = (position, records)
        configuration.seed = savedSeed
    }
}
