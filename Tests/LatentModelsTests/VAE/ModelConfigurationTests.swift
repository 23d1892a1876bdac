import Foundation
import XCTest
import LatentTensor
import LatentNN
import LatentProbability
@testable import LatentModels

/// The Codable descriptions that rebuild a VAE or conditional VAE from a checkpoint.
final class ModelConfigurationTests: XCTestCase {
    func testVAEConfigurationRoundTripsAndRebuildsTheSameNetwork() throws {
        let config = VAEConfiguration(architecture: .deepMLP, imageShape: [1, 8, 8], latent: 3, hidden: [16, 8], activation: .relu,
                                      prior: .mixture, priorComponents: 4, beta: 2, warmup: .linear, warmupSteps: 10,
                                      targetRate: 5, trainingSamples: 3, seed: 7)
        let back = try VAEConfiguration.decode(json: try config.json())
        XCTAssertEqual(back, config)
        let a = try config.build(), b = try back.build()
        XCTAssertEqual(a.namedParameters().map(\.0), b.namedParameters().map(\.0))
        for ((name, p), (_, q)) in zip(a.namedParameters(), b.namedParameters()) {
            XCTAssertEqual(p.value.scalars, q.value.scalars, "\(name) drawn from the same seed")
        }
        XCTAssertTrue(a.prior is MixtureOfGaussiansPrior)
        XCTAssertEqual(a.objective, .iwae(samples: 3))
        XCTAssertEqual(a.regularizer.controller?.target, 5)
        let x = Tensor.uniform([2, 1, 8, 8], generator: RandomGenerator(seed: 1))
        XCTAssertEqual(a.sample(2, generator: RandomGenerator(seed: 2)).shape, [2, 1, 8, 8])
        XCTAssertTrue(a.trainingLoss(Batch(x: x), step: 0, generator: RandomGenerator(seed: 3)).loss.item.isFinite)
    }

    func testEveryArchitectureBuildsForItsImages() throws {
        let conv28 = try VAEConfiguration(architecture: .convolutional, imageShape: [1, 28, 28], latent: 16, hidden: []).build()
        XCTAssertEqual(conv28.decoder.outputShape, [1, 28, 28])
        let conv64 = try VAEConfiguration(architecture: .convolutional, imageShape: [1, 64, 64], latent: 10, hidden: []).build()
        XCTAssertEqual(conv64.latentDimension, 10)
        let flow = try VAEConfiguration(imageShape: [1, 4, 4], latent: 2, hidden: [8], posteriorFlowLayers: 2).build()
        XCTAssertTrue(flow.flow?.layers.first is MaskedAutoregressiveFlow)
        let planar = try VAEConfiguration(imageShape: [1, 4, 4], latent: 2, hidden: [8], posteriorFlowLayers: 3,
                                          posteriorFlowKind: .planar).build()
        XCTAssertEqual(planar.flow?.layers.count, 3)
        XCTAssertTrue(planar.flow?.layers.first is Planar)
    }

    func testProblemsNameTheFieldValueAndRule() {
        let bad = VAEConfiguration(architecture: .convolutional, imageShape: [1, 30, 30], latent: 0, hidden: [8, 8], beta: -1,
                                   warmup: .linear, warmupSteps: 0, freeBits: 1)
        let problems = bad.problems().joined(separator: "\n")
        for fragment in ["latent 0: need ≥ 1", "28×28, 32×32 or 64×64", "hidden [8, 8]", "beta -1.0", "warmupSteps 0"] {
            XCTAssertTrue(problems.contains(fragment), "missing \"\(fragment)\" in\n\(problems)")
        }
        XCTAssertThrowsError(try bad.build()) { XCTAssertTrue("\($0)".hasPrefix("invalid VAE configuration: ")) }
        XCTAssertTrue(VAEConfiguration(prior: .mixture, freeBits: 0.5).problems().contains { $0.contains("freeBits") })
    }

    func testConditionalConfigurationBuildsBothTasks() throws {
        let classes = ConditionalVAEConfiguration(imageShape: [1, 4, 4], classes: 3, hidden: 8, latent: 2, learnedPrior: false, seed: 1)
        let cvae = try classes.build()
        XCTAssertNil(cvae.prior)
        XCTAssertEqual(cvae.task.conditionFeatures, 3)
        let quadrants = ConditionalVAEConfiguration(task: .quadrantCompletion, imageShape: [1, 4, 4], visibleQuadrants: [0, 3],
                                                    hidden: 8, latent: 2)
        let completion = try quadrants.build()
        XCTAssertEqual(completion.task.targetShape, [8], "two hidden 2×2 quadrants")
        let decoded = try JSONDecoder().decode(ConditionalVAEConfiguration.self, from: JSONEncoder().encode(quadrants))
        XCTAssertEqual(decoded, quadrants)
        let bad = ConditionalVAEConfiguration(task: .quadrantCompletion, imageShape: [3, 4, 4], visibleQuadrants: [0, 0, 5])
        XCTAssertEqual(bad.problems().count, 2, "\(bad.problems())")
    }
}
