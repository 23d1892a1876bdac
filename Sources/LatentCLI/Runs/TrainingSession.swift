import Foundation
import Latent

/// One `latent train` run: data, model, the shared `Trainer`, and everything written on the way
/// — progress, checkpoints, metrics (JSONL, CSV, TensorBoard), pictures, summary, HTML report.
public final class TrainingSession {
    /// The resolved settings.
    public let settings: RunSettings
    /// Where everything goes.
    public let folder: RunFolder
    /// How to talk.
    public let console: Console
    /// TensorBoard event folder, if requested.
    public let tensorboard: URL?
    /// The per-epoch reports of this session.
    public private(set) var history: [EpochReport] = []
    /// Asked after every training step: true stops with a resumable checkpoint (Ctrl-C, SIGTERM).
    public var stopRequested: () -> Bool = { Interruption.shared.requested }
    /// The ranks of a distributed run (nil: this process alone). Every rank runs the same session;
    /// rank 0 alone writes the run folder and speaks.
    public var communicator: (any Communicator)?

    /// Whether this process writes the run folder.
    var isWriter: Bool { (communicator?.rank ?? 0) == 0 }
    /// Ranks in the run (1 without MPI).
    var ranks: Int { communicator?.size ?? 1 }
    /// What the gradient sums cost per step in a distributed run (for summary.json).
    private var reduction: (waitSecondsPerStep: Double, floatsPerStep: Int)?

    public init(settings: RunSettings, folder: RunFolder, console: Console, tensorboard: URL? = nil) {
        (self.settings, self.folder, self.console, self.tensorboard) = (settings, folder, console, tensorboard)
    }

    /// The metric that picks the best checkpoint and leads the summary.
    var headlineMetric: String { settings.model.family == .flow ? "nll" : "loss" }

    /// Trains (from scratch, or from the run folder's last checkpoint with `resume`), writes every
    /// file, and returns the final test metrics. Throws `CLIError`.
    @discardableResult
    public func run(resume: Bool = false) throws -> [String: Double] {
        Threads.count = settings.int("threads")
        let start = Date()
        try settings.checkMemory()
        let data = try settings.loadData()
        let model = try RunModel.build(settings)
        if case let .vae(vae, _) = model {
            vae.totalCorrelationDatasetSize = data.train.count
            // A resumed run takes its pseudo-inputs from the checkpoint.
            if !resume, settings.string("prior-init") == "data", let vamp = vae.prior as? VampPrior {
                vamp.initialize(from: data.train.inputs, generator: RandomGenerator(seed: UInt64(settings.int("seed")) ^ 0x7A3B))
            }
        }
        if stopRequested() { throw interrupted("before training started; nothing was saved") }
        if isWriter {
            try folder.create()
            folder.removeTemporaryFiles()
            if !resume { try AtomicFile.write(settings.json() + "\n", to: folder.config) }
        }
        let workers = ranks > 1 ? "\(ranks) ranks × \(Threads.count) threads, global batch \(settings.int("batch-size") * ranks)" : "\(Threads.count) threads"
        let dataName = data.train.name.hasPrefix(settings.data + ",") ? data.train.name : settings.data
        console.say("training \(settings.model.rawValue) on \(dataName) (\(data.train.count) train / \(data.test.count) test examples, \(model.module.parameterCount) parameters, \(workers)) → \(folder.url.path)")
        console.json(["event": "start", "model": settings.model.rawValue, "data": settings.data, "folder": folder.url.path,
                      "parameters": model.module.parameterCount, "threads": Threads.count, "ranks": ranks])
        let writer = isWriter ? try tensorboard.map { try TensorBoardWriter(directory: $0) } : nil
        defer { try? writer?.close() }
        if let writer = writer, !resume { try writer.addText("config", text: settings.json(), step: 0) }
        let final: [String: Double]
        switch model {
        case let .vae(m, _): final = try fit(m, model: model, data: data, writer: writer, resume: resume)
        case let .cvae(m, _): final = try fit(m, model: model, data: data, writer: writer, resume: resume)
        case let .vqvae(m, _): final = try fit(m, model: model, data: data, writer: writer, resume: resume)
        case let .hvae(m, _): final = try fit(m, model: model, data: data, writer: writer, resume: resume)
        case let .flow(m): final = try fit(m, model: model, data: data, writer: writer, resume: resume)
        case let .flowMatching(m): final = try fit(m, model: model, data: data, writer: writer, resume: resume)
        }
        guard isWriter else { return final }
        try writeSummary(final, seconds: Date().timeIntervalSince(start), parameters: model.module.parameterCount)
        try RunReport.write(folder: folder, settings: settings, history: history, final: final)
        return final
    }

