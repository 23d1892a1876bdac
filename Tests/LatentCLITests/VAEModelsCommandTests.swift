import Foundation
import XCTest
import LatentTestSupport
import Latent

/// The VampPrior and the WAE through the built `latent` command: a short train, eval and sample each.
final class VAEModelsCommandTests: XCTestCase {
    func testVampPriorTrainsEvaluatesAndSamples() throws {
        let latent = try LatentRunner(self)
        let data = try sharedDataRoot().path
        try latent.succeed(["train", "vae", "--data", "mnist-5k", "--data-dir", data, "--binarize", "dynamic", "--prior", "vamp",
                            "--prior-components", "8", "--train-size", "256", "--test-size", "64", "--epochs", "1",
                            "--hidden", "32", "--latent", "4", "--output", "run", "--quiet"])
        let metrics = try LatentRunner.evalMetrics(try latent.succeed(["eval", "run", "--samples", "20", "--images", "32", "--json"]).stdout)
        let nll = try XCTUnwrap(metrics["nll_iwae20_first32"]), elbo = try XCTUnwrap(metrics["negative_elbo_first32"])
        XCTAssertTrue(nll > 50 && nll < 600, "IWAE NLL \(nll)")
        XCTAssertLessThanOrEqual(nll, elbo + 1e-3, "the IWAE bound is tighter than the ELBO")
        try latent.succeed(["sample", "run", "--count", "6", "--output", "s.npy", "--quiet"])
        let samples = try NPY.read(latent.path("s.npy"))
        XCTAssertEqual(samples.shape, [6, 1, 28, 28])
        XCTAssertTrue(samples.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        let inspect = try latent.succeed(["inspect", "run/checkpoints/last.safetensors"])
        XCTAssertTrue(inspect.stdout.contains("prior.pseudoInputs"), inspect.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: latent.path("run/pictures/samples.png").path))
    }
}
