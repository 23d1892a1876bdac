import Foundation
import XCTest
import LatentTensor
import LatentModels

/// The JSON the trainer and the command write: a widened Float by its own shortest digits, every
/// other Double exactly, and values that read back as what was written.
final class JSONTextTests: XCTestCase {
    func testNumbers() {
        XCTAssertEqual(JSONText.number(Double(Float(0.001))), "0.001", "not 0.0010000000474974513")
        XCTAssertEqual(JSONText.number(Double(Float(549.3272705078125))), "549.3273")
        XCTAssertEqual(JSONText.number(0.001), "0.001")
        XCTAssertEqual(JSONText.number(1.0 / 3), "0.3333333333333333", "a Double keeps its digits")
        XCTAssertEqual(JSONText.number(166.07390891927082), "166.07390891927082")
        XCTAssertEqual(JSONText.number(60000), "60000")
        XCTAssertEqual(JSONText.number(-0.0), "0")
        XCTAssertEqual(JSONText.number(Double(Float(1e-7))), "1e-07")
        XCTAssertEqual(JSONText.number(.nan), "null")
        XCTAssertEqual(JSONText.number(-.infinity), "null")
    }

    /// Random bit patterns: a Double reads back bit for bit unless it is a widened Float, which
    /// reads back as the same Float. (Read with `Double(String)`, a correctly rounded parser;
    /// swift-corelibs-foundation's JSONSerialization is off by an ulp or more on some inputs.)
    func testNumbersReadBackAsWritten() throws {
        let generator = RandomGenerator(seed: 17)
        for _ in 0..<2000 {
            let bits = UInt64(generator.nextInt(below: 1 << 31)) << 33 ^ UInt64(generator.nextInt(below: 1 << 31)) << 2
            let d = Double(bitPattern: bits)
            guard d.isFinite else { continue }
            let single = Float(bitPattern: UInt32(truncatingIfNeeded: bits >> 11))
            for value in [d, single.isFinite ? Double(single) : 0] {
                let text = JSONText.number(value)
                let back = try XCTUnwrap(Double(text), text)
                if Double(Float(value)) == value {
                    XCTAssertEqual(Float(text), Float(value), "\(value) written as \(text)")
                    XCTAssertEqual(Float(back), Float(value), "\(value) written as \(text)")
                    if value != value.rounded() { XCTAssertLessThanOrEqual(text.count, 15, "a Float needs at most 9 digits: \(text)") }
                } else {
                    XCTAssertEqual(back.bitPattern, value.bitPattern, "\(value) written as \(text)")
                }
            }
        }
    }

    func testObjectsListsStringsAndParsedValues() throws {
        let line = try JSONText.line(["b": [1, 2.5, true, "x"] as [Any], "a": ["nested": Float(0.1), "none": NSNull()] as [String: Any],
                                      "path": "/tmp/run \"1\"\n", "n": Int64(7)])
        XCTAssertEqual(line, #"{"a":{"nested":0.1,"none":null},"b":[1,2.5,true,"x"],"n":7,"path":"/tmp/run \"1\"\n"}"#)
        // What JSONSerialization parsed (NSNumber booleans and integers) is written back the same.
        let parsed = try JSONSerialization.jsonObject(with: Data(#"{"flag":false,"count":3,"rate":0.25,"big":9007199254740993}"#.utf8))
        XCTAssertEqual(try JSONText.line(parsed), #"{"big":9007199254740993,"count":3,"flag":false,"rate":0.25}"#)
        XCTAssertThrowsError(try JSONText.line(["when": Date()])) { error in
            XCTAssertTrue("\(error)".contains("when"), "\(error)")
        }
    }
}
