import Foundation
import XCTest
import LatentTensor
import LatentNN
import LatentData
import LatentModels
import LatentViz

final class TrainerTests: XCTestCase {
    /// A small VAE on 8×8 synthetic images, identical for equal seeds.
    private func smallVAE(seed: UInt64 = 3) -> VAE {
        let (e, d) = VAEArchitectures.mlp(imageShape: [1, 8, 8], hidden: 16, latent: 3, generator: RandomGenerator(seed: seed))
        return VAE(encoder: e, decoder: d)
    }

    private func loader() -> DataLoader {
        DataLoader(inputs: ModelTestSupport.syntheticImages(96), batchSize: 32, shuffle: true, seed: 11,
                   transform: .dynamicBinarization)
    }

    func testTwoEpochsEqualOneEpochResumeOneEpochBitForBit() throws {
        let folder = try ModelTestSupport.temporaryDirectory(self)
        let straight = smallVAE()
        let schedule = CosineAnnealing(base: 3e-3, totalSteps: 6)
        let a = Trainer(model: straight, optimizer: Adam(straight.namedParameters(), learningRate: 3e-3),
                        configuration: TrainerConfiguration(epochs: 2, seed: 5, gradientClipNorm: 5, schedule: schedule))
        try a.fit(train: loader(), test: loader())

        let first = smallVAE()
        let b = Trainer(model: first, optimizer: Adam(first.namedParameters(), learningRate: 3e-3),
                        configuration: TrainerConfiguration(epochs: 1, seed: 5, gradientClipNorm: 5, schedule: schedule,
                                                            checkpointDirectory: folder))
        try b.fit(train: loader(), test: loader())

        let resumed = smallVAE(seed: 99)
        let c = Trainer(model: resumed, optimizer: Adam(resumed.namedParameters(), learningRate: 3e-3),
                        configuration: TrainerConfiguration(epochs: 2, seed: 0, gradientClipNorm: 5, schedule: schedule))
        try c.resume(from: folder.appendingPathComponent("last.safetensors"))
        XCTAssertEqual(c.epoch, 1)
        XCTAssertEqual(c.step, 3)
        try c.fit(train: loader(), test: loader())

        XCTAssertEqual(c.step, a.step)
        for ((name, p), (_, q)) in zip(straight.namedParameters(), resumed.namedParameters()) {
            XCTAssertEqual(p.value.scalars, q.value.scalars, "parameter \(name) differs after resume")
        }
        XCTAssertEqual(a.history.last!.test["loss"]!, c.history.last!.test["loss"]!)
    }

    func testMetricsLogCheckpointsAndPictureHook() throws {
        let folder = try ModelTestSupport.temporaryDirectory(self)
        let model = smallVAE()
        let log = folder.appendingPathComponent("metrics.jsonl")
        let trainer = Trainer(model: model, optimizer: Adam(model.namedParameters(), learningRate: 1e-2),
                              configuration: TrainerConfiguration(epochs: 2, checkpointDirectory: folder.appendingPathComponent("ckpt"),
                                                                  metricsFile: log))
        trainer.onEpochEnd = EpochPictures.every(2, directory: folder.appendingPathComponent("pictures")) { (vae: VAE, _) in
            ImageGrid.samples(vae.sample(4, generator: RandomGenerator(seed: 1)), columns: 4)
        }
        try trainer.fit(train: loader(), test: loader())

        let records = try MetricsLog(url: log).records()
        XCTAssertEqual(records.count, 3, "two epoch lines and a final line")
        XCTAssertEqual(records[0]["epoch"] as? Int, 1)
        XCTAssertEqual(records[1]["step"] as? Int, 6)
        for key in ["train.loss", "train.kl", "train.reconstruction", "test.loss", "test.kl", "seconds", "learning_rate"] {
            XCTAssertNotNil(records[1][key] as? Double, "missing \(key)")
        }
        XCTAssertEqual(records[2]["final"] as? Bool, true)
        XCTAssertEqual(records[2]["best.loss"] as? Double, trainer.bestValue)
        let testLoss = try XCTUnwrap(records[1]["test.loss"] as? Double)
        XCTAssertEqual(testLoss, (records[1]["test.reconstruction"] as! Double) + (records[1]["test.kl"] as! Double), accuracy: 1e-6)

        let manager = FileManager.default
        XCTAssertTrue(manager.fileExists(atPath: folder.appendingPathComponent("ckpt/last.safetensors").path))
        XCTAssertTrue(manager.fileExists(atPath: folder.appendingPathComponent("ckpt/best.safetensors").path))
        XCTAssertTrue(manager.fileExists(atPath: folder.appendingPathComponent("pictures/samples-epoch-002.png").path))
        XCTAssertFalse(manager.fileExists(atPath: folder.appendingPathComponent("pictures/samples-epoch-001.png").path))
        let metadata = try SafeTensorsFile(contentsOf: folder.appendingPathComponent("ckpt/last.safetensors")).metadata
        XCTAssertEqual(metadata[TrainerCheckpointKey.epoch], "2")
        XCTAssertEqual(metadata[TrainerCheckpointKey.loaderEpoch], "2")
    }

    func testNonFiniteLossNamesEpochStepAndParts() throws {
        let model = PoisonedModel(poisonStep: 4)
        let trainer = Trainer(model: model, optimizer: SGD(model.namedParameters(), learningRate: 0.1),
                              configuration: TrainerConfiguration(epochs: 3))
        XCTAssertThrowsError(try trainer.fit(train: loader())) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("epoch 2, step 4"), message)
            XCTAssertTrue(message.contains("kl=nan"), message)
            XCTAssertTrue(message.contains("reconstruction=1.0"), message)
        }
        XCTAssertEqual(trainer.step, 4)
    }

    func testEvaluationWeightsByBatchSize() {
        let model = PoisonedModel(poisonStep: -1)
        let trainer = Trainer(model: model, optimizer: SGD(model.namedParameters(), learningRate: 0.1),
                              configuration: TrainerConfiguration(epochs: 1))
        // Rows hold their index; 10 rows in batches of 4, 4, 2: the weighted mean is the plain mean 4.5.
        let data = DataLoader(inputs: Tensor.arange(0, 10).reshaped([10, 1]), batchSize: 4, shuffle: false)
        XCTAssertEqual(trainer.evaluate(data)["mean_x"]!, 4.5, accuracy: 1e-9)
        XCTAssertTrue(model.isTraining, "evaluate puts the model back in training mode")
    }
}

/// A one-parameter model whose KL part turns NaN at one step; its evaluation reports the batch mean of x.
private final class PoisonedModel: Module, TrainableModel {
    let w = Parameter(Tensor([1]))
    let poisonStep: Int
    init(poisonStep: Int) { self.poisonStep = poisonStep }

    func trainingLoss(_ batch: Batch, step: Int, generator: RandomGenerator) -> TrainingLoss {
        let kl = step == poisonStep ? Double.nan : 0.5
        return TrainingLoss(loss: (w.value * Float(kl)).sum() + 1, parts: ["reconstruction": 1, "kl": kl])
    }

    func evaluationMetrics(_ batch: Batch, generator: RandomGenerator) -> [String: Double] {
        XCTAssertFalse(isTraining)
        XCTAssertFalse(GradMode.isEnabled)
        return ["mean_x": Double(batch.x.mean().item)]
    }
}
