import Foundation
import Latent

/// A run's per-epoch metrics as files other tools read: the trainer's JSON Lines log read back,
/// and a CSV table (one row per epoch, columns `epoch, step, seconds, learning_rate, train.*, test.*`).
public enum MetricsFiles {
    /// The epoch reports recorded in a `metrics.jsonl` (the trainer's "final" records skipped;
    /// a resumed run's repeated epochs keep their latest record), metrics under today's names
    /// (`MetricNames`: an old log's `bitsPerDim` reads as `bits_per_dim`). Empty when the file is missing.
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
            (report.train, report.test) = (MetricNames.current(report.train), MetricNames.current(report.test))
            byEpoch[epoch] = report
        }
        return byEpoch.keys.sorted().map { byEpoch[$0]! }
    }

    /// The CSV text of `history`, numbers written by `number` (by default as in `metrics.jsonl`,
    /// `JSONText.number`: full precision, a Float's value by its own digits, empty when not finite;
    /// the HTML report passes `NumberText.short`).
    public static func csv(_ history: [EpochReport], number: (Double) -> String = MetricsFiles.number) -> String {
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

    /// A CSV cell: `JSONText.number`, with `nan`, `inf` and `-inf` spelled out.
    public static func number(_ value: Double) -> String {
        value.isFinite ? JSONText.number(value) : (value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf"))
    }

    /// Writes `csv(history)` atomically.
    public static func writeCSV(_ history: [EpochReport], to url: URL) throws {
        try AtomicFile.write(csv(history), to: url)
    }
}
