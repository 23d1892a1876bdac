import Foundation

/// An error the `latent` command reports as one readable message and a conventional exit code:
/// 64 (EX_USAGE, as the argument parser uses) for wrong usage — unknown names, bad values — and
/// 1 for a failure while working (missing files, incompatible checkpoints, a diverging run).
public enum CLIError: Error, CustomStringConvertible {
    /// A setting whose value is not allowed.
    case badSetting(key: String, value: String, allowed: String)
    /// A setting name no model reads.
    case unknownSetting(key: String, known: [String])
    /// A name not in a list (model, dataset, workload…).
    case unknown(what: String, name: String, valid: [String])
    /// Wrong usage of a command, with what to do instead.
    case usage(String)
    /// A failure while working, with what to do about it.
    case failed(String)
    /// Training stopped by a signal after saving its work; exits 128 + the signal number.
    case interrupted(String, signal: Int32)

    public var description: String {
        switch self {
        case let .badSetting(key, value, allowed):
            return "bad value for '\(key)': \(value) — expected \(allowed)"
        case let .unknownSetting(key, known):
            return "unknown setting '\(CLIError.cut(key))'" + CLIError.suggestion(key, known)
                + "; settings: " + known.joined(separator: ", ")
        case let .unknown(what, name, valid):
            return "unknown \(what) '\(CLIError.cut(name))'" + CLIError.suggestion(name, valid) + "; valid: " + valid.joined(separator: ", ")
        case let .usage(message), let .failed(message), let .interrupted(message, _):
            return message
        }
    }

    /// The process exit code for this error.
    public var exitCode: Int32 {
        switch self {
        case .failed: return 1
        case let .interrupted(_, signal): return 128 + signal
        default: return 64
        }
    }

    /// `text` cut to 80 characters for messages (user input can be arbitrarily long).
    public static func cut(_ text: String) -> String { text.count > 80 ? String(text.prefix(80)) + "…" : text }

    /// " (did you mean X?)" for the names within two edits of `name` (or starting like it), else "".
    static func suggestion(_ name: String, _ names: [String]) -> String {
        let near = names.filter { editDistance(name.lowercased(), $0, limit: 2) <= 2 || (name.count >= 3 && $0.hasPrefix(name.lowercased().prefix(3))) }
        return near.isEmpty ? "" : " (did you mean \(near.prefix(3).joined(separator: ", "))?)"
    }

    /// Levenshtein distance, stopping early once every path exceeds `limit` (returns limit + 1).
    static func editDistance(_ a: String, _ b: String, limit: Int) -> Int {
        let a = Array(a.prefix(64)), b = Array(b)
        guard abs(a.count - b.count) <= limit else { return limit + 1 }
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            if current.min()! > limit { return limit + 1 }
            previous = current
        }
        return previous[b.count]
    }
}
