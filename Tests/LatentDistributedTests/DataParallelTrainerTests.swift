import Foundation
import XCTest
import LatentDistributed
import LatentTestSupport
@testable import Latent

/// Data-parallel training on ranks that are threads of this process (`ThreadGroup`): the same
/// code paths as on MPI ranks, checked against one process training on the whole batch.
final class DataParallelTrainerTests: XCTestCase {
    private func smallVAE(seed: UInt64 = 3) -> VAE {
        let (e, d) = VAEArchitectures.mlp(imageShape: [1, 8, 8], hidden: 16, latent: 3, generator: RandomGenerator(seed: seed))
        return VAE(encoder: e, decoder: d)
    }

    private func loader(batch: Int = 32) -> DataLoader {
        DataLoader(inputs: syntheticImages(104), batchSize: batch, shuffle: true, seed: 11, transform: .dynamicBinarization)
    }

    private func testLoader() -> DataLoader { DataLoader(inputs: syntheticImages(40, seed: 8), batchSize: 20, shuffle: false) }

    /// Smooth 8×8 images in [0, 1] (blobs at seeded places).
    private func syntheticImages(_ n: Int, seed: UInt64 = 7) -> Tensor {
        let g = RandomGenerator(seed: seed)
        var values: [Float] = []
        for _ in 0..<n {
            let (cx, cy) = (Float(g.nextUniform() * 8), Float(g.nextUniform() * 8))
            for y in 0..<8 { for x in 0..<8 {
                let d = (Float(x) - cx) * (Float(x) - cx) + (Float(y) - cy) * (Float(y) - cy)
                values.append(exp(-d / 6))
            } }
        }
        return Tensor(shape: [n, 1, 8, 8], scalars: values)
    }

    private func configuration(epochs: Int = 2, folder: URL? = nil) -> TrainerConfiguration {
        TrainerConfiguration(epochs: epochs, seed: 5, gradientClipNorm: 5, checkpointDirectory: folder)
    }

    /// Runs `body(rank, communicator)` on `size` threads at once and returns their results in rank order.
    private func onRanks<T>(_ size: Int, timeout: Double = 60, _ body: @escaping (Int, Communicator) throws -> T) -> [Result<T, Error>] {
        let group = ThreadGroup(size: size, timeout: timeout)
        let results = ResultBox<T>(size)
        let done = DispatchGroup()
        for rank in 0..<size {
            done.enter()
            let thread = Thread {
                results.set(rank, Result { try body(rank, group.member(rank)) })
                done.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        done.wait()
        return results.values
    }

    private func assertClose(_ a: [Float], _ b: [Float], tolerance: Float, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, what, file: file, line: line)
        let scale = max(a.map(abs).max() ?? 1, 1e-3)
        let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst / scale, tolerance, "\(what): largest difference \(worst) (scale \(scale))", file: file, line: line)
    }

    func testTwoAndThreeRanksReproduceOneProcessOnTheGlobalBatch() throws {
        let single = smallVAE()
        let reference = Trainer(model: single, optimizer: Adam(single.namedParameters(), learningRate: 3e-3), configuration: configuration())
        try reference.fit(train: loader(), test: testLoader())
        for size in [2, 3] {  // 32 rows: 16 + 16, and 10 + 11 + 11
            let results = onRanks(size) { _, communicator -> ([Float], [EpochReport]) in
                let model = self.smallVAE()
                let trainer = Trainer(model: model, optimizer: Adam(model.namedParameters(), learningRate: 3e-3), configuration: self.configuration())
                trainer.communicator = communicator
                try trainer.fit(train: self.loader(), test: self.testLoader())
                return (model.namedParameters().flatMap { $0.1.value.scalars }, trainer.history)
            }
            let expected = single.namedParameters().flatMap { $0.1.value.scalars }
            for (rank, result) in results.enumerated() {
                let (parameters, history) = try result.get()
                assertClose(parameters, expected, tolerance: 1e-4, "\(size) ranks, rank \(rank): parameters after 8 steps")
                XCTAssertEqual(history.count, 2)
                for (mine, theirs) in zip(history, reference.history) {
                    XCTAssertEqual(mine.train["loss"]!, theirs.train["loss"]!, accuracy: 1e-4 * abs(theirs.train["loss"]!), "\(size) ranks: epoch \(mine.epoch) training loss")
                    XCTAssertEqual(mine.test["loss"]!, theirs.test["loss"]!, accuracy: 1e-4 * abs(theirs.test["loss"]!), "\(size) ranks: epoch \(mine.epoch) test loss")
                }
            }
        }
    }

