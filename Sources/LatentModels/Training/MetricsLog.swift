import Foundation

/// Appends one JSON object per line (JSON Lines) to a file: the trainer's metrics log.
///
/// Each record is a flat object of numbers and strings with sorted keys, e.g.
/// `{"epoch":1,"step":469,"test.loss":104.2,"train.kl":25.1,…}`, so any JSONL reader can load the
/// log as a table. The file is created (with its folder) on the first append.
public struct MetricsLog {
    /// The `.jsonl` file.
    public let url: URL

    /// A log writing to `url`.
    public init(url: URL) { self.url = url }

    /// Appends `record` as one line (`line(_:)`).
    public func append(_ record: [String: Any]) throws { try append(line: try MetricsLog.line(record)) }

    /// `record` as one line of the log, without the newline (`JSONText`: sorted keys, a Float
    /// learning rate as `0.001`), non-finite numbers as the strings "nan", "inf", "-inf" (JSON has
    /// no literal for them).
    public static func line(_ record: [String: Any]) throws -> String {
        var clean: [String: Any] = [:]
        for (key, value) in record {
            if let d = value as? Double, !d.isFinite {
                clean[key] = d.isNaN ? "nan" : (d > 0 ? "inf" : "-inf")
            } else {
                clean[key] = value
            }
        }
        return try JSONText.line(clean)
    }

    /// Appends one line made by `line(_:)`.
    public func append(line text: String) throws {
        let line = Data((text + "\n").utf8)
        let manager = FileManager.default
        if !manager.fileExists(atPath: url.path) {
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try line.write(to: url)
            return
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: line)
    }

    /// Every record in the file, in order (empty lines skipped).
    public func records() throws -> [[String: Any]] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw TrainingError.unreadableFile(path: url.path, problem: "line is not a JSON object: \(line)")
            }
            return object
        }
    }
}
