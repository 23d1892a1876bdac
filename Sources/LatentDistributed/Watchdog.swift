import Foundation

/// Ends this process when one MPI call outlives its deadline: the blocking calls (MPI_Wait,
/// MPI_Allreduce) cannot time out themselves, so a thread beside them checks the clock each
/// 100 ms and, past the deadline, prints the reason on standard error and exits with status 1 —
/// whereupon the launcher (mpirun, srun) ends the other ranks. No MPI call is made from it.
final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var deadline: Date?
    private var message = ""
    private var thread: Thread?

    /// Runs `body` (a blocking MPI call) with a deadline `seconds` from now; `message` is what is
    /// printed if it passes.
    func guarding<T>(seconds: Double, message: @autoclosure () -> String, _ body: () throws -> T) rethrows -> T {
        start()
        lock.lock()
        (deadline, self.message) = (Date().addingTimeInterval(seconds), message())
        lock.unlock()
        defer {
            lock.lock()
            deadline = nil
            lock.unlock()
        }
        return try body()
    }

    private func start() {
        lock.lock()
        defer { lock.unlock() }
        guard thread == nil else { return }
        let thread = Thread { [unowned self] in
            while true {
                Thread.sleep(forTimeInterval: 0.1)
                self.lock.lock()
                let expired = self.deadline.map { Date() > $0 } ?? false
                let text = self.message
                self.lock.unlock()
                if expired {
                    FileHandle.standardError.write(Data("error: \(text)\n".utf8))
                    _exit(1)
                }
            }
        }
        thread.stackSize = 1 << 16
        thread.start()
        self.thread = thread
    }
}
