import Foundation
import XCTest
import LatentTensor
import LatentNN
import LatentData
import LatentModels

/// `Trainer.shouldStop`: a mid-epoch checkpoint, and a resume from it that reproduces the
/// uninterrupted run; malformed positions in checkpoints are refused before any conversion.
final class TrainerInterruptionTests: XCTestCase {
    private func smallVAE(seed: UInt64 = 3) -> VAE {
        let (e, d) = VAEArchitectures.mlp(imageShape: [1, 8, 8], hidden: 16, latent: 3, generator: RandomGenerator(seed: seed))
        return VAE(encoder: e, decoder: d)
    }

    /// 160 images in batches of 16 with dynamic binarization (transform draws to replay on resume).
    private func loader() -> DataLoader {
        DataLoader(inputs: ModelTestSupport.syntheticImages(160), batchSize: 16, shuffle: true, seed: 11, transform: .dynamicBinarization)
    }

    private func trainer(_ model: VAE, epochs: Int, folder: URL? = nil) -> Trainer<VAE> {
        Trainer(model: model, optimizer: Adam(model.namedParameters(), learningRate: 3e-3),
                configuration: TrainerConfiguration(epochs: epochs, seed: 5, checkpointDirectory: folder))
    }

    func testStopMidEpochThenResumeEqualsTheUninterruptedRun() throws {
        let straightModel = smallVAE()
        let straight = trainer(straightModel, epochs: 2)
        try straight.fit(train: loader(), test: loader())

        let folder = try ModelTestSupport.temporaryDirectory(self)
        let stopped = trainer(smallVAE(), epochs: 2, folder: folder)
        stopped.shouldStop = { stopped.step == 13 }   // epoch 2, after 3 of its 10 batches
        XCTAssertThrowsError(try stopped.fit(train: loader(), test: loader())) { error in
            guard case TrainingError.interrupted(epoch: 2, batch: 3, step: 13)? = error as? TrainingError else {
                return XCTFail("expected interrupted at epoch 2, batch 3, step 13; got \(error)")
            }
        }
        let metadata = try SafeTensorsFile(contentsOf: folder.appendingPathComponent("last.safetensors")).metadata
        XCTAssertEqual(metadata[TrainerCheckpointKey.epoch], "1")
        XCTAssertEqual(metadata[TrainerCheckpointKey.epochBatches], "3")
        XCTAssertEqual(metadata[TrainerCheckpointKey.epochExamples], "48")

        let resumedModel = smallVAE(seed: 77)
        let resumed = trainer(resumedModel, epochs: 2)
        try resumed.resume(from: folder.appendingPathComponent("last.safetensors"))
        XCTAssertEqual(resumed.epochPosition.batches, 3)
        XCTAssertEqual(resumed.runRecords.count, 1, "epoch 1's metrics line travels in the checkpoint")
        try resumed.fit(train: loader(), test: loader())
        XCTAssertEqual(resumed.step, straight.step)
        for ((name, p), (_, q)) in zip(straightModel.namedParameters(), resumedModel.namedParameters()) {
            XCTAssertEqual(p.value.scalars, q.value.scalars, "parameter \(name) differs")
        }
        XCTAssertEqual(resumed.history.last!.train, straight.history.last!.train, "the epoch's training means include the batches before the stop")
        XCTAssertEqual(resumed.history.last!.test, straight.history.last!.test)
    }

    func testStopAtAnEpochEndSavesThatEpoch() throws {
        let folder = try ModelTestSupport.temporaryDirectory(self)
        let model = smallVAE()
        let t = trainer(model, epochs: 3, folder: folder)
        var asked = 0
        t.shouldStop = { asked += 1; return asked == 11 }   // 10 steps, then the epoch-end check
        XCTAssertThrowsError(try t.fit(train: loader())) { error in
            guard case TrainingError.interrupted(epoch: 1, batch: 0, step: 10)? = error as? TrainingError else { return XCTFail("\(error)") }
        }
        let metadata = try SafeTensorsFile(contentsOf: folder.appendingPathComponent("last.safetensors")).metadata
        XCTAssertEqual(metadata[TrainerCheckpointKey.epoch], "1")
        XCTAssertEqual(metadata[TrainerCheckpointKey.epochBatches], "0")
    }

    func testMalformedPositionsAreRefused() throws {
        let folder = try ModelTestSupport.temporaryDirectory(self)
        let model = smallVAE()
        let t = trainer(model, epochs: 1, folder: folder)
        try t.fit(train: loader())
        let good = folder.appendingPathComponent("last.safetensors")
        let original = try SafeTensorsFile(contentsOf: good).metadata
        let cases: [(String, String)] = [
            (TrainerCheckpointKey.epoch, "-1"), (TrainerCheckpointKey.epoch, "1e30"), (TrainerCheckpointKey.step, "inf"),
            (TrainerCheckpointKey.step, "99999999999999999999"), (TrainerCheckpointKey.best, "nan"),
            (TrainerCheckpointKey.epochBatches, "-4"), (TrainerCheckpointKey.epochSums, "{\"loss\": 3}"),
            (TrainerCheckpointKey.history, "[]"), (TrainerCheckpointKey.seed, "-1"), (TrainerCheckpointKey.loaderEpoch, "-1"),
        ]
        for (key, value) in cases {
            var metadata = original
            metadata[key] = value
            let bad = folder.appendingPathComponent("bad.safetensors")
            try model.save(to: bad, optimizer: t.optimizer, metadata: metadata)
            let other = smallVAE()
            XCTAssertThrowsError(try trainer(other, epochs: 2).resume(from: bad), "\(key) = \(value)") { error in
                XCTAssertTrue("\(error)".contains(key), "\(error)")
            }
        }
        // A mid-epoch position beyond the loader's epoch (other data or batch size) stops with a message.
        var metadata = original
        metadata[TrainerCheckpointKey.epochBatches] = "500"
        let beyond = folder.appendingPathComponent("beyond.safetensors")
        try model.save(to: beyond, optimizer: t.optimizer, metadata: metadata)
        let other = trainer(smallVAE(), epochs: 2)
        try other.resume(from: beyond)
        XCTAssertThrowsError(try other.fit(train: loader())) { error in XCTAssertTrue("\(error)".contains("batch 500"), "\(error)") }
    }

    func testOptimizerStepCountsAreCheckedBeforeConversion() throws {
        let model = smallVAE()
        let adam = Adam(model.namedParameters(), learningRate: 1e-3)
        for value: Float in [.infinity, 1e30, -1, .nan] {
            XCTAssertThrowsError(try adam.loadState(["step": Tensor([value])]), "step \(value)") { error in
                XCTAssertTrue("\(error)".contains("step"), "\(error)")
            }
        }
    }
}
