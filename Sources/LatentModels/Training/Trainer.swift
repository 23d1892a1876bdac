import Foundation
import LatentTensor
import LatentNN
import LatentData

/// The shared training loop for every `TrainableModel` (VAEs, flows): epochs over a training
/// loader, evaluation on a test loader, checkpoints, a JSON Lines metrics log and exact resume.
///
/// Reproducibility: optimizer step s draws all its randomness from a fresh generator seeded by
/// (`configuration.seed`, s), epoch e visits `train.iterator(forEpoch: e)`, and the learning rate
/// of step s is `schedule(s)`. So the whole state of a run is (parameters, optimizer state, epoch,
/// step, best metric) — exactly what `last.safetensors` holds — and a run of n epochs equals,
/// bit for bit, a run of m epochs, `resume(from:)`, and n − m more.
///
/// Interruption: when `shouldStop` answers true after a step, the loop saves `last.safetensors`
/// *mid-epoch* — with the batches already done in the epoch and the epoch's partial loss sums —
/// and throws `TrainingError.interrupted`; resuming from it skips those batches (replaying the
/// loader's transform draws) and reproduces the uninterrupted run bit for bit.
public final class Trainer<Model: TrainableModel> {
    /// The model being trained.
    public let model: Model
    /// Updates the model's parameters (built from `model.namedParameters()`).
    public let optimizer: any Optimizer
    /// Epochs, seed, clipping, schedule, files.
    public var configuration: TrainerConfiguration
    /// Called after every epoch (after evaluation and checkpoints) — e.g. to save sample grids.
    public var onEpochEnd: ((EpochReport, Model) throws -> Void)?
    /// Called after every optimizer step — e.g. to drive a progress bar. Keep it cheap.
    public var onStepEnd: ((StepProgress) -> Void)?
    /// Asked after every optimizer step and at every epoch end: true stops the run with a
    /// resumable checkpoint (e.g. after Ctrl-C). Keep it cheap.
    public var shouldStop: (() -> Bool)?
    /// The ranks to train with, data-parallel (nil or one rank: this process alone). Every rank
    /// runs the same `fit` on the same data: each takes its rows of every batch (the loaders'
    /// `batchSize` is the global batch), gradients are averaged over the ranks
    /// (`GradientReducer`), and the optimizer steps are the same everywhere; evaluation is
    /// split the same way. Only rank 0 writes checkpoints and the metrics log and calls
    /// `onEpochEnd` / `onStepEnd`. See docs/DISTRIBUTED.md.
    public var communicator: (any Communicator)?
    /// Examples per optimizer step of the current run (the global batch), 0 before the first epoch.
    public internal(set) var batchExamples = 0
    /// The gradient averaging of a data-parallel run (made at the first distributed epoch).
    var reducer: GradientReducer?
    /// The loss parts all ranks were last found to report alike.
    var verifiedLossParts: [String]?
    /// Epochs completed so far; the next epoch is `epoch + 1` and reads loader epoch `epoch`.
    public internal(set) var epoch = 0
    /// Optimizer steps taken so far.
    public internal(set) var step = 0
    /// The lowest `configuration.bestMetric` seen so far (test metrics, or training ones without a test loader).
    public internal(set) var bestValue = Double.infinity
    /// The reports of the epochs run by this trainer object.
    public private(set) var history: [EpochReport] = []
    /// The metrics-log line of every completed epoch of the whole run, earlier sessions included:
    /// saved in every checkpoint (so a run folder's metrics can be rebuilt after a kill) and
    /// restored by `resume(from:)`.
    public internal(set) var runRecords: [String] = []
    /// Where the current epoch stands: batches of loader epoch `epoch` already trained, with the
    /// batch-size-weighted sums of their loss parts (non-zero only after resuming mid-epoch).
    public internal(set) var epochPosition = EpochPosition()

    /// A loop training `model` with `optimizer`.
    public init(model: Model, optimizer: any Optimizer, configuration: TrainerConfiguration) {
        require(configuration.epochs >= 0, "Trainer: epochs must be ≥ 0, got \(configuration.epochs)")
        self.model = model
        self.optimizer = optimizer
        self.configuration = configuration
    }

