import XCTest
import LatentTensor

final class RandomTests: XCTestCase {
    func testSameSeedSameStream() {
        let a = Tensor.normal([1000], generator: RandomGenerator(seed: 42))
        let b = Tensor.normal([1000], generator: RandomGenerator(seed: 42))
        XCTAssertEqual(a.scalars, b.scalars)
        let c = Tensor.normal([1000], generator: RandomGenerator(seed: 43))
        XCTAssertNotEqual(a.scalars, c.scalars)
    }

    func testKnownFirstOutputs() {
        // xoshiro256** seeded by SplitMix64(0): pinned so that a change to the stream is noticed.
        let g = RandomGenerator(seed: 0)
        let first = (0..<3).map { _ in g.next() }
        let again = RandomGenerator(seed: 0)
        XCTAssertEqual(first, (0..<3).map { _ in again.next() })
        XCTAssertEqual(first[0], 0x99EC_5F36_CB75_F2B4)
    }

    func testMomentsOfDistributions() {
        let n = 200_000
        let g = RandomGenerator(seed: 1)
        let z = Tensor.normal([n], mean: 2, std: 3, generator: g)
        XCTAssertEqual(z.mean().item, 2, accuracy: 0.03)
        XCTAssertEqual(z.variance().item, 9, accuracy: 0.1)
        let u = Tensor.uniform([n], low: -1, high: 3, generator: g)
        XCTAssertEqual(u.mean().item, 1, accuracy: 0.02)
        XCTAssertEqual(u.variance().item, 16.0 / 12.0, accuracy: 0.02)
        XCTAssertGreaterThanOrEqual(u.min().item, -1)
        XCTAssertLessThan(u.max().item, 3)
        let b = Tensor.bernoulli([n], p: 0.3, generator: g)
        XCTAssertEqual(b.mean().item, 0.3, accuracy: 0.005)
        let probs = Tensor([0, 1, 0.5])
        let draws = (0..<2000).map { _ in Tensor.bernoulli(probs, generator: g) }
        XCTAssertEqual(Tensor.stack(draws).mean(axis: 0).scalars[0], 0)
        XCTAssertEqual(Tensor.stack(draws).mean(axis: 0).scalars[1], 1)
        XCTAssertEqual(Tensor.stack(draws).mean(axis: 0).scalars[2], 0.5, accuracy: 0.05)
    }
}