    func testOnlyRankZeroWritesAndAStopOnOneRankStopsAllThenResumesOnOneProcess() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("latent-dp-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let results = onRanks(2) { rank, communicator -> Int in
            let model = self.smallVAE()
            var config = self.configuration(folder: folder.appendingPathComponent("rank\(rank)"))
            config.metricsFile = folder.appendingPathComponent("rank\(rank).jsonl")
            let trainer = Trainer(model: model, optimizer: Adam(model.namedParameters(), learningRate: 3e-3), configuration: config)
            trainer.communicator = communicator
            var asked = 0
            trainer.shouldStop = {  // only rank 1 is "interrupted", during its third step (mid-epoch)
                asked += 1
                return rank == 1 && asked == 3
            }
            do { try trainer.fit(train: self.loader(), test: self.testLoader()) } catch TrainingError.interrupted(_, _, let step) {
                return step
            }
            return -1
        }
        XCTAssertEqual(try results.map { try $0.get() }, [3, 3], "both ranks stop after the same step")
        let fm = FileManager.default
        XCTAssertTrue(fm.fileExists(atPath: folder.appendingPathComponent("rank0/last.safetensors").path))
        XCTAssertFalse(fm.fileExists(atPath: folder.appendingPathComponent("rank1").path), "rank 1 writes nothing")
        XCTAssertFalse(fm.fileExists(atPath: folder.appendingPathComponent("rank1.jsonl").path))

