import Foundation
import XCTest
import LatentTensor
import LatentNN
import LatentData
import LatentModels

/// One naming style (snake_case) for every metric, and runs written under the old names
/// (`bitsPerDim`) still resuming: a mid-epoch checkpoint whose partial sums and epoch records
/// carry the old name continues exactly as the run that never stopped.
final class MetricNamesTests: XCTestCase {
    /// A learned mean with a Gaussian NLL, reporting it also in bits per dimension.
    final class GaussianMean: Module, TrainableModel {
        let mu = Parameter(Tensor.zeros([2]))

        func trainingLoss(_ batch: Batch, step: Int, generator: RandomGenerator) -> TrainingLoss {
            let nll = ((batch.x - mu.value).square().sum(axis: 1) * 0.5).mean()
            let value = Double(nll.item)
            return TrainingLoss(loss: nll, parts: ["nll": value, MetricNames.bitsPerDim: value / (2 * Foundation.log(2.0))])
        }

        func evaluationMetrics(_ batch: Batch, generator: RandomGenerator) -> [String: Double] {
            trainingLoss(batch, step: 0, generator: generator).parts
        }
    }

    func testOldNamesReadAsTodays() {
        XCTAssertEqual(MetricNames.current("bitsPerDim"), "bits_per_dim")
        XCTAssertEqual(MetricNames.current("test.bitsPerDim"), "test.bits_per_dim")
        XCTAssertEqual(MetricNames.current("train/bitsPerDim"), "train/bits_per_dim")
        XCTAssertEqual(MetricNames.current("test.nll"), "test.nll")
        XCTAssertEqual(MetricNames.current("xbitsPerDim"), "xbitsPerDim", "only whole names are renamed")
        XCTAssertEqual(MetricNames.current(["bitsPerDim": 1.0, "nll": 2.0]), ["bits_per_dim": 1.0, "nll": 2.0])
        XCTAssertEqual(MetricNames.current(["bitsPerDim": 1.0, "bits_per_dim": 3.0]), ["bits_per_dim": 3.0], "the new name wins")
        let line = #"{"epoch":1,"learning_rate":0.001,"test.bitsPerDim":3.5,"test.nll":1978.5}"#
        XCTAssertEqual(MetricNames.currentLine(line), #"{"epoch":1,"learning_rate":0.001,"test.bits_per_dim":3.5,"test.nll":1978.5}"#)
        let current = #"{"epoch":1,"seconds":1.25,"test.bits_per_dim":3.5}"#
        XCTAssertEqual(MetricNames.currentLine(current), current, "a current line is kept byte for byte")
    }

    private func loader() -> DataLoader {
        let x = Tensor.randn([40, 2], generator: RandomGenerator(seed: 4)) + 3
        return DataLoader(inputs: x, batchSize: 8, shuffle: true, seed: 2)
    }

    private func trainer(_ model: GaussianMean, folder: URL? = nil) -> Trainer<GaussianMean> {
        Trainer(model: model, optimizer: Adam(model.namedParameters(), learningRate: 0.05),
                configuration: TrainerConfiguration(epochs: 2, seed: 9, bestMetric: "nll", checkpointDirectory: folder))
    }

    func testAMidEpochCheckpointWithOldNamesResumesExactly() throws {
        let straight = trainer(GaussianMean())
        try straight.fit(train: loader(), test: loader())

        let folder = try ModelTestSupport.temporaryDirectory(self)
        let stopped = trainer(GaussianMean(), folder: folder)
        stopped.shouldStop = { stopped.step == 7 }   // epoch 2, after 2 of its 5 batches
        XCTAssertThrowsError(try stopped.fit(train: loader(), test: loader()))
        // Rewrite the checkpoint as an older release wrote it: the old name in the partial sums and in epoch 1's record.
        let url = folder.appendingPathComponent("last.safetensors")
        var (tensors, metadata) = try SafeTensors.read(from: url)
        for key in [TrainerCheckpointKey.epochSums, TrainerCheckpointKey.history] {
            let text = try XCTUnwrap(metadata[key])
            XCTAssertTrue(text.contains("bits_per_dim"), "\(key): \(text)")
            metadata[key] = text.replacingOccurrences(of: "bits_per_dim", with: "bitsPerDim")
        }
        try SafeTensors.write(tensors, metadata: metadata, to: url)
        tensors.removeAll()

        let resumed = trainer(GaussianMean())
        try resumed.resume(from: url)
        XCTAssertEqual(Set(resumed.epochPosition.sums.keys), ["loss", "nll", "bits_per_dim"])
        XCTAssertFalse(resumed.runRecords.joined().contains("bitsPerDim"), resumed.runRecords.joined())
        XCTAssertTrue(resumed.runRecords[0].contains("\"test.bits_per_dim\":"), resumed.runRecords[0])
        try resumed.fit(train: loader(), test: loader())
        XCTAssertEqual(resumed.history.last!.train, straight.history.last!.train,
                       "the partial sums under the old name join the epoch's means under the new one")
        XCTAssertEqual(resumed.history.last!.test, straight.history.last!.test)
    }
}
