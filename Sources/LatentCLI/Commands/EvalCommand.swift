import ArgumentParser
import Foundation
import Latent

/// `latent eval RUN`: the numbers of a trained model on its test split.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a trained model: ELBO, IWAE log p(x), bits/dim, the WAE's reconstruction and MMD², the VQ-VAE's bound, code NLL and codebook perplexity, the hierarchical VAE's per-layer KL and active units, KL per dimension, active units, disentanglement (sprites: MIG, the FactorVAE score, the β-VAE score, DCI and SAP).")

    @OptionGroup var modelArgument: ModelArgument

    @Option(name: .long, help: "Importance samples K of the IWAE estimate of log p(x) (VAE family; 0 = skip; at most 100000, K × N at most 10⁸).")
    var samples: Int = 100

    @Option(name: .long, help: "Test images N for the IWAE estimate (the first N, at most the test split).")
    var images: Int = 1000

    @Option(name: .long, help: "Seed of the evaluation's random draws.")
    var seed: UInt64 = 0

    @OptionGroup var outputOptions: OutputOptions

    /// The most importance samples K × N one evaluation may draw (about as many decoder passes:
    /// minutes for the MLP VAEs, more would run for hours).
    static let maxImportanceSamples = 100_000_000

    func run() throws {
        try checkFlag("samples", samples, in: 0...100_000)
        try checkFlag("images", images, in: 1...1_000_000)
        let console = outputOptions.console()
        let (model, settings, checkpoint) = try modelArgument.load()
        let test = try modelArgument.testData(settings)
        let n = min(images, test.count)
        if samples > 0, model.isVAEFamily {
            guard samples * n <= EvalCommand.maxImportanceSamples else {
                throw CLIError.usage("--samples \(samples) × --images \(n) = \(samples * n) importance samples; at most \(EvalCommand.maxImportanceSamples) (lower either)")
            }
            // logMarginal scores max(1, 8192 / K) images of K samples per pass.
            try MemoryBudget.check(bytes: RunPictures.workingBytes(model, rows: max(1, 8192 / samples) * samples),
                                   what: "the IWAE estimate with --samples \(samples)")
        }
        let loader = DataLoader(test, batchSize: 500, shuffle: false)
        let generator = RandomGenerator(seed: seed)
        // Importance sampling and the disentanglement scores take minutes on big test sets: say how far.
        let progress = WorkProgress(console: console)
        defer { progress.finish() }
        var metrics: [String: Double] = [:]
        var perDimension: [Double] = []
        /// Diagnostics' warnings, printed once the metrics are known to be finite.
        var warnings: [String] = []
        /// I(z_j; factor) in nats per latent dimension j, by factor name (sprites only).
        var factorInformation: [String: [Double]] = [:]
        func average(_ m: TrainableModel) -> [String: Double] {
            var sums: [String: Double] = [:]
            var done = 0
            progress.begin("test metrics", unit: "examples")
            withoutGrad {
                for (x, y) in loader {
                    for (k, v) in m.evaluationMetrics(Batch(x: x, y: y), generator: generator) { sums[k, default: 0] += v * Double(x.shape[0]) }
                    done += x.shape[0]
                    progress.update(done, of: test.count)
                }
            }
            return sums.mapValues { $0 / Double(test.count) }
        }
        /// The test −ELBO and its parts of a VAE-family model, under the names eval reports.
        func addELBO(_ m: TrainableModel) {
            let elbo = average(m)
            metrics["negative_elbo"] = elbo["loss"]
            metrics["reconstruction"] = elbo["reconstruction"]
            metrics["kl"] = elbo["kl"]
            metrics[MetricNames.bitsPerDim] = elbo[MetricNames.bitsPerDim]
        }
        switch model {
        case let .vae(vae, _) where vae.objective.isWAE:
            // A deterministic encoder: reconstruction and MMD², no ELBO, no importance sampling.
            for (k, v) in average(vae) { metrics[k] = v }
            try EvalCommand.requireFinite(metrics, perDimension: [], information: [:])
            if settings.data == "sprites" || settings.data == "dsprites", let factors = test.labels {
                factorInformation = try EvalCommand.disentanglement(vae, loader: loader, factors: factors, seed: seed, settings: settings,
                                                                    progress: progress, into: &metrics)
            }
        case let .vae(vae, _):
            vae.evaluationImportanceSamples = 0
            addELBO(vae)
            // Broken weights stop here, before importance sampling and before the scores bin NaN codes.
            try EvalCommand.requireFinite(metrics, perDimension: [], information: [:])
            if samples > 0 {
                let x = test.inputs.slice(axis: 0, from: 0, to: n)
                progress.begin("importance sampling, K = \(samples)", unit: "images")
                let nll = withoutGrad { -Double(vae.logMarginal(x, samples: samples, generator: generator, progress: progress.update).mean().item) }
                let subsetELBO = withoutGrad { Double(vae.evaluationMetrics(Batch(x: x), generator: generator)["loss"]!) }
                metrics["nll_iwae\(samples)_first\(n)"] = nll
                metrics["negative_elbo_first\(n)"] = subsetELBO
                metrics["elbo_gap_first\(n)"] = subsetELBO - nll
            }
            let diagnostics = LatentDiagnostics.measure(vae, on: loader, generator: generator)
            perDimension = diagnostics.klPerDimension
            metrics["active_units"] = Double(diagnostics.activeUnits)
            metrics["mutual_information"] = diagnostics.mutualInformation
            warnings = diagnostics.warnings
            if settings.data == "sprites" || settings.data == "dsprites", let factors = test.labels {
                factorInformation = try EvalCommand.disentanglement(vae, loader: loader, factors: factors, seed: seed, settings: settings,
                                                                    progress: progress, into: &metrics)
            }
        case let .hvae(m, _):
            m.evaluationImportanceSamples = 0
            for (k, v) in average(m) { metrics[k == "loss" ? "negative_elbo" : k] = v }
            try EvalCommand.requireFinite(metrics, perDimension: [], information: [:])
            if samples > 0 {
                let x = test.inputs.slice(axis: 0, from: 0, to: n)
                progress.begin("importance sampling, K = \(samples)", unit: "images")
                let nll = withoutGrad { -Double(m.logMarginal(x, samples: samples, generator: generator, progress: progress.update).mean().item) }
                let subsetELBO = withoutGrad { Double(m.evaluationMetrics(Batch(x: x), generator: generator)["loss"]!) }
                metrics["nll_iwae\(samples)_first\(n)"] = nll
                metrics["negative_elbo_first\(n)"] = subsetELBO
                metrics["elbo_gap_first\(n)"] = subsetELBO - nll
            }
            // Burda et al.'s active units, A_u = Var_x E_q[u|x] > 0.01, per layer, on up to 1000 test images.
            let units = m.activeUnits(test.inputs.slice(axis: 0, from: 0, to: min(1000, test.count)), generator: generator)
            metrics["active_units_z1"] = Double(units.z1)
            metrics["active_units_z2"] = Double(units.z2)
        case let .vqvae(vq, _):
            // The deterministic one-hot posterior: −log p(x) ≤ reconstruction + code NLL (`nll_bound`).
            for (k, v) in average(vq) { metrics[k == "loss" ? "nll_bound" : k] = v }
        case let .cvae(cvae, _):
            cvae.evaluationImportanceSamples = 0
            addELBO(cvae)
            if samples > 0 {
                let (x, y) = cvae.task.split(Batch(x: test.inputs.slice(axis: 0, from: 0, to: n), y: test.labels?.slice(axis: 0, from: 0, to: n)))
                progress.begin("importance sampling, K = \(samples)", unit: "images")
                metrics["nll_iwae\(samples)_first\(n)"] = withoutGrad {
                    -Double(cvae.conditionalLogLikelihood(condition: x, target: y, samples: samples, generator: generator,
                                                          progress: progress.update).mean().item)
                }
            }
        case let .flow(flow):
            for (k, v) in average(flow) { metrics[k] = v }
        case let .flowMatching(m):
            metrics["flow_matching_loss"] = average(m)["loss"]
            try EvalCommand.requireFinite(metrics, perDimension: [], information: [:])
            progress.begin("likelihood ODE", unit: "examples")
            for (k, v) in try EvalCommand.likelihood(m, loader: loader, generator: generator, progress: progress.update) { metrics[k] = v }
        }
        progress.finish()
        try EvalCommand.requireFinite(metrics, perDimension: perDimension, information: factorInformation)
        for warning in warnings { console.warn(warning) }
        var event: [String: Any] = ["event": "eval", "checkpoint": checkpoint.path, "model": settings.model.rawValue, "data": settings.data,
                                    "test_examples": test.count, "metrics": metrics, "kl_per_dimension": perDimension]
        if !factorInformation.isEmpty { event["factor_information"] = factorInformation }
        console.json(event)
        console.result("\(settings.model.rawValue) on \(settings.data) test (\(test.count) examples), \(checkpoint.path):")
        let width = max(16, metrics.keys.map(\.count).max() ?? 0) + 2
        for key in metrics.keys.sorted() { console.result("  \(key.padding(toLength: width, withPad: " ", startingAt: 0))\(NumberText.metric(metrics[key]!))") }
        if !perDimension.isEmpty {
            console.result("  " + "kl_per_dimension".padding(toLength: width, withPad: " ", startingAt: 0)
                           + perDimension.map { String(format: "%.2f", $0) }.joined(separator: " "))
        }
        if !factorInformation.isEmpty {
            console.result("  I(z_j; factor), nats, per latent dimension j (MIG's table):")
            for name in Sprites.factorNames {
                guard let row = factorInformation[name] else { continue }
                console.result("    " + name.padding(toLength: width - 2, withPad: " ", startingAt: 0)
                               + row.map { String(format: "%.2f", $0) }.joined(separator: " "))
            }
        }
    }

    /// The test NLL of a flow matching model by its likelihood ODE (the run's solver and trace),
    /// batch by batch: `nll` (nats), its standard error over the examples, and the mean number of
    /// velocity evaluations per batch; `progress(done, total)` hears the examples done after every
    /// batch. Throws `CLIError.failed` when the solver cannot finish.
    static func likelihood(_ m: FlowMatchingModel, loader: DataLoader, generator: RandomGenerator,
                           progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> [String: Double] {
        var values: [Double] = []
        var evaluations = 0, batches = 0
        for (x, _) in loader {
            do {
                let (logProb, solution) = try m.logProb(x, generator: generator)
                values += logProb.scalars.map { -Double($0) }
                evaluations += solution.evaluations
                batches += 1
                progress(values.count, loader.inputs.shape[0])
            } catch {
                throw CLIError.failed("eval: the likelihood ODE failed: \(error)")
            }
        }
        let n = Double(max(values.count, 1))
        let mean = values.reduce(0, +) / n
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / max(n - 1, 1)
        return ["nll": mean, "nll_standard_error": (variance / n).squareRoot(),
                "ode_evaluations_per_batch": Double(evaluations) / Double(max(batches, 1))]
    }

    /// MIG (with its per-factor gaps), the FactorVAE and β-VAE scores, DCI and SAP of the encoder's
    /// posterior means on the sprites of `loader`, added to `metrics`; returns MIG's table
    /// I(z_j; factor) by factor name. The FactorVAE and β-VAE scores draw images of chosen
    /// factors: dSprites' own pixels when its file is used. The two scores that draw sprites tell
    /// `progress` how many they have encoded.
    static func disentanglement(_ vae: VAE, loader: DataLoader, factors: Tensor, seed: UInt64, settings: RunSettings,
                                progress: WorkProgress, into metrics: inout [String: Double]) throws -> [String: [Double]] {
        let codes = withoutGrad { Tensor.concat(loader.map { vae.encoder($0.x).loc }, axis: 0) }
        if let bad = codes.scalars.first(where: { !$0.isFinite }) {
            throw CLIError.failed("eval: the encoder's codes of the test images are not finite (\(bad)); the checkpoint's weights are broken or the model diverged")
        }
        let mig = MutualInformationGap.measure(codes: codes, factors: factors)
        metrics["mig"] = mig.score
        for (name, gap) in zip(Sprites.factorNames, mig.perFactor) where !gap.isNaN { metrics["mig_\(name)"] = gap }
        let dci = DCIScore.measure(codes: codes, factors: factors)
        metrics["dci_disentanglement"] = dci.disentanglement
        metrics["dci_completeness"] = dci.completeness
        metrics["dci_informativeness"] = dci.informativeness
        // Shape is categorical; scale, rotation and position are ordered.
        metrics["sap"] = SAPScore.measure(codes: codes, factors: factors, discrete: Sprites.factorNames.map { $0 == "shape" }).score
        let render = settings.data == "dsprites" ? try DSpritesData.renderer(settings.dataSource.source).render : { Sprites.render($0) }
        var renderFailure: Error?
        let latentWidth = codes.shape[1]
        let encodeRows: ([[Int]]) -> Tensor = { rows in
            do { return vae.encoder(try render(rows).images).loc } catch {
                renderFailure = renderFailure ?? error
                return Tensor.zeros([rows.count, latentWidth])
            }
        }
        progress.begin("FactorVAE score", unit: "sprites")
        metrics["factorvae_score"] = withoutGrad {
            FactorVAEScore.measure(factorSizes: Sprites.factorSizes, codes: encodeRows, generator: RandomGenerator(seed: seed ^ 0xFAC7),
                                   progress: progress.update).score
        }
        // Not inside withoutGrad: the score trains its own linear classifier.
        progress.begin("β-VAE score", unit: "sprites")
        metrics["betavae_score"] = BetaVAEScore.measure(factorSizes: Sprites.factorSizes, codes: encodeRows,
                                                        generator: RandomGenerator(seed: seed ^ 0xBE7A), progress: progress.update).score
        progress.finish()
        if let renderFailure { throw CLIError.failed("eval: the disentanglement metrics could not draw their images: \(renderFailure)") }
        return Dictionary(uniqueKeysWithValues: zip(Sprites.factorNames, mig.mutualInformation))
    }

    /// Throws `CLIError.failed` naming every metric that is NaN or infinite: a broken checkpoint
    /// (or a diverged model) must not pass for an evaluated one.
    static func requireFinite(_ metrics: [String: Double], perDimension: [Double], information: [String: [Double]]) throws {
        var bad = metrics.filter { !$0.value.isFinite }.map { "\($0.key) = \($0.value)" }.sorted()
        if perDimension.contains(where: { !$0.isFinite }) { bad.append("kl_per_dimension") }
        bad += information.filter { $0.value.contains { !$0.isFinite } }.map { "factor_information.\($0.key)" }.sorted()
        guard bad.isEmpty else {
            throw CLIError.failed("eval: non-finite metrics: \(bad.joined(separator: ", ")); the checkpoint's weights are broken or the model diverged")
        }
    }
}

extension RunModel {
    /// True for the VAE and conditional VAE, whose eval draws importance samples (not the WAE).
    var isVAEFamily: Bool {
        switch self {
        case .flow, .flowMatching: return false
        case let .vae(vae, _): return !vae.objective.isWAE
        case .cvae: return true
        case .vqvae: return false
        case .hvae: return true
        }
    }
}
