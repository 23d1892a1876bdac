import Foundation
import XCTest
import Latent
@testable import LatentCLI

/// The `noise` and `scale` settings of the 2-D densities: they change the data, their defaults
/// leave old runs unchanged, and they are refused where they mean nothing.
final class DensitySettingsTests: XCTestCase {
    func points(_ noise: Double?, _ scale: Double?) throws -> [Float] {
        try DatasetCatalog.load("moons", source: DataSource(), trainSize: 256, testSize: 16, seed: 3,
                                noise: noise, scale: scale).train.inputs.scalars
    }

    func testScikitLearnMoonsDifferFromTheDefaultAndMatchTwoMoons() throws {
        let defaults = try points(nil, nil)
        XCTAssertEqual(try points(0.1, 2), defaults, "the explicit defaults draw the same points as before the keys existed")
        let sklearn = try points(0.05, 1)
        XCTAssertNotEqual(sklearn, defaults)
        let expected = TwoMoons(noise: 0.05, scale: 1).sample(256, generator: RandomGenerator(seed: 3 ^ 0xDA7A)).scalars
        XCTAssertEqual(sklearn, expected)
        // Scale 1 moons lie in about [-1.5, 1.5]; scale 2 twice as wide.
        XCTAssertLessThan(sklearn.map(abs).max()!, 1.8)
        XCTAssertGreaterThan(defaults.map(abs).max()!, 2)
    }

    func testDefaultsArePerDensityAndStoredInTheSettings() throws {
        let moons = try RunSettings.resolve(model: "realnvp")
        XCTAssertEqual(moons.double("noise"), 0.1)
        XCTAssertEqual(moons.double("scale"), 2)
        let given = try RunSettings.resolve(model: "realnvp", flags: ["noise": "0.05", "scale": "1"])
        XCTAssertEqual(given.double("noise"), 0.05)
        XCTAssertEqual(given.double("scale"), 1)
        XCTAssertTrue(given.json().contains("\"noise\" : 0.05"), given.json())
        XCTAssertEqual(try RunSettings.decode(json: given.json(), source: "test"), given)
        XCTAssertNil(try RunSettings.resolve(model: "realnvp", flags: ["data": "pinwheel"]).values["noise"], "pinwheel has no noise")
        XCTAssertNil(try RunSettings.resolve(model: "vae").values["scale"], "images have neither")
    }

    func testOldRunFoldersWithoutTheKeysTakeTheDefaults() throws {
        let old = #"{"model": "realnvp", "settings": {"data": "moons", "epochs": 2, "layers": 8}}"#
        let settings = try RunSettings.decode(json: old, source: "config.json")
        XCTAssertEqual(settings.double("noise"), 0.1)
        XCTAssertEqual(settings.double("scale"), 2)
    }

    func testRefusedOnDataWithoutThem() throws {
        for (model, data, key) in [("vae", "mnist", "noise"), ("realnvp", "sprites", "scale"), ("realnvp", "pinwheel", "noise"), ("maf", "rings", "scale")] {
            XCTAssertThrowsError(try RunSettings.resolve(model: model, flags: ["data": data, key: "1"])) { error in
                let message = "\(error)"
                XCTAssertTrue(message.contains("'\(key)' does not apply to data '\(data)'"), message)
                XCTAssertFalse(message.contains("\n"), message)
            }
        }
        XCTAssertThrowsError(try RunSettings.resolve(model: "realnvp", file: ["data": "mnist", "scale": 1]))
        XCTAssertThrowsError(try RunSettings.resolve(model: "realnvp", flags: ["noise": "-1"])) { error in
            XCTAssertTrue("\(error)".contains("a number in 0…10"), "\(error)")
        }
    }
}
