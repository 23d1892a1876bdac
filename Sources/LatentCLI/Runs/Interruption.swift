import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ctrl-C (SIGINT) and SIGTERM while `latent train` runs. The first signal asks the trainer to
/// stop after the current step — it then saves a resumable mid-epoch checkpoint and the command
/// exits 130 (SIGINT) or 143 (SIGTERM); a second signal exits at once with the same code.
///
/// The signals are taken from their default action and delivered on a dispatch queue
/// (`DispatchSource.makeSignalSource`), so no work happens inside a signal handler.
public final class Interruption: @unchecked Sendable {
    /// The process-wide instance (signal dispositions are process-wide too).
    public static let shared = Interruption()

    private let lock = NSLock()
    private var received: Int32?
    private var sources: [DispatchSourceSignal] = []

    /// When true the first signal's notice is not printed (the ranks other than 0 of a
    /// distributed run: rank 0 speaks for the job).
    public var quiet = false

    private init() {}

    /// Starts listening for SIGINT and SIGTERM (idempotent).
    public func install() {
        lock.lock()
        defer { lock.unlock() }
        guard sources.isEmpty else { return }
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [unowned self] in self.receive(number) }
            source.resume()
            sources.append(source)
        }
    }

    /// The first signal received, if any.
    public var signalNumber: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    /// Whether a stop was asked for.
    public var requested: Bool { signalNumber != nil }

    /// The exit code for signal `number`: 128 + number (130 for SIGINT, 143 for SIGTERM).
    public static func exitCode(_ number: Int32) -> Int32 { 128 + number }

    /// The name shown in messages.
    public static func name(_ number: Int32) -> String { number == SIGINT ? "Ctrl-C" : (number == SIGTERM ? "SIGTERM" : "signal \(number)") }

    private func receive(_ number: Int32) {
        lock.lock()
        let first = received == nil
        if first { received = number }
        lock.unlock()
        if first {
            guard !quiet else { return }
            FileHandle.standardError.write(Data("\n\(Interruption.name(number)): finishing this step and saving a checkpoint (again to quit at once)\n".utf8))
        } else {
            FileHandle.standardError.write(Data("\n\(Interruption.name(number)) again: quitting without saving\n".utf8))
            _exit(Interruption.exitCode(number))
        }
    }
}
