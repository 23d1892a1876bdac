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

    public var description: String {
        switch self {
        case let .badSetting(key, value, allowed):
            return "bad value for '\(key)': \(value) — expected \(allowed)"
        case let .unknownSetting(key, known):
            let near = known.filter { $0.hasPrefix(String(key.prefix(3))) }
            return "unknown setting '\(key)'" + (near.isEmpty ? "" : " (did you mean \(near.joined(separator: ", "))?)")
                + "; settings: " + known.joined(separator: ", ")
        case let .unknown(what, name, valid):
            return "unknown \(what) '\(name)'; valid: " + valid.joined(separator: ", ")
        case let .usage(message), let .failed(message):
            return message
        }
    }

    /// The process exit code for this error.
    public var exitCode: Int32 {
        switch self {
        case .failed: return 1
        default: return 64
        }
    }
}
