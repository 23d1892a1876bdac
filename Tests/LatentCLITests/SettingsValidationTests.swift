import Foundation
import XCTest
import Latent
@testable import LatentCLI

/// Values from config files, run folders and checkpoints pass one strict schema: types, ranges,
/// required keys and cross-key rules — each refusal names the key, the value and what is allowed.
final class SettingsValidationTests: XCTestCase {
    /// The `CLIError` that `body` throws, as text (fails if it throws nothing).
    func message(_ body: () throws -> Any, file: StaticString = #filePath, line: UInt = #line) -> String {
        do { _ = try body() } catch let error as CLIError { return error.description } catch {
            XCTFail("not a CLIError: \(error)", file: file, line: line)
            return ""
        }
        XCTFail("accepted", file: file, line: line)
        return ""
    }

    func testConfigValuesAreStrictlyTyped() throws {
        XCTAssertTrue(message { try RunSettings.resolve(model: "vae", file: ["epochs": true]) }.contains("'epochs'"))
        XCTAssertTrue(message { try RunSettings.resolve(model: "vae", file: ["data-dir": 5]) }.contains("'data-dir'"))
        XCTAssertTrue(message { try RunSettings.resolve(model: "vae", file: ["epochs": 2.5]) }.contains("2.5"))
        XCTAssertTrue(message { try RunSettings.resolve(model: "vae", file: ["hidden": "8,,8"]) }.contains("8,,8"))
        XCTAssertTrue(message { try RunSettings.resolve(model: "vae", file: ["hidden": [8, true]]) }.contains("'hidden'"))
        XCTAssertTrue(message { try RunSettings.resolve(model: "vae", file: ["beta": Double.nan]) }.contains("'beta'"))
        XCTAssertTrue(message { try RunSettings.resolve(model: "vae", flags: ["hidden": "8,,8"]) }.contains("8,,8"))
        for list in ["[8", "8]", "8,", ",", "[", "8 8"] {
            XCTAssertTrue(message { try RunSettings.resolve(model: "vae", flags: ["hidden": list]) }.contains("'hidden'"), list)
        }
        XCTAssertEqual(try RunSettings.resolve(model: "vae", flags: ["hidden": "[300]"]).ints("hidden"), [300])
        XCTAssertTrue(message { try RunSettings.resolve(model: "realnvp", file: ["conditional": 1]) }.contains("'conditional'"))
        // Whole numbers beyond Int are refused, never wrapped to 0 or saturated.
        let big = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(#"{"seed": 18446744073709551616, "epochs": 1e30}"#.utf8)) as? [String: Any])
        XCTAssertTrue(message { try RunSettings.resolve(model: "vae", file: ["seed": big["seed"]!]) }.contains("18446744073709551616"))
        XCTAssertTrue(message { try RunSettings.resolve(model: "vae", file: ["epochs": big["epochs"]!]) }.contains("'epochs'"))
        // What stays accepted: whole floats for integers, integers for numbers, numeric text.
        XCTAssertEqual(try RunSettings.resolve(model: "vae", file: ["epochs": 3.0]).int("epochs"), 3)
        XCTAssertEqual(try RunSettings.resolve(model: "vae", file: ["beta": 2]).double("beta"), 2)
        XCTAssertEqual(try RunSettings.resolve(model: "vae", file: ["epochs": "4"]).int("epochs"), 4)
        XCTAssertEqual(try RunSettings.resolve(model: "vae", file: ["hidden": [300]]).ints("hidden"), [300])
    }

    func testHiddenMayBeEmptyOnlyWhereTheModelHasNoHiddenLayer() throws {
        XCTAssertEqual(try RunSettings.resolve(model: "vae", file: ["architecture": "conv", "hidden": [Int]()]).ints("hidden"), [])
        XCTAssertTrue(message { try RunModel.build(RunSettings.resolve(model: "realnvp", file: ["hidden": [Int]()])) }.contains("hidden"))
        XCTAssertTrue(message { try RunModel.build(RunSettings.resolve(model: "vae", flags: ["hidden": "[]"])) }.contains("hidden"))
    }

    /// A run folder's config.json or a checkpoint's settings: the same checks, plus `data` required.
    func testStoredSettingsAreValidated() throws {
        func decode(_ json: String) -> String { message { try RunSettings.decode(json: json, source: "run/config.json") } }
        XCTAssertTrue(decode(#"{"model": "vae", "settings": {}}"#).contains("'data'"))
        XCTAssertTrue(decode(#"{"model": "vae", "settings": {"epochs": 3}}"#).contains("'data'"))
        XCTAssertTrue(decode(#"{"settings": {"data": "mnist"}}"#).contains("'model'"))
        XCTAssertTrue(decode(#"{"model": "vea", "settings": {"data": "mnist"}}"#).contains("did you mean vae"))
        XCTAssertTrue(decode(#"{"model": "vae", "settings": {"data": "mnist", "epochs": true}}"#).contains("'epochs'"))
        XCTAssertTrue(decode(#"{"model": "vae", "settings": {"data": 5}}"#).contains("'data'"))
        XCTAssertTrue(decode(#"{"model": "vae", "settings": {"data": "moons"}}"#).contains("needs image data"))
        XCTAssertTrue(decode(#"{"model": "vae", "settings": {"data": "mnist", "layers": 3}}"#).contains("'layers' does not apply"))
        XCTAssertTrue(decode("[1, 2]").contains("not a JSON object"))
        XCTAssertTrue(decode(#"{"model": "vae", "settings": {"data": "mnist", "seed": 18446744073709551616}}"#).contains("'seed'"))
        for json in [#"{"model": "vae", "settings": {}}"#, "[1, 2]"] {
            do { _ = try RunSettings.decode(json: json, source: "x") } catch let error as CLIError { XCTAssertEqual(error.exitCode, 1) }
        }
        let stored = try RunSettings.decode(json: #"{"model": "realnvp", "settings": {"data": "moons", "epochs": 3}}"#, source: "x")
        XCTAssertEqual(stored.int("epochs"), 3)
        XCTAssertEqual(stored.ints("hidden"), [64, 64], "keys missing from old files take their defaults")
    }

    func testMisspeltNamesGetSuggestions() {
        XCTAssertEqual(CLIError.editDistance("trian", "train", limit: 2), 2)
        XCTAssertEqual(CLIError.editDistance("train", "train", limit: 2), 0)
        XCTAssertEqual(CLIError.editDistance("inspect", "eval", limit: 2), 3)
        XCTAssertTrue(CLIError.unknown(what: "command", name: "evl", valid: ["eval", "train"]).description.contains("did you mean eval?"))
        XCTAssertFalse(CLIError.unknown(what: "command", name: "zzzz", valid: ["eval", "train"]).description.contains("did you mean"))
        XCTAssertTrue(CLIError.unknownSetting(key: String(repeating: "x", count: 5000), known: ["epochs"]).description.count < 200)
    }
}

/// Sizes inside every range but beyond the machine are refused before anything is allocated.
final class MemoryEstimateTests: XCTestCase {
    func testSizesBeyondTheMachineAreRefusedUpFront() throws {
        let cases: [(String, [String: String], String)] = [
            ("beta-vae", ["train-size": "10000000"], "--train-size"),
            ("realnvp", ["hidden": "65536,65536", "layers": "1000"], "parameters"),
            ("glow", ["hidden": "65536"], "parameters"),
            ("vae", ["batch-size": "65536", "iwae-samples": "10000"], "--batch-size 65536"),
        ]
        for (model, flags, mentioned) in cases {
            let settings = try RunSettings.resolve(model: model, flags: flags)
            XCTAssertThrowsError(try settings.checkMemory(), "\(model) \(flags)") { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains(mentioned) && text.contains("needs") && text.contains("this machine has"), text)
                XCTAssertEqual((error as? CLIError)?.exitCode, 64)
            }
        }
    }

    func testEveryModelsDefaultsFitEasily() throws {
        for model in ModelKind.allCases {
            let settings = try RunSettings.resolve(model: model.rawValue)
            let total = settings.dataBytes + settings.parameterEstimate * 16 + settings.activationBytes
            XCTAssertLessThan(total, 4 * 1024 * 1024 * 1024, "\(model.rawValue) defaults estimated at \(total) bytes")
            XCTAssertNoThrow(try settings.checkMemory())
        }
    }
}
