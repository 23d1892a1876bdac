import Foundation
import XCTest
import LatentTensor
import LatentNN
@testable import LatentModels

/// `VAE.save(checkpointTo:configuration:)` / `VAE.load(checkpointFrom:)`: the file alone rebuilds
/// the same model.
final class VAECheckpointTests: XCTestCase {
    /// A small trained-looking VAE: weights moved away from the seed's by a few Adam steps, so a
    /// load that silently kept freshly built weights would be caught.
    private func trainedVAE(_ configuration: VAEConfiguration) throws -> (vae: VAE, optimizer: Adam) {
        let vae = try configuration.build()
        let x = ModelTestSupport.syntheticImages(16, side: 4)
        let optimizer = Adam(vae.namedParameters(), learningRate: 1e-2)
        for step in 0..<5 {
            let loss = vae.trainingLoss(Batch(x: x), step: step, generator: RandomGenerator(seed: UInt64(step))).loss
            optimizer.zeroGrad()
            loss.backward()
            optimizer.step()
        }
        return (vae, optimizer)
    }

    func testRoundTripRebuildsTheSameModel() throws {
        let folder = try ModelTestSupport.temporaryDirectory(self)
        let configuration = VAEConfiguration(architecture: .deepMLP, imageShape: [1, 4, 4], latent: 3, hidden: [8, 6],
                                             activation: .relu, prior: .mixture, priorComponents: 2, seed: 5)
        let vae = try trainedVAE(configuration).vae
        let url = folder.appendingPathComponent("vae.safetensors")
        try vae.save(checkpointTo: url, configuration: configuration, metadata: ["note": "kept"])

        let (loaded, loadedConfiguration) = try VAE.load(checkpointFrom: url)
        XCTAssertEqual(loadedConfiguration, configuration)
        XCTAssertFalse(loaded.isTraining)
        let fresh = try configuration.build()
        let saved = Dictionary(uniqueKeysWithValues: vae.namedParameters().map { ($0.0, $0.1.value.scalars) })
        XCTAssertEqual(loaded.namedParameters().map(\.0), vae.namedParameters().map(\.0))
        for (name, parameter) in loaded.namedParameters() {
            XCTAssertEqual(parameter.value.scalars, saved[name], name)
        }
        // The trained weights differ from the seed's, so equality above is not the build's doing.
        XCTAssertNotEqual(fresh.namedParameters()[0].1.value.scalars, saved[fresh.namedParameters()[0].0])
        let x = ModelTestSupport.syntheticImages(4, side: 4, seed: 9)
        XCTAssertEqual(loaded.reconstruct(x).scalars, vae.reconstruct(x).scalars)
        XCTAssertEqual(try SafeTensorsFile(contentsOf: url).metadata["note"], "kept")
    }

    func testCustomKeyAndOptimizerEntriesIgnored() throws {
        let folder = try ModelTestSupport.temporaryDirectory(self)
        let configuration = VAEConfiguration(imageShape: [1, 4, 4], latent: 2, hidden: [5])
        let (vae, optimizer) = try trainedVAE(configuration)
        let url = folder.appendingPathComponent("run.safetensors")
        // As a run folder's checkpoint: the configuration under another key, optimizer state beside it.
        try vae.save(to: url, optimizer: optimizer, metadata: ["other.key": try configuration.json()])
        let (loaded, _) = try VAE.load(checkpointFrom: url, configurationKey: "other.key")
        let x = ModelTestSupport.syntheticImages(4, side: 4, seed: 3)
        XCTAssertEqual(loaded.reconstruct(x).scalars, vae.reconstruct(x).scalars)
    }

    func testMissingConfigurationNamesTheKeyAndTheFile() throws {
        let folder = try ModelTestSupport.temporaryDirectory(self)
        let vae = try VAEConfiguration(imageShape: [1, 4, 4], latent: 2, hidden: [5]).build()
        let url = folder.appendingPathComponent("weights-only.safetensors")
        try vae.save(to: url, metadata: ["epoch": "3"])
        XCTAssertThrowsError(try VAE.load(checkpointFrom: url)) { error in
            let message = String(describing: error)
            XCTAssertTrue(message.contains("'vae.configuration'"), message)
            XCTAssertTrue(message.contains(url.path), message)
            XCTAssertTrue(message.contains("epoch"), message)
        }
    }

    func testConfigurationOfAnotherModelIsAShapeMismatch() throws {
        let folder = try ModelTestSupport.temporaryDirectory(self)
        let vae = try VAEConfiguration(imageShape: [1, 4, 4], latent: 2, hidden: [5]).build()
        let url = folder.appendingPathComponent("mislabelled.safetensors")
        try vae.save(checkpointTo: url, configuration: VAEConfiguration(imageShape: [1, 4, 4], latent: 3, hidden: [5]))
        XCTAssertThrowsError(try VAE.load(checkpointFrom: url)) { error in
            XCTAssertTrue(error is CheckpointError, "\(error)")
            XCTAssertTrue(String(describing: error).contains("shape"), "\(error)")
        }
    }
}
