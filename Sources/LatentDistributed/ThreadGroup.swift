import Foundation
import LatentModels

/// N ranks as threads of one process, for testing data-parallel training without MPI: each
/// thread takes `member(rank)` and runs the same code as it would on its own MPI rank.
///
/// Every operation is a rendezvous: the last rank to arrive combines the contributions in rank
/// order (so sums are the same on every rank and from run to run) and releases the others.
/// Operations are blocking (`startSum` completes before it returns).
public final class ThreadGroup {
    /// The number of ranks.
    public let size: Int
    /// Seconds a rank waits for the others before `DistributedError.timeout`.
    public let timeout: Double
    private let condition = NSCondition()
    private var arrived = 0
    private var generation = 0
    private var contributions: [UnsafeMutableRawBufferPointer?]
    private var failed = false

    public init(size: Int, timeout: Double = 60) {
        precondition(size >= 1, "ThreadGroup needs at least one rank")
        (self.size, self.timeout) = (size, timeout)
        contributions = Array(repeating: nil, count: size)
    }

    /// The communicator of rank `rank`, for its thread.
    public func member(_ rank: Int) -> Communicator { Member(group: self, rank: rank) }

    /// Deposits rank `rank`'s buffer; the last arrival runs `combine` over all of them.
    fileprivate func rendezvous(_ rank: Int, _ buffer: UnsafeMutableRawBufferPointer, what: String,
                                combine: ([UnsafeMutableRawBufferPointer]) -> Void) throws {
        condition.lock()
        defer { condition.unlock() }
        guard !failed else { throw DistributedError.timeout(rank: rank, what: what, seconds: timeout) }
        contributions[rank] = buffer
        arrived += 1
        let mine = generation
        if arrived == size {
            combine(contributions.map { $0! })
            arrived = 0
            contributions = Array(repeating: nil, count: size)
            generation += 1
            condition.broadcast()
            return
        }
        let deadline = Date().addingTimeInterval(timeout)
        while generation == mine {
            if !condition.wait(until: deadline) {
                failed = true
                condition.broadcast()
                throw DistributedError.timeout(rank: rank, what: what, seconds: timeout)
            }
            if failed && generation == mine { throw DistributedError.timeout(rank: rank, what: what, seconds: timeout) }
        }
    }

    private final class Member: Communicator {
        let group: ThreadGroup
        let rank: Int
        var size: Int { group.size }

        init(group: ThreadGroup, rank: Int) { (self.group, self.rank) = (group, rank) }

        func startSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws -> Int {
            try group.rendezvous(rank, UnsafeMutableRawBufferPointer(buffer), what: "a gradient sum") { parts in
                ThreadGroup.combine(parts, as: Float.self) { $0 + $1 }
            }
            return 0
        }

        func progress() throws {}
        func wait(_ request: Int, what: String) throws {}

        func sum(_ values: inout [Double], what: String) throws {
            try values.withUnsafeMutableBytes { raw in
                try group.rendezvous(rank, raw, what: what) { ThreadGroup.combine($0, as: Double.self) { $0 + $1 } }
            }
        }

        func max(_ values: inout [Double], what: String) throws {
            try values.withUnsafeMutableBytes { raw in
                try group.rendezvous(rank, raw, what: what) { ThreadGroup.combine($0, as: Double.self) { Swift.max($0, $1) } }
            }
        }

        func broadcast(_ bytes: inout [UInt8], from root: Int, what: String) throws {
            try bytes.withUnsafeMutableBytes { raw in
                try group.rendezvous(rank, raw, what: what) { parts in
                    for (r, part) in parts.enumerated() where r != root { part.copyMemory(from: UnsafeRawBufferPointer(parts[root])) }
                }
            }
        }
    }

    /// Combines the parts elementwise in rank order and writes the result into every part.
    private static func combine<T>(_ parts: [UnsafeMutableRawBufferPointer], as: T.Type, _ op: (T, T) -> T) {
        let typed = parts.map { $0.bindMemory(to: T.self) }
        for i in 0..<typed[0].count {
            var value = typed[0][i]
            for part in typed.dropFirst() { value = op(value, part[i]) }
            for part in typed { part[i] = value }
        }
    }
}
