import CLatentMPI
import Dispatch
import Foundation
import LatentModels

/// `Communicator` over MPI's `MPI_COMM_WORLD`, with the MPI library loaded at run time
/// (`lk_mpi_open`: Open MPI or the MPICH family, whichever is installed) — so Latent builds,
/// tests and runs without MPI, and uses it when a job is launched by `mpirun` or `srun`.
///
/// Every operation is nonblocking underneath and waited for with a deadline of `timeout`
/// seconds, so a rank that died or hangs makes the others throw `DistributedError.timeout`
/// instead of waiting for ever. Only the thread that called `start` may use it.
public final class MPICommunicator: Communicator {
    public let rank: Int
    public let size: Int
    /// Seconds an operation may wait for the other ranks.
    public var timeout: Double
    /// The library file that was loaded, and its version line.
    public let library: String, version: String
    private var outstanding: [Int] = []

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

    public func startSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws -> Int {
        var request: Int32 = 0
        try check(lk_mpi_iallreduce(buffer.baseAddress, buffer.count, Int32(LK_MPI_SUM_F32.rawValue), &request), "MPI_Iallreduce")
        outstanding.append(Int(request))
        return Int(request)
    }

    public func progress() throws {
        guard let first = outstanding.first else { return }
        var done: Int32 = 0
        try check(lk_mpi_test(Int32(first), &done), "MPI_Test")
        if done != 0 { outstanding.removeFirst() }
    }

    public func wait(_ request: Int, what: String) throws {
        guard let position = outstanding.firstIndex(of: request) else { return }
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeout * 1e9)
        var spins = 0
        while true {
            var done: Int32 = 0
            try check(lk_mpi_test(Int32(request), &done), "MPI_Test during \(what)")
            if done != 0 { break }
            spins += 1
            if spins > 2000 {
                // Past ~a millisecond of polling: sleep a little between tests, and watch the clock.
                usleep(50)
                if DispatchTime.now().uptimeNanoseconds > deadline {
                    throw DistributedError.timeout(rank: rank, what: what, seconds: timeout)
                }
            }
        }
        outstanding.remove(at: position)
    }

    public func sum(_ values: inout [Double], what: String) throws {
        try reduce(&values, Int32(LK_MPI_SUM_F64.rawValue), what: what)
    }

    public func max(_ values: inout [Double], what: String) throws {
        try reduce(&values, Int32(LK_MPI_MAX_F64.rawValue), what: what)
    }

    public func broadcast(_ bytes: inout [UInt8], from root: Int, what: String) throws {
        let chunk = 1 << 30
        try bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Swift.min(chunk, raw.count - offset)
                var request: Int32 = 0
                try check(lk_mpi_ibcast(raw.baseAddress! + offset, n, Int32(root), &request), "MPI_Ibcast during \(what)")
                outstanding.append(Int(request))
                try wait(Int(request), what: what)
                offset += n
            }
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

    private func reduce(_ values: inout [Double], _ kind: Int32, what: String) throws {
        guard !values.isEmpty else { return }
        try values.withUnsafeMutableBufferPointer { buffer in
            var request: Int32 = 0
            try check(lk_mpi_iallreduce(buffer.baseAddress, buffer.count, kind, &request), "MPI_Iallreduce during \(what)")
            outstanding.append(Int(request))
            try wait(Int(request), what: what)
        }
    }

    private func check(_ code: Int32, _ what: String) throws {
        guard code == 0 else { throw DistributedError.failed(rank: rank, what: what, message: String(cString: lk_mpi_error())) }
    }
}
