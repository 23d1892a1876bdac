import Foundation
import XCTest
import Latent
@testable import LatentCLI

/// Settings resolution: model defaults < config file < flags, each value checked.
final class RunSettingsTests: XCTestCase {
    func testPrecedenceDefaultsFileFlags() throws {
        let settings = try RunSettings.resolve(model: nil, file: ["model": "vae", "epochs": 3, "beta": 2.5, "hidden": [128]],
                                               flags: ["epochs": "7", "latent": "8"])
        XCTAssertEqual(settings.model, .vae)
        XCTAssertEqual(settings.int("epochs"), 7, "flags win over the file")
        XCTAssertEqual(settings.double("beta"), 2.5, "the file wins over defaults")
        XCTAssertEqual(settings.ints("hidden"), [128])
        XCTAssertEqual(settings.int("latent"), 8)
        XCTAssertEqual(settings.int("batch-size"), 128, "defaults fill the rest")
        XCTAssertEqual(settings.data, "mnist")
    }

    func testModelDefaultsFollowTheData() throws {
        XCTAssertEqual(try RunSettings.resolve(model: "realnvp").int("batch-size"), 512)
        XCTAssertEqual(try RunSettings.resolve(model: "realnvp", flags: ["data": "mnist"]).ints("hidden"), [512, 512])
        XCTAssertEqual(try RunSettings.resolve(model: "beta-vae").string("architecture"), "deep-mlp")
        XCTAssertEqual(try RunSettings.resolve(model: "beta-vae").int("batch-size"), 64)
        XCTAssertEqual(try RunSettings.resolve(model: "beta-vae").double("beta"), 4)
        XCTAssertEqual(try RunSettings.resolve(model: "iwae").int("iwae-samples"), 5)
        XCTAssertEqual(try RunSettings.resolve(model: "vae", flags: ["architecture": "conv"]).ints("hidden"), [], "conv 32-64 with no fc layer")
        XCTAssertEqual(try RunSettings.resolve(model: "vae", flags: ["architecture": "conv", "hidden": "256"]).ints("hidden"), [256])
    }

    func testJSONRoundTrip() throws {
        let settings = try RunSettings.resolve(model: "cvae", flags: ["task": "quadrant", "visible": "0,1", "learned-prior": "false"])
        let back = try RunSettings.decode(json: settings.json(), source: "test")
        XCTAssertEqual(back, settings)
        let conv = try RunSettings.resolve(model: "vae", flags: ["architecture": "conv"])
        XCTAssertEqual(try RunSettings.decode(json: conv.json(), source: "test"), conv)
    }

    /// Runs saved before a setting existed still load: the missing key takes its default.
    func testStoredSettingsMissingNewKeysTakeDefaults() throws {
        let settings = try RunSettings.decode(json: "{\"model\": \"vae\", \"settings\": {\"data\": \"mnist\", \"epochs\": 3}}", source: "old")
        XCTAssertEqual(settings.int("epochs"), 3)
        XCTAssertEqual(settings.string("activation"), "tanh")
        XCTAssertEqual(settings.string("posterior-flow-kind"), "iaf")
    }

    func testConfigFilesInYAMLAndJSON() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("latent-settings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let yaml = folder.appendingPathComponent("c.yaml"), json = folder.appendingPathComponent("c.json")
        try "model: nsf\ndata: pinwheel\nlayers: 6\nhidden: [32, 32]\nbound: 3.5\n".write(to: yaml, atomically: true, encoding: .utf8)
        try "{\"model\": \"nsf\", \"data\": \"pinwheel\", \"layers\": 6, \"hidden\": [32, 32], \"bound\": 3.5}".write(to: json, atomically: true, encoding: .utf8)
        let a = try RunSettings.resolve(model: nil, file: RunSettings.readConfigFile(yaml))
        let b = try RunSettings.resolve(model: nil, file: RunSettings.readConfigFile(json))
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.int("layers"), 6)
        XCTAssertEqual(a.ints("hidden"), [32, 32])
        XCTAssertEqual(a.double("bound"), 3.5)
    }

    func testFlagsParsing() throws {
        XCTAssertEqual(try TrainCommand.parseFlags(["--epochs", "3", "--beta=2", "--conditional"]),
                       ["epochs": "3", "beta": "2", "conditional": "true"])
        XCTAssertThrowsError(try TrainCommand.parseFlags(["--epochs"])) { XCTAssertTrue("\($0)".contains("needs a value")) }
        XCTAssertThrowsError(try TrainCommand.parseFlags(["epochs", "3"])) { XCTAssertTrue("\($0)".contains("unexpected argument 'epochs'")) }
    }

    func testInvalidCombinationsAreRejected() {
        XCTAssertThrowsError(try RunSettings.resolve(model: "glow", flags: ["data": "moons"])) { XCTAssertTrue("\($0)".contains("glow needs image data")) }
        XCTAssertThrowsError(try RunSettings.resolve(model: "cvae", flags: ["data": "sprites"])) { XCTAssertTrue("\($0)".contains("--task quadrant")) }
        XCTAssertThrowsError(try RunSettings.resolve(model: "planar", flags: ["conditional": "true"])) { XCTAssertTrue("\($0)".contains("the 2-D densities have none")) }
        XCTAssertNoThrow(try RunSettings.resolve(model: "planar", flags: ["conditional": "true", "data": "mnist-5k"]))
        XCTAssertThrowsError(try RunSettings.resolve(model: "vae", flags: ["warmup": "sometimes"])) {
            XCTAssertTrue("\($0)".contains("one of none, linear, cyclical"))
        }
    }

    /// `--posterior-scale log-variance` reaches the encoder (and the stored configuration).
    func testPosteriorScaleSettingBuildsTheHead() throws {
        for (value, head) in [("log-sigma", GaussianEncoder.ScaleHead.logScale), ("log-variance", .logVariance)] {
            let settings = try RunSettings.resolve(model: "vae", flags: ["data": "sprites", "latent": "2", "hidden": "8,8", "posterior-scale": value])
            guard case let .vae(vae, config) = try RunModel.build(settings) else { return XCTFail("expected a VAE") }
            XCTAssertEqual(vae.encoder.scaleHead, head, value)
            XCTAssertEqual(config.posteriorScaleHead, head, value)
        }
        XCTAssertThrowsError(try RunSettings.resolve(model: "vae", flags: ["posterior-scale": "log-std"]))
    }

    /// `--tc-beta B` makes a β-TCVAE (weight B − 1 on the TC estimate); it refuses a posterior flow.
    func testTCBetaSettingBuildsTheTotalCorrelationPenalty() throws {
        let settings = try RunSettings.resolve(model: "vae", flags: ["data": "sprites", "latent": "2", "hidden": "8,8", "tc-beta": "6"])
        guard case let .vae(vae, _) = try RunModel.build(settings) else { return XCTFail("expected a VAE") }
        XCTAssertEqual(vae.totalCorrelationWeight, 5)
        let withFlow = try RunSettings.resolve(model: "vae", flags: ["data": "sprites", "latent": "2", "hidden": "8,8", "tc-beta": "6",
                                                                      "posterior-flow": "2"])
        XCTAssertThrowsError(try RunModel.build(withFlow)) { XCTAssertTrue("\($0)".contains("totalCorrelationBeta"), "\($0)") }
    }
}
