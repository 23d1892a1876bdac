import CLatentMPI
import Dispatch
import Foundation
import LatentModels

/// `Communicator` over MPI's `MPI_COMM_WORLD`, with the MPI library loaded at run time
/// (`lk_mpi_open`: Open MPI or the MPICH family, whichever is installed) — so Latent builds,
/// tests and runs without MPI, and uses it when a job is launched by `mpirun` or `srun`.
///
/// Gradient sums are started nonblocking (`MPI_Iallreduce`, so they can proceed while backward
/// runs) and finished with `MPI_Wait`; the small sums of each step are blocking `MPI_Allreduce`.
/// Every wait has a deadline of `timeout` seconds, kept by a `Watchdog` thread: a rank that
/// waits longer — another rank died or hangs — prints `DistributedError.timeout`'s message and
/// exits, and the launcher ends the job, instead of waiting for ever. Only the thread that
/// called `start` may use it.
public final class MPICommunicator: Communicator {
    public let rank: Int
    public let size: Int
    /// Seconds an operation may wait for the other ranks.
    public var timeout: Double
    /// The library file that was loaded, and its version line.
    public let library: String, version: String
    private var outstanding: [Int] = []
    private let watchdog = Watchdog()

    private nonisolated(unsafe) static var started: MPICommunicator?

    private init(rank: Int, size: Int, timeout: Double) {
        (self.rank, self.size, self.timeout) = (rank, size, timeout)
        library = String(cString: lk_mpi_library())
        version = String(cString: lk_mpi_version())
    }

    /// Loads MPI (`library` path, or `$LATENT_MPI_LIBRARY`, or the usual names) and initializes
    /// it, once per process; later calls return the same communicator. Throws
    /// `DistributedError.failed` with what to install when no MPI library is found.
    public static func start(library: String? = nil, timeout: Double = 300) throws -> MPICommunicator {
        if let started = started { return started }
        guard lk_mpi_open(library) == 0 else {
            throw DistributedError.failed(rank: 0, what: "loading MPI", message: String(cString: lk_mpi_error()))
        }
        var rank: Int32 = 0, size: Int32 = 0
        guard lk_mpi_init(&rank, &size) == 0 else {
            throw DistributedError.failed(rank: 0, what: "starting MPI", message: String(cString: lk_mpi_error()))
        }
        let communicator = MPICommunicator(rank: Int(rank), size: Int(size), timeout: timeout)
        started = communicator
        return communicator
    }

    /// The communicator `start` made, if any.
    public static var current: MPICommunicator? { started }

    /// Whether gradient sums run as `MPI_Iallreduce`, overlapping the rest of backward and
    /// finished by `wait` (the default), or as blocking `MPI_Allreduce` issued the moment a bucket
    /// is complete (`LATENT_MPI_OVERLAP=0`). On one machine's shared memory the blocking sum alone
    /// measured 2–3× faster (`latent bench --allreduce`), yet whole MLP-VAE steps ran alike
    /// (docs/DISTRIBUTED.md); over a network the overlap is what hides the transfer.
    public var overlapsSums = ProcessInfo.processInfo.environment["LATENT_MPI_OVERLAP"] != "0"

    public func startSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws -> Int {
        guard overlapsSums else {
            try guarded("a gradient sum") { try check(lk_mpi_allreduce_sum_f32(buffer.baseAddress, buffer.count), "MPI_Allreduce") }
            return -1
        }
        var request: Int32 = 0
        try check(lk_mpi_iallreduce(buffer.baseAddress, buffer.count, Int32(LK_MPI_SUM_F32.rawValue), &request), "MPI_Iallreduce")
        outstanding.append(Int(request))
        return Int(request)
    }

    /// Sums `buffer` with the blocking `MPI_Allreduce`, for measuring it against the nonblocking
    /// form training uses (`latent bench --allreduce`).
    public func blockingSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws {
        try guarded("a blocking sum") { try check(lk_mpi_allreduce_sum_f32(buffer.baseAddress, buffer.count), "MPI_Allreduce") }
    }

    public func progress() throws {
        guard let first = outstanding.first else { return }
        var done: Int32 = 0
        try check(lk_mpi_test(Int32(first), &done), "MPI_Test")
        if done != 0 { outstanding.removeFirst() }
    }

    public func wait(_ request: Int, what: String) throws {
        guard let position = outstanding.firstIndex(of: request) else { return }
        outstanding.remove(at: position)
        try guarded(what) { try check(lk_mpi_wait(Int32(request)), "MPI_Wait during \(what)") }
    }

    /// Runs a blocking MPI call under the watchdog's deadline.
    private func guarded<T>(_ what: String, _ body: () throws -> T) throws -> T {
        try watchdog.guarding(seconds: timeout, message: DistributedError.timeout(rank: rank, what: what, seconds: timeout).description, body)
    }

    public func sum(_ values: inout [Double], what: String) throws {
        guard !values.isEmpty else { return }
        try values.withUnsafeMutableBufferPointer { buffer in
            try guarded(what) { try check(lk_mpi_allreduce_sum_f64(buffer.baseAddress, buffer.count), "MPI_Allreduce during \(what)") }
        }
    }

    public func max(_ values: inout [Double], what: String) throws {
        guard !values.isEmpty else { return }
        try values.withUnsafeMutableBufferPointer { buffer in
            try guarded(what) { try check(lk_mpi_allreduce_max_f64(buffer.baseAddress, buffer.count), "MPI_Allreduce during \(what)") }
        }
    }

    public func broadcast(_ bytes: inout [UInt8], from root: Int, what: String) throws {
        try bytes.withUnsafeMutableBytes { raw in
            try guarded(what) { try check(lk_mpi_bcast(raw.baseAddress, raw.count, Int32(root)), "MPI_Bcast during \(what)") }
        }
    }

    /// Shuts MPI down; call once, after the last operation, on every rank.
    public func finish() {
        _ = lk_mpi_finalize()
    }

    /// Ends every process of the job with `code` (after a fault, so that no rank waits for ever).
    public func abort(code: Int32) -> Never {
        lk_mpi_abort(code)
        exit(code)
    }

    private func check(_ code: Int32, _ what: String) throws {
        guard code == 0 else { throw DistributedError.failed(rank: rank, what: what, message: String(cString: lk_mpi_error())) }
    }
}
