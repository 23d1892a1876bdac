import XCTest
import Foundation
import LatentTensor
import LatentNN

/// Hostile or broken headers cost bounded time and give bounded messages.
final class SafeTensorsLimitsTests: XCTestCase {
    /// `{"a0":{},"a1":{},…}`: 200,000 entries (2.5 MB) used to take seconds and produce a 14 MB
    /// message; now the count is refused at the cap, naming both numbers.
    func testHeaderWithMoreEntriesThanTheCapIsRefused() {
        let header = "{" + (0..<200_000).map { "\"a\($0)\":{}" }.joined(separator: ",") + "}"
        let message = assertCheckpointError(.invalidHeader, containing: ["200000 tensors", "limit of 100000", "SafeTensors.maxEntries"]) {
            _ = try SafeTensorsFile(data: handMadeFile(header: header, data: []), path: "many")
        }
        XCTAssertLessThan(message.count, 300, message)
    }

    /// Many tiny valid entries (well under the cap) parse, and `__metadata__` does not count as a tensor.
    func testManyTinyEntriesParse() throws {
        let n = 20_000
        let entries = (0..<n).map { "\"t\($0)\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[\(4 * $0),\(4 * $0 + 4)]}" }
        let header = "{\"__metadata__\":{\"k\":\"v\"}," + entries.joined(separator: ",") + "}"
        let data = (0..<n).flatMap { float32Bytes([Float($0)]) }
        let file = try SafeTensorsFile(data: handMadeFile(header: header, data: data), path: "tiny")
        XCTAssertEqual(file.entries.count, n)
        XCTAssertEqual(file.metadata, ["k": "v"])
        XCTAssertEqual(try file.tensor(named: "t12345").scalars, [12345])
    }

    func testTheWriterRefusesMoreTensorsThanReadersAccept() {
        var tensors: [String: Tensor] = [:]
        let scalar = Tensor(0)
        for i in 0...SafeTensors.maxEntries { tensors["t\(i)"] = scalar }
        assertCheckpointError(.invalidInput, containing: ["100001 tensors", "100000"]) { _ = try SafeTensors.encode(tensors) }
    }

    /// 30 broken entries: all are in `problems`, the message lists 20 and counts the rest.
    func testMessageListsTheFirstProblemsAndCountsTheRest() throws {
        let header = "{" + (0..<30).map { String(format: "\"b%02d\":{}", $0) }.joined(separator: ",") + "}"
        do {
            _ = try SafeTensorsFile(data: handMadeFile(header: header, data: []), path: "broken")
            XCTFail("expected an error")
        } catch let error as CheckpointError {
            XCTAssertEqual(error.problems.count, 30)
            let lines = error.description.components(separatedBy: "\n")
            XCTAssertEqual(lines.count, 1 + CheckpointError.listedProblems + 1, error.description)
            XCTAssertTrue(lines[1].contains("tensor 'b00'"), lines[1])
            XCTAssertTrue(lines[20].contains("tensor 'b19'"), lines[20])
            XCTAssertEqual(lines.last, "  … and 10 more problems")
        }
    }

    /// A 10,000-character tensor name or metadata key appears cut to 80 characters and "…".
    func testLongNamesAreCutInMessages() {
        let long = String(repeating: "x", count: 10_000)
        let cut = String(repeating: "x", count: CheckpointError.quotedNameLength) + "…'"
        let message = assertCheckpointError(.invalidHeader, containing: ["tensor '" + cut, "metadata '" + cut]) {
            let header = "{\"\(long)\":{\"dtype\":\"Q9\",\"shape\":[],\"data_offsets\":[0,0]},\"__metadata__\":{\"\(long)\":1}}"
            _ = try SafeTensorsFile(data: handMadeFile(header: header, data: []), path: "long")
        }
        XCTAssertLessThan(message.count, 500, message)
        let huge = "[" + (0..<100_000).map(String.init).joined(separator: ",") + "]"
        let shape = assertCheckpointError(.invalidHeader, containing: ["'data_offsets' is [0, 1, 2, 3, 4, 5, 6, 7, … (100000 elements)]"]) {
            _ = try SafeTensorsFile(data: handMadeFile(header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":\(huge)}}", data: []), path: "arr")
        }
        XCTAssertLessThan(shape.count, 500, shape)
    }
}