    /// The seed of step `step`'s generator, a SplitMix-style mix of (seed, step).
    public static func stepSeed(_ seed: UInt64, step: Int) -> UInt64 {
        var z = seed &+ UInt64(truncatingIfNeeded: step) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Trains from epoch `epoch + 1` through `configuration.epochs`, evaluating on `test` after each
    /// epoch, and returns this call's reports. Throws `TrainingError.nonFiniteLoss` (after saving
    /// nothing for the failing epoch) or a file error.
    @discardableResult
    public func fit(train: DataLoader, test: DataLoader? = nil) throws -> [EpochReport] {
        var reports: [EpochReport] = []
        var (train, test) = (train, test)
        if let group = ranks {
            (train, test) = (shardedForRanks(train, group), test.map { shardedForRanks($0, group) })
            try synchronizeRanks(group)
        }
        while epoch < configuration.epochs {
            let start = Date()
            let trainMetrics = try trainEpoch(train)
            let testMetrics = try test.map { try evaluateOverRanks($0) } ?? [:]
            if let bad = testMetrics.first(where: { !isSane($0.value) }) {
                throw TrainingError.nonFiniteLoss(epoch: epoch + 1, step: step, loss: bad.value,
                                                  parts: testMetrics.mapKeys { "test." + $0 })
            }
            epoch += 1
            let report = EpochReport(epoch: epoch, step: step, train: trainMetrics, test: testMetrics,
                                     seconds: (Date().timeIntervalSince(start) * 1000).rounded() / 1000, learningRate: Double(optimizer.learningRate))
            let watched = (test == nil ? trainMetrics : testMetrics)[configuration.bestMetric]
            let improved = watched.map { $0 < bestValue } ?? false
            if improved, let value = watched { bestValue = value }
            let line = try MetricsLog.line(report.record)
            runRecords.append(line)
            // Best, then last, then the log: a kill after `best` re-runs this epoch from the previous
            // `last` (identically, so `best` ends the same); a kill after `last` leaves a checkpoint
            // whose `runRecords` still hold this epoch, from which the log is rebuilt.
            if isWriter, let folder = configuration.checkpointDirectory {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                if improved { try saveCheckpoint(to: folder.appendingPathComponent("best.safetensors")) }
                try saveCheckpoint(to: folder.appendingPathComponent("last.safetensors"))
            }
            if isWriter, let file = configuration.metricsFile { try MetricsLog(url: file).append(line: line) }
            history.append(report)
            reports.append(report)
            if isWriter { try onEpochEnd?(report, model) }
            if epoch < configuration.epochs, try stopAgreed(shouldStop?() == true) {
                throw TrainingError.interrupted(epoch: epoch, batch: 0, step: step)
            }
        }
        if isWriter, let file = configuration.metricsFile, let last = history.last {
            var record = last.record
            record["final"] = true
            record["best." + configuration.bestMetric] = bestValue
            try MetricsLog(url: file).append(record)
        }
        return reports
    }

    /// One pass over loader epoch `epoch` (from batch `epochPosition.batches` on, after a
    /// mid-epoch resume): for each batch, loss → NaN check → backward → clip → step. Returns the
    /// batch-size-weighted means of the loss and its parts over the whole epoch.
    public func trainEpoch(_ loader: DataLoader) throws -> [String: Double] {
        model.train()
        var position = epochPosition
        if position.batches > 0, batchExamples > 0, batchExamples != loader.batchSize {
            // Resumed with another global batch (another number of ranks): restart at the batch
            // holding the first example not yet trained; the examples before it in that batch
            // are trained a second time.
            position.batches = position.examples / loader.batchSize
        }
        guard position.batches <= loader.batchesPerEpoch else {
            throw TrainingError.unreadableFile(path: "the resumed checkpoint", problem: "it stopped after batch \(position.batches) of an epoch, but the loader has \(loader.batchesPerEpoch) batches per epoch (different data or batch size?)")
        }
        epochPosition = EpochPosition()
        for (x, y) in IteratorSequence(loader.iterator(forEpoch: epoch, startingAt: position.batches)) {
            if let schedule = configuration.schedule { optimizer.learningRate = schedule.learningRate(atStep: step) }
            let generator = RandomGenerator(seed: Self.stepSeed(configuration.seed, step: step))
            generator.rowShard = loader.rowShard(ofBatch: position.batches)
            let result = model.trainingLoss(Batch(x: x, y: y), step: step, generator: generator)
            require(result.loss.count == 1, "Trainer: trainingLoss must be a scalar, got shape \(result.loss.shape)")
            let rows = x.shape[0]
            var (loss, parts, n, stop) = (Double(result.loss.item), result.parts, rows, false)
            if let group = ranks { (loss, parts, n, stop) = try combineStep(loss: loss, parts: parts, rows: rows, group) }
            guard isSane(loss), parts.values.allSatisfy({ $0.isFinite }) else {
                throw TrainingError.nonFiniteLoss(epoch: epoch + 1, step: step, loss: loss, parts: parts)
            }
            optimizer.zeroGrad()
            if let reducer = reducer, ranks != nil {
                reducer.begin(weight: Float(rows) / Float(n))
                result.loss.backward(onLeafGradient: reducer.leafReady)
                try reducer.finish()
            } else {
                result.loss.backward()
            }
            if let maxNorm = configuration.gradientClipNorm {
                let norm = clipGradientNorm(model.trainableParameters(), maxNorm: maxNorm)
                guard norm.isFinite else {
                    parts["gradient_norm"] = Double(norm)
                    throw TrainingError.nonFiniteLoss(epoch: epoch + 1, step: step, loss: loss, parts: parts)
                }
            }
            optimizer.step()
            step += 1
            batchExamples = loader.batchSize
            position.examples += n
            position.sums["loss", default: 0] += loss * Double(n)
            for (k, v) in parts { position.sums[k, default: 0] += v * Double(n) }
            position.batches += 1
            if isWriter, let hook = onStepEnd {
                parts["loss"] = loss
                hook(StepProgress(epoch: epoch + 1, batch: position.batches, batchesPerEpoch: loader.batchesPerEpoch,
                                  step: step, batchSize: n, parts: parts))
            }
            if ranks == nil ? shouldStop?() == true : stop {
                epochPosition = position
                if isWriter, let folder = configuration.checkpointDirectory {
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                    try saveCheckpoint(to: folder.appendingPathComponent("last.safetensors"))
                }
                try waitForRanks("the interrupted run's checkpoint")
                throw TrainingError.interrupted(epoch: epoch + 1, batch: position.batches, step: step)
            }
        }
        return position.sums.mapValues { $0 / Double(max(position.examples, 1)) }
    }

    /// Whether a loss value is finite and within `configuration.divergenceLimit`.
    func isSane(_ value: Double) -> Bool { value.isFinite && abs(value) <= configuration.divergenceLimit }

    /// `evaluationMetrics` averaged over every batch of `loader` (its epoch 0, so always the same
    /// batches), weighted by batch size, in evaluation mode without gradients. The model is put
    /// back in training mode afterwards. Randomness comes from a generator seeded by the seed alone.
    public func evaluate(_ loader: DataLoader) -> [String: Double] {
        let (sums, seen) = evaluationSums(loader)
        return sums.mapValues { $0 / Double(max(seen, 1)) }
    }

    /// The batch-size-weighted sums of `evaluationMetrics` over `loader`'s batches (this rank's
    /// rows of them when it is sharded) and the examples seen, as `evaluate` averages them.
    func evaluationSums(_ loader: DataLoader) -> (sums: [String: Double], seen: Int) {
        model.eval()
        defer { model.train() }
        let generator = RandomGenerator(seed: Self.stepSeed(configuration.seed ^ 0xE7A1, step: -1))
        var sums: [String: Double] = [:]
        var seen = 0
        withoutGrad {
            for (index, (x, y)) in IteratorSequence(loader.iterator(forEpoch: 0)).enumerated() {
                generator.rowShard = loader.rowShard(ofBatch: index)
                let n = x.shape[0]
                for (k, v) in model.evaluationMetrics(Batch(x: x, y: y), generator: generator) {
                    sums[k, default: 0] += v * Double(n)
                }
                seen += n
            }
        }
        return (sums, seen)
    }
}

/// How far the loop is into an epoch: what a mid-epoch checkpoint records.
public struct EpochPosition: Equatable {
    /// Batches of the epoch already trained.
    public var batches = 0
    /// Examples in those batches.
    public var examples = 0
    /// Batch-size-weighted sums of the loss parts over those batches (`"loss"` included).
    public var sums: [String: Double] = [:]

    public init(batches: Int = 0, examples: Int = 0, sums: [String: Double] = [:]) {
        (self.batches, self.examples, self.sums) = (batches, examples, sums)
    }
}

extension Dictionary {
    /// The same values under transformed keys.
    fileprivate func mapKeys(_ transform: (Key) -> Key) -> [Key: Value] {
        Dictionary(uniqueKeysWithValues: map { (transform($0.key), $0.value) })
    }
}