        // One process with the same global batch continues the run to the same end (from other
        // initial weights: only the checkpoint can bring it there).
        let resumedModel = smallVAE(seed: 99)
        let resumed = Trainer(model: resumedModel, optimizer: Adam(resumedModel.namedParameters(), learningRate: 3e-3), configuration: configuration())
        try resumed.resume(from: folder.appendingPathComponent("rank0/last.safetensors"))
        XCTAssertEqual(resumed.step, 3)
        XCTAssertEqual(resumed.epochPosition.batches, 3)
        try resumed.fit(train: loader(), test: testLoader())
        let straightModel = smallVAE()
        let straight = Trainer(model: straightModel, optimizer: Adam(straightModel.namedParameters(), learningRate: 3e-3), configuration: configuration())
        try straight.fit(train: loader(), test: testLoader())
        assertClose(resumedModel.namedParameters().flatMap { $0.1.value.scalars },
                    straightModel.namedParameters().flatMap { $0.1.value.scalars }, tolerance: 1e-4, "resumed on one process")
    }

    /// A run stopped mid-epoch on 2 ranks continues on 4 (same global batch of 32: 16 + 16, then
    /// 8 per rank) to the parameters one process reaches without the stop. The 4 ranks start from
    /// other initial weights, so only the checkpoint's state can bring them there.
    func testARunStoppedOnTwoRanksResumesOnFourRanks() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("latent-dp4-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let stopped = onRanks(2) { rank, communicator -> Int in
            let model = self.smallVAE()
            let trainer = Trainer(model: model, optimizer: Adam(model.namedParameters(), learningRate: 3e-3),
                                  configuration: self.configuration(folder: folder.appendingPathComponent("rank\(rank)")))
            trainer.communicator = communicator
            var asked = 0
            trainer.shouldStop = { asked += 1; return asked == 2 }
            do { try trainer.fit(train: self.loader(), test: self.testLoader()) } catch TrainingError.interrupted(_, _, let step) {
                return step
            }
            return -1
        }
        XCTAssertEqual(try stopped.map { try $0.get() }, [2, 2])
        let checkpoint = folder.appendingPathComponent("rank0/last.safetensors")
        let resumed = onRanks(4) { _, communicator -> (step: Int, parameters: [Float]) in
            let model = self.smallVAE(seed: 99)
            let trainer = Trainer(model: model, optimizer: Adam(model.namedParameters(), learningRate: 3e-3), configuration: self.configuration())
            trainer.communicator = communicator
            try trainer.resume(from: checkpoint)
            let step = trainer.step
            try trainer.fit(train: self.loader(), test: self.testLoader())
            return (step, model.namedParameters().flatMap { $0.1.value.scalars })
        }
        let straightModel = smallVAE()
        let straight = Trainer(model: straightModel, optimizer: Adam(straightModel.namedParameters(), learningRate: 3e-3), configuration: configuration())
        try straight.fit(train: loader(), test: testLoader())
        let expected = straightModel.namedParameters().flatMap { $0.1.value.scalars }
        for (rank, result) in resumed.enumerated() {
            let (step, parameters) = try result.get()
            XCTAssertEqual(step, 2, "rank \(rank) of 4 resumes after the 2 steps taken")
            assertClose(parameters, expected, tolerance: 1e-4, "rank \(rank) of 4 after resuming a 2-rank run")
        }
    }

    func testAMissingRankIsATimeoutNotAHang() {
        let start = Date()
        let results = onRanks(2, timeout: 1) { rank, communicator -> Bool in
            guard rank == 0 else { return true }  // rank 1 never takes part
            let model = self.smallVAE()
            let trainer = Trainer(model: model, optimizer: Adam(model.namedParameters(), learningRate: 3e-3), configuration: self.configuration())
            trainer.communicator = communicator
            try trainer.fit(train: self.loader(), test: self.testLoader())
            return true
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        guard case let .failure(error) = results[0] else { return XCTFail("rank 0 trained without rank 1") }
        XCTAssertTrue("\(error)".contains("no answer from the other ranks"), "\(error)")
    }

    func testRowShardDrawsAreThatShardsPartOfTheWholeBatchDraw() {
        for (shape, total) in [([6, 3], 6), ([1, 6, 5], 6), ([7], 7)] {
            let whole = Tensor.normal(shape, generator: RandomGenerator(seed: 9)).scalars
            let uniform = Tensor.uniform(shape, generator: RandomGenerator(seed: 9)).scalars
            var pieces: [Float] = [], uniformPieces: [Float] = []
            for rank in 0..<3 {
                let rows = DataShard(rank: rank, count: 3).rows(of: total)
                var local = shape
                local[shape.count == 3 ? 1 : 0] = rows.count
                let g = RandomGenerator(seed: 9)
                g.rowShard = RowShard(first: rows.lowerBound, rows: rows.count, total: total)
                pieces += Tensor.normal(local, generator: g).scalars
                let u = RandomGenerator(seed: 9)
                u.rowShard = g.rowShard
                uniformPieces += Tensor.uniform(local, generator: u).scalars
            }
            XCTAssertEqual(pieces, whole, "normal draws of shape \(shape)")
            XCTAssertEqual(uniformPieces, uniform, "uniform draws of shape \(shape)")
        }
    }

    func testShardedLoaderSplitsEveryBatchAndSkipsABatchTooSmallToSplit() {
        let data = Tensor.arange(0, 10).reshaped([10, 1])
        let whole = IteratorSequence(DataLoader(inputs: data, batchSize: 4, seed: 2).iterator(forEpoch: 1)).map { $0.x.scalars }
        let parts = (0..<3).map { rank in
            IteratorSequence(DataLoader(inputs: data, batchSize: 4, seed: 2).sharded(rank: rank, count: 3).iterator(forEpoch: 1)).map { $0.x.scalars }
        }
        XCTAssertEqual(parts.map(\.count), [2, 2, 2], "the last batch (2 examples) cannot give 3 ranks a row each")
        for b in 0..<2 { XCTAssertEqual(parts.flatMap { $0[b] }, whole[b], "batch \(b) is the ranks' rows in rank order") }
    }
}

/// Results written by several threads.
private final class ResultBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<T, Error>?]
    init(_ n: Int) { slots = Array(repeating: nil, count: n) }
    func set(_ i: Int, _ value: Result<T, Error>) { lock.lock(); slots[i] = value; lock.unlock() }
    var values: [Result<T, Error>] { slots.map { $0! } }
}
