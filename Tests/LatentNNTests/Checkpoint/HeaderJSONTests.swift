import XCTest
import Foundation
@testable import LatentNN

/// The strict JSON reader behind safetensors headers.
final class HeaderJSONTests: XCTestCase {
    private func parse(_ text: String, maxKeys: Int = .max) throws -> JSONValue {
        try Array(text.utf8).withUnsafeBytes { try HeaderJSON.parse($0, maxKeys: maxKeys, uncountedKey: "__metadata__") }
    }

    private func syntaxError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try parse(text)
            XCTFail("\(text) parsed", file: file, line: line)
        } catch HeaderJSON.Failure.syntax(let offset, let message) {
            return "at \(offset): \(message)"
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
        }
        return ""
    }

    func testValuesKeepTheirTypes() throws {
        guard case .object(let o) = try parse(#" {"i": -12, "z": 0, "f": 1.5, "e": 2e3, "big": 123456789012345678901234, "#
                                              + #""s": "a\"b\\c\/\n\t\u00e9\ud83d\ude00", "t": true, "n": null, "a": [1, [], {}]} "#) else {
            return XCTFail("not an object")
        }
        guard case .integer(-12)? = o["i"], case .integer(0)? = o["z"], case .number(1.5)? = o["f"], case .number(2000)? = o["e"],
              case .number(let big)? = o["big"], case .string(let s)? = o["s"], case .bool(true)? = o["t"], case .null? = o["n"],
              case .array(let a)? = o["a"] else { return XCTFail("\(o)") }
        XCTAssertEqual(big, 1.2345678901234568e23)
        XCTAssertEqual(s, "a\"b\\c/\n\té😀")
        XCTAssertEqual(a.count, 3)
    }

    func testMalformedInputIsRefusedWithItsOffset() {
        XCTAssertEqual(syntaxError("{\"a\": 1,}"), "at 8: expected a string key, found '}'")
        XCTAssertEqual(syntaxError("[01]"), "at 1: numbers may not have leading zeros")
        XCTAssertEqual(syntaxError("{} x"), "at 3: unexpected 'x' after the top-level value")
        XCTAssertEqual(syntaxError("{\"a\": 1, \"a\": 2}"), "at 9: the key \"a\" appears twice")
        XCTAssertEqual(syntaxError("\"\\ud800\""), "at 7: unpaired UTF-16 surrogate in a \\u escape")
        XCTAssertEqual(syntaxError("[\"a\nb\"]"), "at 3: control character 0x0a inside a string (write it as an escape)")
        XCTAssertEqual(syntaxError("[tru]"), "at 1: expected 'true'")
        XCTAssertEqual(syntaxError("{\"a\": [1, 2"), "at 11: expected ',' or ']' in an array, found the end of the header")
        XCTAssertTrue(syntaxError(String(repeating: "[", count: 100_000)).hasSuffix("nesting deeper than 64 levels"))
        XCTAssertEqual(try Array("{\"é\": 1}".utf8).prefix(3).withUnsafeBytes { bytes in
            do { _ = try HeaderJSON.parse(UnsafeRawBufferPointer(rebasing: bytes[...]), maxKeys: 1, uncountedKey: ""); return "parsed" }
            catch HeaderJSON.Failure.syntax(let offset, let message) { return "at \(offset): \(message)" }
        }, "at 2: invalid UTF-8", "a cut multi-byte character")
    }

    func testTopLevelKeysBeyondTheLimitAreCounted() throws {
        XCTAssertNoThrow(try parse(#"{"a": 1, "b": 2, "__metadata__": {}}"#, maxKeys: 2), "the uncounted key is free")
        XCTAssertThrowsError(try parse(#"{"a": 1, "b": 2, "c": {"x": 1, "y": 2, "z": 3}, "d": 4}"#, maxKeys: 2)) { error in
            guard case HeaderJSON.Failure.tooManyKeys(4) = error else { return XCTFail("\(error)") }
        }
        XCTAssertNoThrow(try parse(#"{"a": {"x": 1, "y": 2, "z": 3}}"#, maxKeys: 1), "nested objects are not limited")
    }
}
