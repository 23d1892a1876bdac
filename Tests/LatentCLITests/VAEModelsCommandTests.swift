import Foundation
import XCTest
import LatentTestSupport
import Latent

/// The VampPrior, the WAE and the VQ-VAE through the built `latent` command: a short train, eval and sample each.
final class VAEModelsCommandTests: XCTestCase {
    func testVampPriorTrainsEvaluatesAndSamples() throws {
        let latent = try LatentRunner(self)
        let data = try sharedDataRoot().path
        try latent.succeed(["train", "vae", "--data", "mnist-5k", "--data-dir", data, "--binarize", "dynamic", "--prior", "vamp",
                            "--prior-components", "8", "--prior-init", "data", "--train-size", "256", "--test-size", "64", "--epochs", "1",
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
        let refused = try latent.run(["train", "vae", "--prior-init", "data", "--dry-run"])
        XCTAssertEqual(refused.status, 64)
        XCTAssertTrue(refused.stderr.contains("--prior vamp"), refused.stderr)
    }

    func testWAETrainsEvaluatesAndSamples() throws {
        let latent = try LatentRunner(self)
        let data = try sharedDataRoot().path
        try latent.succeed(["train", "wae", "--data", "mnist-5k", "--data-dir", data, "--wae-lambda", "20", "--train-size", "256",
                            "--test-size", "64", "--epochs", "1", "--hidden", "32", "--latent", "4", "--output", "run", "--quiet"])
        let event = try LatentRunner.evalEvent(try latent.succeed(["eval", "run", "--json"]).stdout)
        let metrics = try XCTUnwrap(event["metrics"] as? [String: Double])
        XCTAssertEqual(Set(metrics.keys), ["loss", "reconstruction", "mmd"], "no ELBO, no importance sampling for a deterministic encoder")
        let reconstruction = try XCTUnwrap(metrics["reconstruction"]), mmd = try XCTUnwrap(metrics["mmd"])
        XCTAssertTrue(reconstruction > 50 && reconstruction < 600, "reconstruction \(reconstruction)")
        XCTAssertEqual(try XCTUnwrap(metrics["loss"]), reconstruction + 20 * mmd, accuracy: 1e-3 * reconstruction)
        try latent.succeed(["sample", "run", "--count", "6", "--output", "s.npy", "--quiet"])
        XCTAssertEqual(try NPY.read(latent.path("s.npy")).shape, [6, 1, 28, 28])
        for picture in ["samples", "reconstructions", "interpolations", "traversal"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: latent.path("run/pictures/\(picture).png").path), picture)
        }
        // λ is the WAE's alone: the VAE refuses it with a one-line error.
        let refused = try latent.run(["train", "vae", "--wae-lambda", "5", "--dry-run"])
        XCTAssertEqual(refused.status, 64)
        XCTAssertTrue(refused.stderr.contains("wae-lambda"), refused.stderr)
    }

    func testVQVAETrainsEvaluatesSamplesAndResumes() throws {
        let latent = try LatentRunner(self)
        let data = try sharedDataRoot().path
        let train = ["train", "vq-vae", "--data", "mnist-5k", "--data-dir", data, "--binarize", "dynamic", "--train-size", "256",
                     "--test-size", "64", "--hidden", "32", "--codes", "8", "--code-positions", "3", "--code-dimension", "4",
                     "--prior-hidden", "16", "--quiet"]
        try latent.succeed(train + ["--epochs", "2", "--output", "run"])
        let event = try LatentRunner.evalEvent(try latent.succeed(["eval", "run", "--json"]).stdout)
        let metrics = try XCTUnwrap(event["metrics"] as? [String: Double])
        XCTAssertEqual(Set(metrics.keys), ["nll_bound", "reconstruction", "code_nll", "commitment", "perplexity", "usage"])
        let bound = try XCTUnwrap(metrics["nll_bound"]), codeNLL = try XCTUnwrap(metrics["code_nll"])
        XCTAssertEqual(bound, try XCTUnwrap(metrics["reconstruction"]) + codeNLL, accuracy: 1e-6 * bound)
        XCTAssertTrue(codeNLL >= 0 && codeNLL <= 3 * Foundation.log(8.0) + 1, "code NLL \(codeNLL) against uniform 3·log 8")
        let perplexity = try XCTUnwrap(metrics["perplexity"])
        XCTAssertTrue(perplexity >= 1 && perplexity <= 8, "perplexity \(perplexity)")
        try latent.succeed(["sample", "run", "--count", "5", "--output", "s.npy", "--quiet"])
        let samples = try NPY.read(latent.path("s.npy"))
        XCTAssertEqual(samples.shape, [5, 1, 28, 28])
        XCTAssertTrue(samples.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        let inspect = try latent.succeed(["inspect", "run/checkpoints/last.safetensors"])
        XCTAssertTrue(inspect.stdout.contains("quantizer.codebook"), inspect.stdout)
        // The EMA codebook is checkpoint state: one epoch + resume ends where two epochs in one go end.
        try latent.succeed(train + ["--epochs", "1", "--output", "split"])
        try latent.succeed(["train", "--resume", "split", "--epochs", "2", "--quiet"])
        try LatentRunner.assertSameCheckpoint(latent.path("run/checkpoints/last.safetensors"), latent.path("split/checkpoints/last.safetensors"))
        XCTAssertEqual(try latent.run(["traverse", "run", "--output", "t.png"]).status, 64, "no continuous latents to traverse")
    }
}
