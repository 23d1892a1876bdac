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
        for n in [1, 100, 1 << 17, (1 << 17) + 65, 1_000_003] {
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
            XCTAssertEqual(chunks.count, n >= 1 << 17 ? 2 : 1, "n = \(n)")
        }
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