    private func fit<M: TrainableModel>(_ m: M, model: RunModel, data: DatasetSplits, writer: TensorBoardWriter?,
                                        resume: Bool) throws -> [String: Double] {
        let epochs = settings.int("epochs"), seed = UInt64(settings.int("seed"))
        var configuration = TrainerConfiguration(
            epochs: epochs, seed: seed, gradientClipNorm: settings.double("clip-norm") > 0 ? Float(settings.double("clip-norm")) : nil,
            bestMetric: headlineMetric, checkpointDirectory: folder.checkpoints, metricsFile: folder.metricsJSONL)
        configuration.checkpointMetadata = [RunModel.settingsKey: settings.json(), RunModel.configurationKey: try model.configurationJSON()]
        let trainer = Trainer(model: m, optimizer: Adam(m.namedParameters(), learningRate: Float(settings.double("learning-rate"))),
                              configuration: configuration)
        trainer.communicator = communicator
        if resume {
            do { try trainer.resume(from: folder.lastCheckpoint) } catch {
                throw CLIError.failed("cannot resume from \(folder.lastCheckpoint.path): \(error)")
            }
            // The checkpoint's own record of its epochs is the truth: a kill after the checkpoint
            // but before the log append (or a log edited since) is mended here.
            if isWriter, !trainer.runRecords.isEmpty || trainer.epoch == 0 {
                try AtomicFile.write(trainer.runRecords.map { $0 + "\n" }.joined(), to: folder.metricsJSONL)
            }
            history = MetricsFiles.readHistory(folder.metricsJSONL)
            if isWriter { try MetricsFiles.writeCSV(history, to: folder.metricsCSV) }
            let position = trainer.epochPosition.batches > 0
                ? "epoch \(trainer.epoch + 1) of \(epochs) after batch \(trainer.epochPosition.batches)" : "after epoch \(trainer.epoch) of \(epochs)"
            console.say("resuming \(position) (step \(trainer.step))")
            if trainer.epoch >= epochs { console.say("the run already has \(epochs) epochs; raise --epochs to train further") }
        }
        let progress = TrainingProgress(console: console, epochs: epochs)
        trainer.onStepEnd = progress.step
        trainer.shouldStop = stopRequested
        let every = settings.int("picture-every")
        let sampleGenerator = { RandomGenerator(seed: seed ^ 0x5A3) }
        let testImages = data.test.inputs.slice(axis: 0, from: 0, to: min(16, data.test.count))
        trainer.onEpochEnd = { [self] report, _ in
            history.append(report)
            progress.epoch(report)
            try MetricsFiles.writeCSV(history, to: folder.metricsCSV)
            var scalars: [String: Double] = [:]
            for (k, v) in report.train { scalars["train/" + k] = v }
            for (k, v) in report.test { scalars["test/" + k] = v }
            try writer?.addScalars(scalars, step: report.epoch)
            if every > 0 && report.epoch % every == 0 || report.epoch == epochs {
                let samples = try RunPictures.samples(model, count: 64, condition: testImages, generator: sampleGenerator())
                let image = try RunPictures.picture(of: samples, model: model, title: "epoch \(report.epoch)")
                try AtomicFile.write(image, to: folder.picture(String(format: "samples-epoch-%03d.png", report.epoch)))
                try writer?.addImage("samples", image: image, step: report.epoch)
            }
        }
        // With N ranks the loader's batch is the global one: each rank trains on its share.
        let train = DataLoader(data.train, batchSize: settings.int("batch-size") * ranks, seed: seed,
                               transform: settings.binarization == "dynamic" ? .dynamicBinarization : nil, prefetch: true)
        let test = DataLoader(data.test, batchSize: 500, shuffle: false)
        do { try trainer.fit(train: train, test: test) } catch let error as TrainingError {
            if case let .interrupted(epoch, _, step) = error {
                if console.mode == .human && console.interactive { console.endStatus() }
                throw interrupted("at epoch \(epoch), step \(step)")
            }
            if case .nonFiniteLoss = error {
                let last = FileManager.default.fileExists(atPath: folder.lastCheckpoint.path)
                    ? "; the last good checkpoint is \(folder.lastCheckpoint.path)" : "; no epoch finished, so nothing was saved"
                throw CLIError.failed("training diverged: \(error). Try a lower --learning-rate or --clip-norm 10\(last)")
            }
            throw CLIError.failed("training stopped: \(error)")
        }
        reduction = trainer.reductionStatistics
        guard isWriter else { return history.last?.test ?? [:] }
        if stopRequested() { throw interrupted("after the last epoch, before the final pictures") }
        // The best checkpoint's weights are the ones later commands read; pictures use the final weights.
        try finalPictures(model, data: data, testImages: testImages, generator: sampleGenerator())
        return history.last?.test ?? trainer.evaluate(test)
    }

