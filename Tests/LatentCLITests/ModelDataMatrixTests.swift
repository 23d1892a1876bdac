import Foundation
import XCTest
import LatentTestSupport
import Latent
import LatentCLI

/// Every model × every kind of data, each a tiny run of the built `latent`: train one epoch on 64
/// examples, check the run folder, then eval, sample (.png and .npy) and the model's pictures
/// (reconstruct and traverse for VAEs, density for 2-D flows).
///
/// A pair the CLI refuses up front (train exits 64 with a one-line `error:` reason) is recorded as
/// refused; a pair that is accepted and then fails, crashes or hangs is a failure. All failures go
/// into one message. The default is a representative subset (every model on images and on points,
/// two conditional flows, the quadrant CVAE); LATENT_MATRIX=full runs every cell — both image kinds,
/// each remaining dataset once, every conditional flow (slow in a debug build: the sprites VAE eval
/// computes disentanglement scores).
/// LATENT_MATRIX_ONLY=text keeps the cells whose name contains it; LATENT_FUZZ_TIMEOUT sets the
/// per-command timeout (default 60 s; train gets 3×); LATENT_FUZZ_JOBS the parallel cells (default 2).
final class ModelDataMatrixTests: XCTestCase {
    struct Cell {
        var model: ModelKind
        var data: String
        var extra: [String] = []
        var name: String { ([model.rawValue, data] + extra).joined(separator: " ") }
    }

    static let environment = ProcessInfo.processInfo.environment
    static let full = environment["LATENT_MATRIX"] == "full"
    static let timeout = Double(environment["LATENT_FUZZ_TIMEOUT"] ?? "") ?? 60
    static let jobs = max(1, Int(environment["LATENT_FUZZ_JOBS"] ?? "") ?? 2)
    static let pointData = ["moons", "8gaussians", "rings", "pinwheel", "checkerboard", "2spirals", "swissroll"]

    /// The cells of this run; `labelled` is the 28×28 labelled dataset when its files are present.
    static func cells(labelled: String?) -> [Cell] {
        let models = ModelKind.allCases
        let flows = models.filter { $0.family == .flow }
        var cells: [Cell] = []
        let images = [labelled, "sprites"].compactMap { $0 }
        for (i, model) in models.enumerated() {
            if full {
                cells += images.map { Cell(model: model, data: $0) }
            } else if model.family == .flow {
                // Autoregressive flows sample one dimension at a time: 28×28 is much cheaper than 64×64.
                cells.append(Cell(model: model, data: autoregressive.contains(model) ? images[0] : images[i % images.count]))
            } else {
                // The sprites VAE eval is slow in debug (disentanglement scores): VAEs meet sprites in the full matrix.
                cells.append(Cell(model: model, data: images[0]))
            }
            cells.append(Cell(model: model, data: "moons"))
        }
        // Full matrix only (the default keeps CI's test time in check; the readers and samplers of
        // these datasets have their own tests): every remaining dataset once, with a cheap model.
        if full {
            let pointFlows = flows.filter { $0 != .glow }
            for (i, data) in pointData.dropFirst().enumerated() { cells.append(Cell(model: pointFlows[i % pointFlows.count], data: data)) }
            // CIFAR-10 is not in ../shared/data; CIFAR10TrainingTests trains on a synthetic set in its format.
            for data in DatasetCatalog.fileNames where data != labelled && data != "cifar10" { cells.append(Cell(model: .vae, data: data)) }
            cells.append(Cell(model: .cvae, data: "sprites", extra: ["--task", "quadrant"]))
        }
        // Class-conditional flows on labelled data, and the quadrant-completion CVAE.
        if let labelled {
            let conditional = full ? flows : [.realNVP, .planar]
            cells += conditional.map { Cell(model: $0, data: labelled, extra: ["--conditional", "true"]) }
            cells.append(Cell(model: .cvae, data: labelled, extra: ["--task", "quadrant"]))
        }
        cells.append(Cell(model: .realNVP, data: "moons", extra: ["--conditional", "true"]))
        return cells
    }

    /// Autoregressive flows invert (IAF: evaluate, MAF/NSF-AR: sample) one dimension at a time.
    static let autoregressive: Set<ModelKind> = [.maf, .iaf, .nsfAR]

    /// Whether a cell is one of the slow ones (an autoregressive flow on images), run first so
    /// that the other cells overlap with it.
    static func isSlow(_ cell: Cell) -> Bool { autoregressive.contains(cell.model) && !pointData.contains(cell.data) }

    /// Tiny sizes for `model`, only the settings it reads (16 examples for autoregressive flows on images).
    static func tinySettings(_ model: ModelKind, data: String = "moons") -> [String] {
        let size = autoregressive.contains(model) && !pointData.contains(data) ? "16" : "64"
        var settings: [(String, String)] = [("epochs", "1"), ("train-size", size), ("test-size", size), ("batch-size", "32")]
        switch model.family {
        case .vae, .cvae: settings += [("hidden", "16"), ("latent", "2")]
        case .vqvae: settings += [("hidden", "16"), ("codes", "4"), ("code-positions", "2"), ("code-dimension", "2"), ("prior-hidden", "8")]
        case .hvae: settings += [("hidden", "16"), ("hidden-top", "8"), ("latent-sizes", "4,2")]
        case .flow: settings += model == .glow ? [("layers", "1"), ("hidden", "4"), ("scales", "1")] : [("layers", "2"), ("hidden", "8")]
        case .flowMatching: settings += [("hidden", "8"), ("solver", "rk4"), ("ode-steps", "4")]
        }
        return settings.filter { SettingsSchema.key($0.0).map(model.reads) ?? false }.flatMap { ["--" + $0.0, $0.1] }
    }

