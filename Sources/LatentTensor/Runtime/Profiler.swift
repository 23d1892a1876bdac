import CLatentKernels
import Dispatch
import Foundation

/// Per-op wall time and tensor allocations, for finding the next bottleneck by measurement.
///
/// The profiler works with *marks*: every mark charges the time and the tensor allocations since
/// the previous mark to one label. The engine marks at two central places, so a whole training
/// step is covered without touching the ops one by one:
/// - the tape (`recorded`): when an op records its pullback, the time since the last mark — the
///   op's kernel and its result's allocation — goes to the op's name (`"linear"`, `"mul"`, …);
/// - the backward loop: each pullback, with the summing of its gradients into the inputs' pending
///   gradients, goes to `"<op>.backward"`; the topological sort goes to `"backward.sort"`.
///
/// Work that records nothing (ops on tensors that need no gradient, random draws without an own
/// mark) is charged to the next mark; callers mark their own phases with `mark(_:)`, e.g.
/// `"optimizer"` after `Adam.step()`. Random draws mark themselves (`"random.*"`).
///
/// Only the thread that called `start()` is profiled (tensors made on other threads, e.g. a data
/// loader's prefetch, are not counted: `lk_alloc` counts per thread). When the profiler is off,
/// the cost is one branch on a global C flag per recorded op and per buffer allocation.
public enum Profiler {
    /// The totals of one label.
    public struct Entry: Codable, Equatable, Sendable {
        /// The op name (`"linear"`), its backward (`"linear.backward"`) or a caller's mark.
        public var label: String
        /// Marks charged to this label.
        public var calls: Int
        /// Wall-clock seconds charged to this label.
        public var seconds: Double
        /// Buffers allocated (`lk_alloc`: tensor storage, and the GEMM's packing buffers when they
        /// grow).
        public var allocations: Int
        /// Bytes of those buffers.
        public var bytes: Int
    }

    /// True between `start()` and `stop()`: the one flag the engine checks (a C global).
    @inline(__always)
    static var isActive: Bool { lk_profiling_enabled() != 0 }
    nonisolated(unsafe) private static var owner: pthread_t?
    nonisolated(unsafe) private static var entries: [String: Entry] = [:]
    nonisolated(unsafe) private static var lastMark: UInt64 = 0
    nonisolated(unsafe) private static var markedAllocations = 0
    nonisolated(unsafe) private static var markedBytes = 0

    /// Whether a profile is being recorded.
    public static var isEnabled: Bool { isActive }

    /// Clears the totals and starts recording on the calling thread.
    public static func start() {
        entries = [:]
        owner = pthread_self()
        lk_profiling = 1
        (markedAllocations, markedBytes) = allocationCounts()
        lastMark = DispatchTime.now().uptimeNanoseconds
    }

    /// Stops recording and returns the totals, largest time first. Time and allocations since the
    /// last mark are charged to `"unmarked"`.
    @discardableResult
    public static func stop() -> [Entry] {
        guard isActive else { return [] }
        mark("unmarked")
        lk_profiling = 0
        owner = nil
        return entries.values.filter { $0.seconds > 0 || $0.allocations > 0 }.sorted {
            $0.seconds != $1.seconds ? $0.seconds > $1.seconds : $0.label < $1.label
        }
    }

    /// Charges the time and tensor allocations since the previous mark to `label`.
    @inline(never)
    public static func mark(_ name: String) {
        guard isActive, isOwner else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let (allocations, bytes) = allocationCounts()
        var e = entries[name] ?? Entry(label: name, calls: 0, seconds: 0, allocations: 0, bytes: 0)
        e.calls += 1
        e.seconds += Double(now &- lastMark) * 1e-9
        e.allocations += allocations - markedAllocations
        e.bytes += bytes - markedBytes
        entries[name] = e
        (markedAllocations, markedBytes) = (allocations, bytes)
        lastMark = DispatchTime.now().uptimeNanoseconds
    }

    /// This thread's running totals of profiled allocations and bytes.
    private static func allocationCounts() -> (Int, Int) {
        var allocations = 0, bytes = 0
        lk_allocation_counts(&allocations, &bytes)
        return (allocations, bytes)
    }

    private static var isOwner: Bool {
        guard let o = owner else { return false }
        return pthread_equal(o, pthread_self()) != 0
    }
}
