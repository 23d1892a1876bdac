import Foundation
import XCTest
import LatentTestSupport
import Latent
@testable import LatentCLI

/// `--binarize`: the literature's binarized-MNIST protocols, for training and for every command
/// that reads the run's test split.
final class BinarizationTests: XCTestCase {
    private func settings(_ mode: String, seed: Int = 0) throws -> RunSettings {
        try RunSettings.resolve(model: "vae", flags: ["data": "mnist-5k", "data-dir": try sharedDataRoot().path, "binarize": mode,
                                                      "train-size": "300", "test-size": "200", "seed": "\(seed)"])
    }

    private func isBinary(_ t: Tensor) -> Bool { t.scalars.allSatisfy { $0 == 0 || $0 == 1 } }

    func testDynamicBinarizesTheTestSplitOnceAndLeavesTrainingToTheLoader() throws {
        let s = try settings("dynamic")
        let data = try s.loadData()
        XCTAssertTrue(isBinary(data.test.inputs))
        XCTAssertFalse(isBinary(data.train.inputs), "the loader redraws the training pixels every epoch")
        // The same binary test images for eval (which loads one training example), for every seed.
        XCTAssertEqual(try s.loadData(trainSize: 1).test.inputs.scalars, data.test.inputs.scalars)
        XCTAssertEqual(try settings("dynamic", seed: 7).loadData().test.inputs.scalars, data.test.inputs.scalars)
        // Each pixel is a Bernoulli draw with the grey value as probability: the binary mean tracks it.
        let grey = try settings("none").loadData().test.inputs
        XCTAssertEqual(Double(data.test.inputs.mean().item), Double(grey.mean().item), accuracy: 0.005)
    }

    func testStaticBinarizesTrainingOnceWithTheRunSeed() throws {
        let a = try settings("static").loadData().train.inputs
        XCTAssertTrue(isBinary(a))
        XCTAssertEqual(try settings("static").loadData().train.inputs.scalars, a.scalars, "same seed, same draw")
        XCTAssertNotEqual(try settings("static", seed: 1).loadData().train.inputs.scalars, a.scalars)
        XCTAssertFalse(isBinary(try settings("none").loadData().test.inputs))
    }

    func testPixelsOutsideTheUnitIntervalAreRefused() {
        let bad = Dataset(name: "odd", inputs: Tensor(shape: [2, 2], scalars: [0, 0.5, 2, 1]))
        XCTAssertThrowsError(try DatasetCatalog.binarized(DatasetSplits(train: bad, test: bad), mode: "dynamic", seed: 0)) { error in
            XCTAssertTrue("\(error)".contains("[0, 1]") && "\(error)".contains("2.0"), "\(error)")
        }
    }

    func testFlowsDoNotTakeTheSetting() {
        XCTAssertThrowsError(try RunSettings.resolve(model: "realnvp", flags: ["binarize": "dynamic"])) { error in
            XCTAssertTrue("\(error)".contains("binarize"), "\(error)")
        }
    }

    /// A dynamically binarized run trains and evaluates end to end.
    func testTrainAndEvalWithDynamicBinarization() throws {
        let latent = try LatentRunner(self)
        try latent.succeed(["train", "vae", "--data", "mnist-5k", "--data-dir", try sharedDataRoot().path, "--binarize", "dynamic",
                            "--epochs", "1", "--train-size", "512", "--test-size", "100", "--hidden", "32", "--latent", "4",
                            "--output", "run", "--quiet"])
        let eval = try latent.succeed(["eval", "run", "--samples", "20", "--images", "50", "--json"])
        let metrics = try LatentRunner.evalMetrics(eval.stdout)
        let nll = try XCTUnwrap(metrics["nll_iwae20_first50"]), elbo = try XCTUnwrap(metrics["negative_elbo_first50"])
        XCTAssertTrue(nll.isFinite && nll > 0 && nll <= elbo + 1e-3, "\(metrics)")
    }
}
