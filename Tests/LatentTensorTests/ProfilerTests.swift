import Foundation
import XCTest
import LatentTensor

final class ProfilerTests: XCTestCase {
    private func entry(_ entries: [Profiler.Entry], _ label: String) -> Profiler.Entry? {
        entries.first { $0.label == label }
    }

    /// c = a ⊙ b, s = Σ c, backward: every op, every pullback and every buffer is counted exactly.
    func testCountsCallsAndAllocationsOfATinyGraph() {
        let a = random([2, 3]).requiringGrad(), b = random([2, 3], seed: 8)
        Profiler.start()
        let c = a * b
        let s = c.sum()
        s.backward()
        Profiler.mark("caller")
        let entries = Profiler.stop()
        XCTAssertFalse(Profiler.isEnabled)

        let expected: [(String, Int, Int, Int)] = [
            ("mul", 1, 1, 24),               // the product [2, 3]
            ("sum", 1, 1, 4),                // the reduced value
            ("backward.sort", 1, 1, 4),      // the seed gradient 1
            ("sum.backward", 1, 1, 24),      // the gradient expanded to [2, 3]
            ("mul.backward", 1, 1, 24),      // g ⊙ b
            ("caller", 1, 0, 0),
        ]
        for (label, calls, allocations, bytes) in expected {
            guard let e = entry(entries, label) else { XCTFail("no profile entry \(label) in \(entries.map(\.label))"); continue }
            XCTAssertEqual(e.calls, calls, label)
            XCTAssertEqual(e.allocations, allocations, label)
            XCTAssertEqual(e.bytes, bytes, label)
            XCTAssertGreaterThanOrEqual(e.seconds, 0, label)
        }
        XCTAssertEqual(entries.reduce(0) { $0 + $1.allocations }, 5)
        assertClose(a.grad!, b)
    }

    /// Nothing is recorded while the profiler is off, and a new start clears the totals.
    func testRecordsNothingWhenOffAndRestartsFromZero() {
        let a = random([4]).requiringGrad()
        Profiler.start()
        _ = (a * 2).sum()
        Profiler.stop()
        _ = (a * 3).sum().item
        Profiler.start()
        let entries = Profiler.stop()
        XCTAssertNil(entry(entries, "mul"))
        XCTAssertNil(entry(entries, "sum"))
        XCTAssertEqual(entries.reduce(0) { $0 + $1.allocations }, 0)
    }

    /// Tensors made on another thread (e.g. a loader's prefetch) are not charged to the profile.
    func testIgnoresOtherThreads() {
        Profiler.start()
        let done = DispatchSemaphore(value: 0)
        Thread { _ = Tensor.zeros([1000]); done.signal() }.start()
        done.wait()
        Profiler.mark("after")
        let entries = Profiler.stop()
        XCTAssertEqual(entry(entries, "after")?.allocations, 0)
    }
}