    /// One cell's outcome: "ok", "refused: …" or failures.
    struct Report {
        var cell: Cell
        var refused: String?
        var failures: [String] = []
        /// Follow-up commands the CLI refused with a one-line reason (exit 64), e.g. traverse on a CVAE.
        var notes: [String] = []
        var seconds = 0.0
    }

    static func oneErrorLine(_ text: String) -> Bool {
        var t = text
        if t.hasSuffix("\n") { t.removeLast() }
        return t.hasPrefix("error:") && !t.contains("\n")
    }

    static func describe(_ o: LatentRunner.Outcome) -> String {
        let lines = o.stderr.split(separator: "\n").map(String.init)
        let first = lines.first { $0.contains("Fatal error") } ?? lines.first ?? "(empty stderr)"
        let how = o.timedOut ? "timed out" : o.signalled ? "signal \(o.status)" : "exit \(o.status)"
        return "\(how) after \(String(format: "%.1f", o.seconds)) s: \(first.prefix(300))"
    }

    func run(_ cell: Cell, runner: LatentRunner, dataDir: String?) -> Report {
        let start = Date()
        var report = check(cell, runner: runner, dataDir: dataDir)
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    func check(_ cell: Cell, runner: LatentRunner, dataDir: String?) -> Report {
        var report = Report(cell: cell)
        let slug = cell.name.replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "")
        let folder = runner.folder.appendingPathComponent(slug)
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func latent(_ arguments: [String], timeout: Double = ModelDataMatrixTests.timeout) -> LatentRunner.Outcome {
            (try? runner.run(arguments, timeout: timeout, memoryLimitMB: 4096, in: folder))
                ?? LatentRunner.Outcome(status: -1, stdout: "", stderr: "could not start latent")
        }
        var train = ["train", cell.model.rawValue, "--data", cell.data] + cell.extra + ModelDataMatrixTests.tinySettings(cell.model, data: cell.data)
        if DatasetCatalog.fileNames.contains(cell.data), let dataDir { train += ["--data-dir", dataDir] }
        let trained = latent(train + ["--output", "run", "--quiet"], timeout: 3 * ModelDataMatrixTests.timeout)
        if trained.status == 64 && !trained.signalled && !trained.timedOut {
            if ModelDataMatrixTests.oneErrorLine(trained.stderr) {
                report.refused = String(trained.stderr.dropFirst("error: ".count).prefix(160)).trimmingCharacters(in: .whitespacesAndNewlines)
            } else {
                report.failures.append("train refused without a one-line 'error:' reason: \(ModelDataMatrixTests.describe(trained))")
            }
            return report
        }
        guard trained.status == 0, !trained.signalled, !trained.timedOut else {
            report.failures.append("train \(ModelDataMatrixTests.describe(trained))")
            return report
        }
        let run = folder.appendingPathComponent("run")
        for file in ["config.json", "checkpoints/last.safetensors", "checkpoints/best.safetensors", "metrics.jsonl", "report.html"]
        where !FileManager.default.fileExists(atPath: run.appendingPathComponent(file).path) {
            report.failures.append("run folder lacks \(file)")
        }
        let pictures = (try? FileManager.default.contentsOfDirectory(atPath: run.appendingPathComponent("pictures").path)) ?? []
        if !pictures.contains(where: { $0.hasSuffix(".png") }) { report.failures.append("run folder has no pictures/*.png") }
        let history = MetricsFiles.readHistory(run.appendingPathComponent("metrics.jsonl"))
        if history.count != 1 { report.failures.append("metrics.jsonl has \(history.count) epoch rows for 1 epoch") }

        // Follow-up commands: each must succeed and write what it says.
        let slowEval = cell.data == "sprites" && cell.model.family == .vae
        var commands: [(String, [String], String?)] = [
            ("eval", ["eval", "run", "--samples", "2", "--images", "8", "--json"], nil),
            ("sample png", ["sample", "run", "--count", "4", "--output", "s.png", "--quiet"], "s.png"),
            ("sample npy", ["sample", "run", "--count", "4", "--output", "s.npy", "--quiet"], "s.npy"),
        ]
        if cell.model.family == .vae || cell.model.family == .cvae || cell.model.family == .hvae {
            commands += [("reconstruct", ["reconstruct", "run", "--count", "4", "--output", "r.png", "--quiet"], "r.png"),
                         ("traverse", ["traverse", "run", "--steps", "3", "--output", "t.png", "--quiet"], "t.png")]
        } else if ModelDataMatrixTests.pointData.contains(cell.data) {
            commands.append(("density", ["density", "run", "--resolution", "24", "--samples", "32", "--output", "d.png", "--quiet"], "d.png"))
        }
        for (name, arguments, output) in commands {
            let outcome = latent(arguments, timeout: name == "eval" && slowEval ? max(150, ModelDataMatrixTests.timeout) : ModelDataMatrixTests.timeout)
            // The conditional VAE has no single code to traverse (and reconstructs only in the quadrant task), the VQ-VAE's codes
            // are discrete: a one-line usage refusal is fine.
            let refusable = cell.model.family == .cvae ? ["reconstruct", "traverse"] : [.vqvae, .hvae].contains(cell.model.family) ? ["traverse"] : []
            if refusable.contains(name), outcome.status == 64, !outcome.signalled,
               ModelDataMatrixTests.oneErrorLine(outcome.stderr) {
                report.notes.append("\(name) refused: \(outcome.stderr.dropFirst("error: ".count).trimmingCharacters(in: .whitespacesAndNewlines))")
                continue
            }
            guard outcome.status == 0, !outcome.signalled, !outcome.timedOut else {
                report.failures.append("\(name): \(ModelDataMatrixTests.describe(outcome))")
                continue
            }
            if name == "eval" {
                let event = LatentRunner.jsonLines(outcome.stdout).first { $0["event"] as? String == "eval" }
                let metrics = event?["metrics"] as? [String: Double] ?? [:]
                if metrics.isEmpty { report.failures.append("eval: no metrics in \(outcome.stdout.prefix(200))") }
                for (key, value) in metrics where !value.isFinite && !key.hasPrefix("mig_") { report.failures.append("eval: \(key) = \(value)") }
            }
            guard let output else { continue }
            let url = folder.appendingPathComponent(output)
            guard let bytes = try? Data(contentsOf: url) else {
                report.failures.append("\(name): exit 0 but no \(output)")
                continue
            }
            if output.hasSuffix(".png"), Array(bytes.prefix(8)) != PNG.signature { report.failures.append("\(name): \(output) is not a PNG") }
            if output.hasSuffix(".npy") {
                do {
                    let samples = try NPY.read(url)
                    if samples.shape.first != 4 { report.failures.append("\(name): shape \(samples.shape), expected 4 samples") }
                    if let bad = samples.scalars.first(where: { !$0.isFinite }) { report.failures.append("\(name): non-finite sample \(bad)") }
                } catch {
                    report.failures.append("\(name): unreadable \(output): \(error)")
                }
            }
        }
        return report
    }

