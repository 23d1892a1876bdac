import XCTest
import LatentTensor
@testable import LatentData

final class DataLoaderTests: XCTestCase {
    /// Ten examples whose input rows hold their own index, labels = index · 10.
    private func indexed(_ n: Int = 10) -> Dataset {
        Dataset(name: "indexed", inputs: Tensor(shape: [n, 2], scalars: (0..<n).flatMap { [Float($0), Float($0)] }),
                labels: Tensor((0..<n).map { Float($0 * 10) }))
    }

    private func epochRows(_ loader: DataLoader) -> [[Float]] {
        loader.map { batch in stride(from: 0, to: batch.x.count, by: 2).map { batch.x.scalars[$0] } }
    }

    func testSequentialBatchesAndLastBatch() {
        let loader = DataLoader(indexed(), batchSize: 4, shuffle: false)
        XCTAssertEqual(loader.batchesPerEpoch, 3)
        XCTAssertEqual(epochRows(loader), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
        let dropping = DataLoader(indexed(), batchSize: 4, shuffle: false, dropLast: true)
        XCTAssertEqual(dropping.batchesPerEpoch, 2)
        XCTAssertEqual(epochRows(dropping), [[0, 1, 2, 3], [4, 5, 6, 7]])
        for (x, y) in loader {
            XCTAssertEqual(x.shape[1], 2)
            XCTAssertEqual(y!.scalars, stride(from: 0, to: x.count, by: 2).map { x.scalars[$0] * 10 })
        }
    }

    /// Each epoch is a permutation, epochs differ, and the same seed replays the same epochs.
    func testShuffleIsSeededPerEpoch() {
        let a = DataLoader(indexed(), batchSize: 3, seed: 42)
        let b = DataLoader(indexed(), batchSize: 3, seed: 42)
        let epochsA = (0..<3).map { _ in epochRows(a).flatMap { $0 } }
        let epochsB = (0..<3).map { _ in epochRows(b).flatMap { $0 } }
        XCTAssertEqual(epochsA, epochsB)
        XCTAssertEqual(a.epoch, 3)
        for e in epochsA { XCTAssertEqual(e.sorted(), (0..<10).map(Float.init)) }
        XCTAssertNotEqual(epochsA[0], epochsA[1])
        XCTAssertNotEqual(epochsA[0], (0..<10).map(Float.init))
        let other = DataLoader(indexed(), batchSize: 3, seed: 43)
        XCTAssertNotEqual(epochRows(other).flatMap { $0 }, epochsA[0])
        // A given epoch can be replayed without advancing the counter.
        var replay = a.iterator(forEpoch: 1)
        var rows: [Float] = []
        while let batch = replay.next() { rows += stride(from: 0, to: batch.x.count, by: 2).map { batch.x.scalars[$0] } }
        XCTAssertEqual(rows, epochsA[1])
        XCTAssertEqual(a.epoch, 3)
    }

    /// Prefetching changes when batches are built, never what they hold (random transforms included).
    func testPrefetchGivesIdenticalBatches() {
        let data = Dataset(name: "u", inputs: Tensor.uniform([37, 5], generator: RandomGenerator(seed: 3)))
        let plain = DataLoader(data, batchSize: 8, seed: 7, transform: .dynamicBinarization)
        let ahead = DataLoader(data, batchSize: 8, seed: 7, transform: .dynamicBinarization, prefetch: true)
        for _ in 0..<3 {
            let p = plain.map { $0.x.scalars }, q = ahead.map { $0.x.scalars }
            XCTAssertEqual(p, q)
            XCTAssertEqual(p.count, 5)
        }
        // Abandoning a prefetching epoch midway is safe.
        var iterator = ahead.makeIterator()
        XCTAssertNotNil(iterator.next())
    }

    /// Dynamic binarization redraws every epoch; its mean follows the pixel intensities.
    func testDynamicBinarizationPerEpoch() {
        let data = Dataset(name: "gray", inputs: Tensor.full([100, 50], 0.3))
        let loader = DataLoader(data, batchSize: 100, shuffle: false, seed: 1, transform: .dynamicBinarization)
        let first = loader.map { $0.x }.first!, second = loader.map { $0.x }.first!
        XCTAssertNotEqual(first.scalars, second.scalars)
        XCTAssertTrue(first.scalars.allSatisfy { $0 == 0 || $0 == 1 })
        XCTAssertEqual(Double(first.mean().item), 0.3, accuracy: 5 * (0.21 / 5000).squareRoot())
    }

    func testTensorInitAndEmptyData() {
        let loader = DataLoader(inputs: Tensor.zeros([0, 3]), batchSize: 4)
        XCTAssertEqual(loader.batchesPerEpoch, 0)
        XCTAssertEqual(Array(loader).count, 0)
        let unlabeled = DataLoader(inputs: Tensor.ones([5, 3]), batchSize: 2, shuffle: false)
        XCTAssertEqual(unlabeled.map { $0.x.shape[0] }, [2, 2, 1])
        XCTAssertTrue(unlabeled.allSatisfy { $0.y == nil })
    }
}
