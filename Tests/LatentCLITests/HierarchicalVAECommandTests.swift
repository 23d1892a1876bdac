import Foundation
import XCTest
import LatentTestSupport
import Latent
import LatentCLI

/// `latent train hvae` end to end on a few real MNIST images: train (ladder inference, IWAE
/// objective), eval's K-sample NLL against the ELBO from the saved checkpoint, samples, refusals.
/// (Resuming is the shared `Trainer`'s, tested in TrainCycleTests — this model keeps no state but
/// its parameters and Adam's; each command here loads mnist-5k, seconds in a debug build, so the
/// test keeps to three of them.)
final class HierarchicalVAECommandTests: XCTestCase {
    func testHierarchicalVAETrainsEvaluatesAndSamples() throws {
        let latent = try LatentRunner(self)
        let data = try sharedDataRoot().path
        let train = ["train", "hvae", "--data", "mnist-5k", "--data-dir", data, "--train-size", "256", "--test-size", "64",
                     "--hidden", "32", "--hidden-top", "16", "--latent-sizes", "8,4", "--inference", "ladder",
                     "--objective", "iwae", "--iwae-samples", "3", "--batch-size", "32", "--quiet"]
        try latent.succeed(train + ["--epochs", "2", "--output", "run"])
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: latent.path("run/config.json"))) as? [String: Any]
        XCTAssertEqual((config?["settings"] as? [String: Any])?["binarize"] as? String, "dynamic", "dynamic binarization by default")
        let event = try LatentRunner.evalEvent(try latent.succeed(["eval", "run", "--samples", "20", "--images", "32", "--json"]).stdout)
        let metrics = try XCTUnwrap(event["metrics"] as? [String: Double])
        XCTAssertEqual(Set(metrics.keys), ["negative_elbo", "reconstruction", "kl", "kl_z1", "kl_z2", "nll_iwae20_first32",
                                           "negative_elbo_first32", "elbo_gap_first32", "active_units_z1", "active_units_z2"])
        XCTAssertEqual(try XCTUnwrap(metrics["kl"]), try XCTUnwrap(metrics["kl_z1"]) + (try XCTUnwrap(metrics["kl_z2"])), accuracy: 1e-6 * 100)
        let nll = try XCTUnwrap(metrics["nll_iwae20_first32"]), elbo = try XCTUnwrap(metrics["negative_elbo_first32"])
        XCTAssertLessThan(nll, elbo, "the 20-sample bound is tighter than the ELBO")
        XCTAssertTrue(nll > 100 && nll < 784 * Foundation.log(2.0), "NLL \(nll) between a good model and uniform pixels")
        try latent.succeed(["sample", "run", "--count", "5", "--output", "s.npy", "--quiet"])
        let samples = try NPY.read(latent.path("s.npy"))
        XCTAssertEqual(samples.shape, [5, 1, 28, 28])
        XCTAssertTrue(samples.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        for picture in ["samples", "reconstructions"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: latent.path("run/pictures/\(picture).png").path), picture)
        }
        // The hierarchical settings are hvae's alone, and z needs exactly two widths.
        for refused in [["train", "vae", "--objective", "iwae", "--dry-run"], ["train", "hvae", "--latent-sizes", "10", "--dry-run"]] {
            let outcome = try latent.run(refused)
            XCTAssertEqual(outcome.status, 64, "\(refused): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains(refused[2].dropFirst(2)), outcome.stderr)
        }
    }
}
