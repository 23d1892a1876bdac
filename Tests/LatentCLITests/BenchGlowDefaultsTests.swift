import XCTest
import Latent
import LatentBenchmarks
@testable import LatentCLI

/// `latent bench glow` times the model that `latent train glow` trains by default on MNIST.
final class BenchGlowDefaultsTests: XCTestCase {
    func testBenchGlowIsTheDefaultGlowOfTrain() throws {
        let settings = try RunSettings.resolve(model: "glow", flags: [:])
        XCTAssertEqual(settings.data, "mnist")
        XCTAssertEqual(settings.int("batch-size"), BenchmarkWorkload.glow.batchSize)
        XCTAssertEqual(settings.double("learning-rate"), 1e-3)
        XCTAssertEqual(settings.double("clip-norm"), 0, "the benchmark's Adam step does not clip")
        guard case let .flow(model) = try RunModel.build(settings) else { return XCTFail("glow is not a flow") }
        XCTAssertEqual(model.configuration, BenchmarkWorkload.glowConfiguration(seed: UInt64(settings.int("seed"))))
        XCTAssertEqual(model.parameterCount, 51_132)
    }
}
