import Foundation
import Latent

/// A run's per-epoch metrics as files other tools read: the trainer's JSON Lines log read back,
/// and a CSV table (one row per epoch, columns `epoch, step, seconds, learning_rate, train.*, test.*`).
public enum MetricsFiles {
    /// The epoch reports recorded in a `metrics.jsonl` (the trainer's "final" records skipped;
    /// a resumed run's repeated epochs keep their latest record). Empty when the file is missing.
    public static func readHistory(_ url: URL) -> [EpochReport] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        var byEpoch: [Int: EpochReport] = [:]
        for line in text.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  object["final"] == nil, let epoch = (object["epoch"] as? NSNumber)?.intValue else { continue }
            var report = EpochReport(epoch: epoch, step: (object["step"] as? NSNumber)?.intValue ?? 0, train: [:], test: [:],
                                     seconds: (object["seconds"] as? NSNumber)?.doubleValue ?? 0,
                                     learningRate: (object["learning_rate"] as? NSNumber)?.doubleValue ?? 0)
            for (key, value) in object {
                guard let number = (value as? NSNumber)?.doubleValue else { continue }
                if key.hasPrefix("train.") { report.train[String(key.dropFirst(6))] = number }
                if key.hasPrefix("test.") { report.test[String(key.dropFirst(5))] = number }
            }
            byEpoch[epoch] = report
        }
        return byEpoch.keys.sorted().map { byEpoch[$0]! }
    }

    /// The CSV text of `history`, numbers written by `number` (full precision by default, for
    /// `metrics.csv`; the HTML report passes `NumberText.short`).
    public static func csv(_ history: [EpochReport], number: (Double) -> String = { String($0) }) -> String {
        let trainKeys = Set(history.flatMap { $0.train.keys }).sorted(), testKeys = Set(history.flatMap { $0.test.keys }).sorted()
        var lines = [(["epoch", "step", "seconds", "learning_rate"] + trainKeys.map { "train." + $0 } + testKeys.map { "test." + $0 })
            .joined(separator: ",")]
        for r in history {
            let cells = [String(r.epoch), String(r.step), number(r.seconds), number(r.learningRate)]
                + trainKeys.map { r.train[$0].map(number) ?? "" } + testKeys.map { r.test[$0].map(number) ?? "" }
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `csv(history)` atomically.
    public static func writeCSV(_ history: [EpochReport], to url: URL) throws {
        try AtomicFile.write(csv(history), to: url)
    }
}
