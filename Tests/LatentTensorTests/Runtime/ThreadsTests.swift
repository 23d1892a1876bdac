import Foundation
import XCTest
@testable import LatentTensor

/// The parallel loops on the kernels' worker pool, and elementwise ops split over them.
final class ThreadsTests: XCTestCase {
    private func withThreads<T>(_ n: Int, _ body: () -> T) -> T {
        let saved = Threads.count
        Threads.count = n
        defer { Threads.count = saved }
        return body()
    }

    func testParallelForRunsEveryIterationOnce() {
        for n in [0, 1, 2, 3, 7, 64] {
            var hits = [Int](repeating: 0, count: n)
            hits.withUnsafeMutableBufferPointer { p in
                let base = p.baseAddress
                withThreads(2) { Threads.parallelFor(n) { i in base![i] += 1 } }
            }
            XCTAssertEqual(hits, [Int](repeating: 1, count: n), "n = \(n)")
        }
    }

    func testParallelChunksCoverTheRangeWithAlignedStarts() {
        let grain = Threads.elementwiseGrain
        // (n, chunks): below two grains one chunk on the caller; at most four chunks per thread.
        for (n, expected) in [(1, 1), (100, 1), (2 * grain - 1, 1), (2 * grain, 2), (5 * grain + 65, 5),
                              (1 << 17, 8), (1_000_003, 8)] {
            var chunks: [(Int, Int)] = []
            let lock = NSLock()
            withThreads(2) {
                Threads.parallelChunks(n) { start, count in
                    lock.lock(); chunks.append((start, count)); lock.unlock()
                }
            }
            chunks.sort { $0.0 < $1.0 }
            XCTAssertEqual(chunks.first?.0, 0)
            XCTAssertEqual(chunks.map(\.1).reduce(0, +), n)
            for (a, b) in zip(chunks, chunks.dropFirst()) { XCTAssertEqual(a.0 + a.1, b.0) }
            XCTAssertTrue(chunks.allSatisfy { $0.0 % 64 == 0 })
            XCTAssertEqual(chunks.count, expected, "n = \(n)")
        }
        var calls = 0
        withThreads(1) { Threads.parallelChunks(1 << 20) { _, _ in calls += 1 } }
        XCTAssertEqual(calls, 1, "one thread: one chunk")
    }

    /// Many short jobs back to back, as a training step issues them: every index of every job runs
    /// exactly once, and a job's results are complete when it returns (the next one reads them).
    func testBackToBackJobsRunEveryIndexOnce() {
        let jobs = 3000, n = 5
        var counts = [Int](repeating: 0, count: n)
        var incomplete = 0
        counts.withUnsafeMutableBufferPointer { p in
            let base = p.baseAddress!
            withThreads(2) {
                for j in 0..<jobs {
                    Threads.parallelFor(n) { i in base[i] += 1 }
                    // Every count must equal the jobs finished so far.
                    if (0..<n).contains(where: { base[$0] != j + 1 }) { incomplete += 1 }
                }
            }
        }
        XCTAssertEqual(counts, [Int](repeating: jobs, count: n))
        XCTAssertEqual(incomplete, 0, "jobs returned before all their indices ran")
    }

    /// A parallel loop inside a parallel loop runs inline on the thread that calls it.
    func testNestedLoopsRunInline() {
        var hits = [Int](repeating: 0, count: 16)
        hits.withUnsafeMutableBufferPointer { p in
            let base = p.baseAddress!
            withThreads(2) {
                Threads.parallelFor(4) { i in Threads.parallelFor(4) { j in base[4 * i + j] += 1 } }
            }
        }
        XCTAssertEqual(hits, [Int](repeating: 1, count: 16))
    }

    /// Large elementwise ops (split over two threads) give the single-thread bits, values and gradients.
    func testLargeElementwiseOpsMatchOneThread() {
        let g = RandomGenerator(seed: 11)
        let x = Tensor.normal([64, 8, 33, 17], generator: g), bias = Tensor.normal([8, 1, 1], generator: g)
        func run() -> [[Float]] {
            let a = x.requiringGrad(), b = bias.requiringGrad()
            let y = ((a + b).tanh() * a).softplus() - a.exp()
            y.sum().backward()
            return [y.scalars, a.grad!.scalars, b.grad!.scalars]
        }
        let one = withThreads(1, run), two = withThreads(2, run)
        XCTAssertEqual(one, two)
    }
}