    func testEveryModelOnEveryKindOfData() throws {
        let runner = try LatentRunner(self)
        let dataDir = try? sharedDataRoot().path
        let labelled = dataDir.flatMap { dir in
            FileManager.default.fileExists(atPath: dir + "/mnist-5k/mnist_5k.csv.gz") ? "mnist-5k" : nil
        }
        var cells = ModelDataMatrixTests.cells(labelled: labelled)
        if dataDir == nil { cells.removeAll { DatasetCatalog.fileNames.contains($0.data) } }
        if let only = ModelDataMatrixTests.environment["LATENT_MATRIX_ONLY"] { cells.removeAll { !$0.name.contains(only) } }
        cells = cells.filter(ModelDataMatrixTests.isSlow) + cells.filter { !ModelDataMatrixTests.isSlow($0) }
        let start = Date()
        var reports = cells.concurrentMap(jobs: ModelDataMatrixTests.jobs) { run($0, runner: runner, dataDir: dataDir) }
        reports.sort { $0.cell.name < $1.cell.name }
        var lines = ["model × data matrix (\(ModelDataMatrixTests.full ? "full" : "default subset"), \(cells.count) cells, "
                     + "\(String(format: "%.0f", Date().timeIntervalSince(start))) s, labelled images: \(labelled ?? "absent, skipped")):"]
        for r in reports {
            let state = (r.refused.map { "refused: \($0)" } ?? (r.failures.isEmpty ? "ok" : "FAILED")) + r.notes.map { "; " + $0 }.joined()
            lines.append(String(format: "  %-44@ %5.1f s  %@", r.cell.name as NSString, r.seconds, state))
        }
        print(lines.joined(separator: "\n"))
        // Each model must be tried on image data and on points at least once.
        for model in ModelKind.allCases {
            XCTAssertTrue(cells.contains { $0.model == model && !ModelDataMatrixTests.pointData.contains($0.data) }, "\(model.rawValue) never meets image data")
            XCTAssertTrue(cells.contains { $0.model == model && ModelDataMatrixTests.pointData.contains($0.data) }, "\(model.rawValue) never meets points")
        }
        let failed = reports.filter { !$0.failures.isEmpty }
        if !failed.isEmpty {
            XCTFail("\(failed.count) of \(reports.count) model × data cells failed:\n" + failed.map { r in
                "  latent train \(r.cell.name) \(ModelDataMatrixTests.tinySettings(r.cell.model, data: r.cell.data).joined(separator: " ")):\n"
                    + r.failures.map { "    - " + $0 }.joined(separator: "\n")
            }.joined(separator: "\n"))
        }
    }
}
