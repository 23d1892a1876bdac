import Foundation
import XCTest
import LatentTestSupport
import Latent

/// `--data cifar10` end to end on a tiny synthetic set in the real binary format (extracted batch
/// files): the conv VAE with the discretized-logistic likelihood and Glow each train an epoch and
/// report bits/dim.
final class CIFAR10TrainingTests: XCTestCase {
    /// Five training batches of 4 records and a test batch of 8 under `<root>/cifar10/cifar-10-batches-bin/`,
    /// pixels from a seeded generator (uniform over the 256 levels).
    func writeSyntheticCIFAR10(_ root: URL) throws {
        let folder = root.appendingPathComponent("cifar10/cifar-10-batches-bin")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var state: UInt64 = 0xC1FA_0010
        func byte() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        for (name, count) in (1...5).map({ ("data_batch_\($0).bin", 4) }) + [("test_batch.bin", 8)] {
            let bytes = (0..<count).flatMap { r in [UInt8(r % 10)] + (0..<3072).map { _ in byte() } }
            try Data(bytes).write(to: folder.appendingPathComponent(name))
        }
    }

    func summary(_ latent: LatentRunner, _ run: String) throws -> [String: Double] {
        let data = try Data(contentsOf: latent.path("\(run)/summary.json"))
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try XCTUnwrap(object["test"] as? [String: Double])
    }

    func testConvVAEAndGlowTrainOnCIFAR10AndReportBitsPerDim() throws {
        let latent = try LatentRunner(self)
        try writeSyntheticCIFAR10(latent.path("data"))
        let common = ["--data", "cifar10", "--data-dir", latent.path("data").path, "--epochs", "1", "--train-size", "16",
                      "--test-size", "8", "--batch-size", "8", "--quiet"]
        let list = try latent.succeed(["datasets", "--data-dir", latent.path("data").path])
        XCTAssertTrue(list.stdout.contains("cifar10        found"), list.stdout)

        try latent.succeed(["train", "vae", "--architecture", "conv", "--likelihood", "discretized-logistic", "--latent", "4",
                            "--output", "vae"] + common)
        let vae = try summary(latent, "vae")
        let vaeBits = try XCTUnwrap(vae["bits_per_dim"]), loss = try XCTUnwrap(vae["loss"])
        // A Float32 loss is written with a Float's digits: the ratio holds to Float precision.
        XCTAssertEqual(vaeBits, loss / (3072 * log(2.0)), accuracy: 1e-6 * vaeBits, "bits/dim is −ELBO over 3×32×32 values in bits")
        // Uniform random pixels carry 8 bits each; an untrained model can only do worse, but not absurdly.
        XCTAssertTrue(vaeBits > 7.9 && vaeBits < 20, "VAE bits/dim \(vaeBits)")

        try latent.succeed(["train", "glow", "--layers", "1", "--hidden", "4", "--scales", "1", "--output", "glow"] + common)
        let glow = try summary(latent, "glow")
        let glowBits = try XCTUnwrap(glow["bits_per_dim"])
        XCTAssertEqual(glowBits, try XCTUnwrap(glow["nll"]) / (3072 * log(2.0)), accuracy: 1e-6 * glowBits)
        XCTAssertTrue(glowBits > 7.9 && glowBits < 20, "Glow bits/dim \(glowBits)")

        let samples = try latent.succeed(["sample", "glow", "--count", "4", "--output", "s.npy", "--quiet"])
        XCTAssertEqual(samples.status, 0)
        XCTAssertEqual(try NPY.read(latent.path("s.npy")).shape, [4, 3, 32, 32])
    }
}
