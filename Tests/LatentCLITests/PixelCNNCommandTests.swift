import Foundation
import XCTest
import LatentTestSupport
import Latent

/// `--decoder pixelcnn` through the built `latent` command: train, eval (IWAE with the exact
/// autoregressive likelihood), binary ancestral samples, and the refused combinations.
final class PixelCNNCommandTests: XCTestCase {
    func testPixelCNNDecoderTrainsEvaluatesAndSamples() throws {
        let latent = try LatentRunner(self)
        let data = try sharedDataRoot().path
        try latent.succeed(["train", "vae", "--data", "mnist-5k", "--data-dir", data, "--binarize", "dynamic", "--decoder", "pixelcnn",
                            "--pixelcnn-layers", "1", "--pixelcnn-channels", "2", "--train-size", "64", "--test-size", "16", "--epochs", "1",
                            "--hidden", "8", "--latent", "2", "--output", "run", "--quiet"])
        let metrics = try LatentRunner.evalMetrics(try latent.succeed(["eval", "run", "--samples", "4", "--images", "8", "--json"]).stdout)
        let nll = try XCTUnwrap(metrics["nll_iwae4_first8"]), elbo = try XCTUnwrap(metrics["negative_elbo_first8"])
        XCTAssertTrue(nll > 50 && nll < 900, "IWAE NLL \(nll)")
        XCTAssertLessThanOrEqual(nll, elbo + 1e-3, "the IWAE bound is tighter than the ELBO")
        try latent.succeed(["sample", "run", "--count", "2", "--output", "s.npy", "--quiet"])
        let samples = try NPY.read(latent.path("s.npy"))
        XCTAssertEqual(samples.shape, [2, 1, 28, 28])
        XCTAssertTrue(samples.scalars.allSatisfy { $0 == 0 || $0 == 1 }, "ancestral draws are binary")
        let inspect = try latent.succeed(["inspect", "run/checkpoints/last.safetensors"])
        XCTAssertTrue(inspect.stdout.contains("decoder.autoregressive.input.weight"), inspect.stdout)
        let refused = try latent.run(["train", "vae", "--data", "mnist-5k", "--data-dir", data, "--decoder", "pixelcnn",
                                      "--likelihood", "gaussian", "--train-size", "16", "--test-size", "16", "--output", "bad", "--quiet"])
        XCTAssertEqual(refused.status, 64)
        XCTAssertTrue(refused.stderr.contains("the PixelCNN decoder is Bernoulli"), refused.stderr)
    }
}
