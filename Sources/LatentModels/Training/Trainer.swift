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
    /// Epochs completed so far; the next epoch is `epoch + 1` and reads loader epoch `epoch`.
    public internal(set) var epoch = 0
    /// Optimizer steps taken so far.
    public internal(set) var step = 0
    /// The lowest `configuration.bestMetric` seen so far (test metrics, or training ones without a test loader).
    public internal(set) var bestValue = Double.infinity
    /// The reports of the epochs run by this trainer object.
    public private(set) var history: [EpochReport] = []

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
        while epoch < configuration.epochs {
            let start = Date()
            let trainMetrics = try trainEpoch(train)
            let testMetrics = test.map { evaluate($0) } ?? [:]
            epoch += 1
            let report = EpochReport(epoch: epoch, step: step, train: trainMetrics, test: testMetrics,
                                     seconds: Date().timeIntervalSince(start), learningRate: Double(optimizer.learningRate))
            let watched = (test == nil ? trainMetrics : testMetrics)[configuration.bestMetric]
            let improved = watched.map { $0 < bestValue } ?? false
            if improved, let value = watched { bestValue = value }
            if let folder = configuration.checkpointDirectory {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                try saveCheckpoint(to: folder.appendingPathComponent("last.safetensors"))
                if improved { try saveCheckpoint(to: folder.appendingPathComponent("best.safetensors")) }
            }
            if let file = configuration.metricsFile { try MetricsLog(url: file).append(report.record) }
            history.append(report)
            reports.append(report)
            try onEpochEnd?(report, model)
        }
        if let file = configuration.metricsFile, let last = history.last {
            var record = last.record
            record["final"] = true
            record["best." + configuration.bestMetric] = bestValue
            try MetricsLog(url: file).append(record)
        }
        return reports
    }

    /// One pass over loader epoch `epoch`: for each batch, loss → NaN check → backward → clip →
    /// step. Returns the batch-size-weighted means of the loss and its parts.
    public func trainEpoch(_ loader: DataLoader) throws -> [String: Double] {
        model.train()
        var sums: [String: Double] = [:]
        var seen = 0, batch = 0
        for (x, y) in IteratorSequence(loader.iterator(forEpoch: epoch)) {
            if let schedule = configuration.schedule { optimizer.learningRate = schedule.learningRate(atStep: step) }
            let generator = RandomGenerator(seed: Self.stepSeed(configuration.seed, step: step))
            let result = model.trainingLoss(Batch(x: x, y: y), step: step, generator: generator)
            require(result.loss.count == 1, "Trainer: trainingLoss must be a scalar, got shape \(result.loss.shape)")
            let loss = Double(result.loss.item)
            guard loss.isFinite, result.parts.values.allSatisfy({ $0.isFinite }) else {
                throw TrainingError.nonFiniteLoss(epoch: epoch + 1, step: step, loss: loss, parts: result.parts)
            }
            optimizer.zeroGrad()
            result.loss.backward()
            if let maxNorm = configuration.gradientClipNorm {
                let norm = clipGradientNorm(model.trainableParameters(), maxNorm: maxNorm)
                guard norm.isFinite else {
                    var parts = result.parts
                    parts["gradient_norm"] = Double(norm)
                    throw TrainingError.nonFiniteLoss(epoch: epoch + 1, step: step, loss: loss, parts: parts)
                }
            }
            optimizer.step()
            step += 1
            let n = x.shape[0]
            seen += n
            sums["loss", default: 0] += loss * Double(n)
            for (k, v) in result.parts { sums[k, default: 0] += v * Double(n) }
            batch += 1
            if let hook = onStepEnd {
                var parts = result.parts
                parts["loss"] = loss
                hook(StepProgress(epoch: epoch + 1, batch: batch, batchesPerEpoch: loader.batchesPerEpoch,
                                  step: step, batchSize: n, parts: parts))
            }
        }
        return sums.mapValues { $0 / Double(max(seen, 1)) }
    }

    /// `evaluationMetrics` averaged over every batch of `loader` (its epoch 0, so always the same
    /// batches), weighted by batch size, in evaluation mode without gradients. The model is put
    /// back in training mode afterwards. Randomness comes from a generator seeded by the seed alone.
    public func evaluate(_ loader: DataLoader) -> [String: Double] {
        model.eval()
        defer { model.train() }
        let generator = RandomGenerator(seed: Self.stepSeed(configuration.seed ^ 0xE7A1, step: -1))
        var sums: [String: Double] = [:]
        var seen = 0
        withoutGrad {
            for (x, y) in IteratorSequence(loader.iterator(forEpoch: 0)) {
                let n = x.shape[0]
                for (k, v) in model.evaluationMetrics(Batch(x: x, y: y), generator: generator) {
                    sums[k, default: 0] += v * Double(n)
                }
                seen += n
            }
        }
        return sums.mapValues { $0 / Double(max(seen, 1)) }
    }
}