    /// The error that ends an interrupted run: how to continue, and the signal's exit code.
    private func interrupted(_ when: String) -> CLIError {
        let signal = Interruption.shared.signalNumber ?? SIGINT
        let resume = FileManager.default.fileExists(atPath: folder.lastCheckpoint.path)
            ? " — continue with: latent train --resume \(folder.url.path)" : ""
        console.json(["event": "interrupted", "folder": folder.url.path, "when": when, "signal": Int(signal)])
        return CLIError.interrupted("interrupted \(when)\(resume)", signal: signal)
    }

    /// Samples, reconstructions, interpolations, traversal, density map and curves of the trained model.
    private func finalPictures(_ model: RunModel, data: DatasetSplits, testImages: Tensor, generator: RandomGenerator) throws {
        let samples = try RunPictures.samples(model, count: 64, condition: testImages, generator: generator)
        try AtomicFile.write(try RunPictures.picture(of: samples, model: model, title: "samples"), to: folder.picture("samples.png"))
        switch model {
        case .vae:
            try AtomicFile.write(try RunPictures.reconstructions(model, images: testImages, generator: generator), to: folder.picture("reconstructions.png"))
            try AtomicFile.write(try RunPictures.interpolations(model, images: testImages.slice(axis: 0, from: 0, to: 8), steps: 10),
                                 to: folder.picture("interpolations.png"))
            let probe = data.test.inputs.slice(axis: 0, from: 0, to: min(500, data.test.count))
            let dims = RunPictures.informativeDimensions(model, images: probe, count: 10)
            try AtomicFile.write(try RunPictures.traversal(model, image: testImages.slice(axis: 0, from: 0, to: 1), dimensions: dims,
                                                           values: [-3, -2, -1, 0, 1, 2, 3]), to: folder.picture("traversal.png"))
        case let .cvae(_, config) where config.task == .quadrantCompletion:
            try AtomicFile.write(try RunPictures.reconstructions(model, images: testImages, generator: generator), to: folder.picture("completions.png"))
        case .vqvae, .hvae:
            try AtomicFile.write(try RunPictures.reconstructions(model, images: testImages, generator: generator), to: folder.picture("reconstructions.png"))
        case let .flow(flow) where flow.features == 2 && flow.configuration.contextFeatures == 0:
            try AtomicFile.write(try RunPictures.density(flow, title: "learned density p(x)"), to: folder.picture("density.png"))
        case .flowMatching:
            try AtomicFile.write(try RunPictures.density(model, resolution: 48, title: "learned density p(x) (ODE likelihood)"), to: folder.picture("density.png"))
        default: break
        }
        let keys = settings.model.family == .flow ? ["nll"] : (settings.model.family == .flowMatching ? ["loss"] : ["loss", "kl"])
        if !history.isEmpty { try AtomicFile.write(RunPictures.curves(history, keys: keys), to: folder.picture("curves.png")) }
    }

    private func writeSummary(_ final: [String: Double], seconds: Double, parameters: Int) throws {
        var record: [String: Any] = [
            "model": settings.model.rawValue, "data": settings.data, "epochs": history.last?.epoch ?? 0,
            "test": final, "seconds": NumberText.rounded(seconds, decimals: 3), "parameters": parameters, "threads": Threads.count, "ranks": ranks,
            "checkpoint": FileManager.default.fileExists(atPath: folder.bestCheckpoint.path) ? folder.bestCheckpoint.path : folder.lastCheckpoint.path,
        ]
        if let reduction = reduction {
            // Bytes each rank sends into the gradient sums per step, and the wait for them that
            // backward did not hide (docs/DISTRIBUTED.md has the cost model).
            record["allreduce_bytes_per_step"] = reduction.floatsPerStep * 4
            record["allreduce_wait_ms_per_step"] = NumberText.rounded(reduction.waitSecondsPerStep * 1000, decimals: 4)
        }
        try AtomicFile.write(Console.jsonLine(record) + "\n", to: folder.summary)
        console.json(["event": "done", "folder": folder.url.path, "test": final, "seconds": NumberText.rounded(seconds, decimals: 3)])
        console.result("done in \(String(format: "%.1f", seconds)) s — test \(TrainingProgress.format(final))")
        console.result("run folder: \(folder.url.path)  (report.html, pictures/, checkpoints/, metrics.jsonl)")
    }
}
