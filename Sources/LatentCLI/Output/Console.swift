import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a command talks to the person (or program) running it.
public enum OutputMode: String {
    /// A live progress bar on an interactive terminal, plain periodic lines otherwise.
    case human
    /// Only the final result and errors.
    case quiet
    /// One JSON object per line on standard output (progress, epochs, result), nothing else there.
    case json
}

/// Standard output and error, with the mode the user chose.
public final class Console {
    /// The chosen mode.
    public let mode: OutputMode
    /// Whether standard error is an interactive terminal (live progress bars only then).
    public let interactive: Bool

    /// When true nothing is printed but warnings (the ranks other than 0 of a distributed run:
    /// rank 0 speaks for the job).
    public var muted = false

    public init(mode: OutputMode, interactive: Bool? = nil) {
        self.mode = mode
        self.interactive = interactive ?? (isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb")
    }

    /// A line of human-readable output (not in quiet or JSON mode).
    public func say(_ line: String) {
        guard mode == .human, !muted else { return }
        print(line)
        fflush(stdout)
    }

    /// A result line: printed in human and quiet modes.
    public func result(_ line: String) {
        guard mode != .json, !muted else { return }
        print(line)
        fflush(stdout)
    }

    /// One JSON object on its own line (JSON mode only). Keys are sorted.
    public func json(_ object: [String: Any]) {
        guard mode == .json, !muted else { return }
        print(Console.jsonLine(object))
        fflush(stdout)
    }

    /// A warning on standard error (every mode).
    public func warn(_ line: String) {
        FileHandle.standardError.write(Data("warning: \(line)\n".utf8))
    }

    /// Overwrites the current terminal line on standard error (the progress bar).
    func status(_ line: String) {
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(line)".utf8))
    }

    /// Ends a status line.
    func endStatus() {
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }

    /// `object` as compact JSON with sorted keys; non-finite numbers become null.
    public static func jsonLine(_ object: [String: Any]) -> String {
        func clean(_ value: Any) -> Any {
            switch value {
            case let d as Double: return d.isFinite ? d : NSNull()
            case let f as Float: return f.isFinite ? Double(f) : NSNull()
            case let dict as [String: Any]: return dict.mapValues(clean)
            case let list as [Any]: return list.map(clean)
            default: return value
            }
        }
        let data = (try? JSONSerialization.data(withJSONObject: clean(object), options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
