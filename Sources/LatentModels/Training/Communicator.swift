/// The collective operations synchronous data-parallel training needs, over the processes
/// ("ranks") of one job — MPI's `MPI_COMM_WORLD` (`MPICommunicator`, module LatentDistributed), or
/// threads of one process (`ThreadGroup`, for tests).
///
/// Every rank must call the same operations in the same order with the same sizes, as with MPI.
/// Operations that cannot complete — a rank died or hangs — end with `DistributedError.timeout`
/// (thrown, or printed as the process exits) instead of waiting for ever.
public protocol Communicator: AnyObject {
    /// This process's rank, 0 ..< size; rank 0 writes the run's files.
    var rank: Int { get }
    /// The number of ranks.
    var size: Int { get }
    /// Starts summing `buffer` over the ranks, in place. The memory must stay valid and
    /// untouched until `wait` returns. Returns a request for `wait`.
    func startSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws -> Int
    /// Lets started requests advance (MPI progresses nonblocking operations inside its calls).
    func progress() throws
    /// Waits for a started request; `what` names it in a timeout's message.
    func wait(_ request: Int, what: String) throws
    /// Sums `values` over the ranks, in place (blocking).
    func sum(_ values: inout [Double], what: String) throws
    /// Takes the elementwise maximum of `values` over the ranks, in place (blocking).
    func max(_ values: inout [Double], what: String) throws
    /// Replaces `bytes` on every rank by rank `root`'s (blocking; every rank passes the same count).
    func broadcast(_ bytes: inout [UInt8], from root: Int, what: String) throws
}

/// A collective operation that failed: named, with the rank that saw it.
public enum DistributedError: Error, CustomStringConvertible, Equatable {
    /// No answer from the other ranks within `seconds`.
    case timeout(rank: Int, what: String, seconds: Double)
    /// The MPI library reported an error (or could not be loaded).
    case failed(rank: Int, what: String, message: String)
    /// The ranks disagree about something that must be the same everywhere.
    case inconsistent(rank: Int, what: String)

    public var description: String {
        switch self {
        case let .timeout(rank, what, seconds):
            return "rank \(rank): no answer from the other ranks for \(Int(seconds)) s during \(what) — a rank died, hangs or is much slower; stopping (raise --distributed-timeout if a step really takes that long)"
        case let .failed(rank, what, message): return "rank \(rank): \(what) failed: \(message)"
        case let .inconsistent(rank, what): return "rank \(rank): the ranks disagree: \(what)"
        }
    }
}
