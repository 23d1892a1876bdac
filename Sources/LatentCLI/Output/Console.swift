import Foundation
import Latent
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

    /// The columns help text is wrapped to: `$COLUMNS`, else the terminal's width, else 80 —
    /// the width the help formatter wraps to — kept within 60…120 so a table stays readable.
    public static var screenWidth: Int {
        if let text = ProcessInfo.processInfo.environment["COLUMNS"], let columns = Int(text), columns > 0 { return min(max(columns, 60), 120) }
        var size = winsize()
        if isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return min(max(Int(size.ws_col), 60), 120) }
        return 80
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

    /// `object` as compact JSON (`JSONText`): sorted keys, a Float's value by its own shortest
    /// digits (`0.001`, not `0.0010000000474974513`), non-finite numbers as null.
    public static func jsonLine(_ object: [String: Any]) -> String {
        do { return try JSONText.line(object) } catch {
            return (try? JSONText.line(["event": "error", "message": "cannot write this output as JSON: \(error)", "exit_code": 1])) ?? "{}"
        }
    }
}
