import Foundation

/// Progress of long work that is not training — `latent eval`'s importance sampling and
/// disentanglement scores, which take tens of seconds to minutes. On standard error, so standard
/// output keeps only the result: on a terminal a live line per task (bar, count, time left);
/// otherwise a plain line at most every `interval` seconds once a task runs that long; nothing
/// with `--quiet` or `--json` (their output is the result alone).
public final class WorkProgress {
    private let console: Console
    private let command: String
    private let interval: Double
    private let write: (String) -> Void
    private var task = "", unit = ""
    private var started = Date(), lastPrint = Date.distantPast
    private var showing = false

    /// Progress of `command`'s work for `console`'s mode; `write` receives the raw text for
    /// standard error (tests capture it).
    public init(console: Console, command: String = "eval", interval: Double = 10, write: ((String) -> Void)? = nil) {
        (self.console, self.command, self.interval) = (console, command, interval)
        self.write = write ?? { FileHandle.standardError.write(Data($0.utf8)) }
    }

    private var enabled: Bool { console.mode == .human && !console.muted }

    /// Starts a task (`importance sampling`), counted in `unit` (`images`); ends the previous one.
    public func begin(_ task: String, unit: String) {
        finish()
        (self.task, self.unit, started, lastPrint) = (task, unit, Date(), Date())
    }

    /// `done` of `total` units of the current task are finished.
    public func update(_ done: Int, of total: Int) {
        guard enabled, total > 0 else { return }
        let now = Date()
        let elapsed = now.timeIntervalSince(started)
        let left = done > 0 ? elapsed / Double(done) * Double(total - done) : .nan
        if console.interactive {
            guard now.timeIntervalSince(lastPrint) >= 0.1 || done == total else { return }
            lastPrint = now
            let width = 24, filled = min(width, width * done / total)
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            write("\r\u{1B}[2K" + WorkProgress.line(command, task: task, done: done, total: total, unit: unit, left: left, bar: bar))
            showing = true
        } else {
            guard now.timeIntervalSince(lastPrint) >= interval else { return }
            lastPrint = now
            write(WorkProgress.line(command, task: task, done: done, total: total, unit: unit, left: left, bar: nil) + "\n")
        }
    }

    /// Clears the live line (before the results are printed).
    public func finish() {
        if showing { write("\r\u{1B}[2K") }
        showing = false
    }

    /// `eval: β-VAE score ██████··· 61440/153600 sprites (40%), 0:15 left`.
    static func line(_ command: String, task: String, done: Int, total: Int, unit: String, left: Double, bar: String?) -> String {
        let percent = Int((100 * Double(done) / Double(total)).rounded(.down))
        return "\(command): \(task) " + (bar.map { $0 + " " } ?? "") + "\(done)/\(total) \(unit) (\(percent)%), \(TrainingProgress.clock(left)) left"
    }
}
