import Foundation

/// The names of loss parts and metrics: snake_case in every file and output (`bits_per_dim`,
/// `negative_elbo`, `nll_iwae100_first1000`), in training, evaluation and benchmarks alike.
///
/// Runs written before the names were unified used `bitsPerDim`. Whatever reads a run back —
/// `Trainer.resume(from:)` (the checkpoint's epoch records and partial sums), the metrics-log
/// readers, `latent inspect` — passes the names through `current(_:)`, so an old run folder
/// resumes and reports under today's names.
public enum MetricNames {
    /// −log p(x) (or the −ELBO bound) per pixel value in bits: nats / (D · ln 2), +8 for data scaled to [0, 1].
    public static let bitsPerDim = "bits_per_dim"

    /// Old spellings and the names that replaced them.
    public static let renamed: [String: String] = ["bitsPerDim": bitsPerDim]

    /// `name` under today's spelling. A prefix before the last `.` or `/` (`train.`, `test.`,
    /// `best.`, `train/`) is kept: `train.bitsPerDim` → `train.bits_per_dim`.
    public static func current(_ name: String) -> String {
        guard let cut = name.lastIndex(where: { $0 == "." || $0 == "/" }) else { return renamed[name] ?? name }
        let last = name[name.index(after: cut)...]
        return renamed[String(last)].map { name[...cut] + $0 } ?? name
    }

    /// `record` with every key under today's spelling (a value whose old and new names are both
    /// present keeps the new name's value).
    public static func current<Value>(_ record: [String: Value]) -> [String: Value] {
        var out: [String: Value] = [:]
        for (key, value) in record where out[current(key)] == nil || current(key) == key { out[current(key)] = value }
        return out
    }

    /// A parsed JSON value with the keys of every object in it under today's spelling.
    public static func currentKeys(_ value: Any) -> Any {
        switch value {
        case let object as [String: Any]: return current(object).mapValues(currentKeys)
        case let list as [Any]: return list.map(currentKeys)
        default: return value
        }
    }

    /// One line of a metrics log (`MetricsLog.line`) under today's names: the line itself when no
    /// key changes (so the text of a current log is kept byte for byte), else the record re-written.
    public static func currentLine(_ line: String) -> String {
        guard renamed.keys.contains(where: { line.contains("\"" + $0) || line.contains("." + $0) || line.contains("/" + $0) }),
              let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let rewritten = try? MetricsLog.line(current(object)) else { return line }
        return rewritten
    }
}
