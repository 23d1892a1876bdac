import Foundation
import Latent

/// Training progress a person can read: on a terminal a live bar per epoch (steps, img/s, loss
/// parts, ETA); otherwise a plain line every `interval` seconds; one summary line per epoch; in
/// JSON mode the same as JSON objects.
public final class TrainingProgress {
    private let console: Console
    private let epochs: Int
    private let interval: Double
    private var epochStart = Date()
    private var lastEvent = Date()
    private var lastPrint = Date.distantPast
    private var examples = 0
    private var currentEpoch = 0

    /// Progress for a run of `epochs` epochs; plain lines at most every `interval` seconds.
    public init(console: Console, epochs: Int, interval: Double = 10) {
        (self.console, self.epochs, self.interval) = (console, epochs, interval)
    }

    /// The main parts of a loss, in display order (loss first).
    static func shownParts(_ parts: [String: Double]) -> [(String, Double)] {
        let order = ["loss", "reconstruction", "kl", "beta", "nll", MetricNames.bitsPerDim, "iwae_bound", "capacity"]
        return order.compactMap { k in parts[k].map { (k == "reconstruction" ? "rec" : k, $0) } }
    }

    /// The shown parts as `loss 3.785  nll 3.785` (`NumberText.lossPart`).
    static func format(_ parts: [String: Double]) -> String {
        shownParts(parts).map { "\($0.0) \(NumberText.lossPart($0.1))" }.joined(separator: "  ")
    }

    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }

    /// Called after every optimizer step.
    public func step(_ p: StepProgress) {
        if p.epoch != currentEpoch {
            currentEpoch = p.epoch
            epochStart = lastEvent
            examples = 0
        }
        lastEvent = Date()
        examples += p.batchSize
        let now = Date()
        let elapsed = now.timeIntervalSince(epochStart)
        let rate = Double(examples) / max(elapsed, 1e-9)
        let eta = elapsed / Double(p.batch) * Double(p.batchesPerEpoch - p.batch)
        switch console.mode {
        case .quiet: return
        case .json:
            guard now.timeIntervalSince(lastPrint) >= interval else { return }
            lastPrint = now
            console.json(["event": "progress", "epoch": p.epoch, "batch": p.batch, "batches": p.batchesPerEpoch,
                          "step": p.step, "examples_per_second": NumberText.rounded(rate, decimals: 1),
                          "eta_seconds": NumberText.rounded(eta, decimals: 1), "train": p.parts])
        case .human:
            if console.interactive {
                guard now.timeIntervalSince(lastPrint) >= 0.1 || p.batch == p.batchesPerEpoch else { return }
                lastPrint = now
                let width = 24, done = Int(Double(width) * Double(p.batch) / Double(max(p.batchesPerEpoch, 1)))
                let bar = String(repeating: "█", count: done) + String(repeating: "·", count: width - done)
                console.status(String(format: "epoch %d/%d %@ %d/%d  %.0f ex/s  %@  ETA %@", p.epoch, epochs, bar, p.batch,
                                      p.batchesPerEpoch, rate, TrainingProgress.format(p.parts), TrainingProgress.clock(eta)))
            } else {
                guard now.timeIntervalSince(lastPrint) >= interval else { return }
                lastPrint = now
                console.say(String(format: "  epoch %d/%d step %d/%d  %.0f ex/s  %@  ETA %@", p.epoch, epochs, p.batch,
                                   p.batchesPerEpoch, rate, TrainingProgress.format(p.parts), TrainingProgress.clock(eta)))
            }
        }
    }

    /// Called after every epoch (after evaluation).
    public func epoch(_ report: EpochReport) {
        lastEvent = Date()
        if console.mode == .human && console.interactive { console.endStatus() }
        console.json(["event": "epoch", "epoch": report.epoch, "step": report.step, "seconds": NumberText.rounded(report.seconds, decimals: 3),
                      "train": report.train, "test": report.test])
        let test = report.test.isEmpty ? "" : "  | test " + TrainingProgress.format(report.test)
        console.say(String(format: "epoch %d/%d  train %@%@  (%.1f s)", report.epoch, epochs,
                           TrainingProgress.format(report.train), test, report.seconds))
    }
}
