import XCTest
import Foundation
import LatentNN

/// A fresh empty directory for one test, removed by `tearDown` via `addTeardownBlock`.
func temporaryDirectory(_ test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("latent-checkpoint-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// Safetensors bytes assembled by hand (independently of the library): the 8-byte little-endian
/// header length, the header text exactly as given, then `data`.
func handMadeFile(header: String, data: [UInt8]) -> Data {
    let json = Array(header.utf8)
    var bytes = withUnsafeBytes(of: UInt64(json.count).littleEndian) { Array($0) }
    bytes += json + data
    return Data(bytes)
}

/// Little-endian bytes of Float32 values.
func float32Bytes(_ values: [Float]) -> [UInt8] { values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian) { Array($0) } } }

/// Runs `body`, expecting a `CheckpointError` of `kind` whose message contains every string of
/// `fragments`; returns the message.
@discardableResult
func assertCheckpointError(_ kind: CheckpointError.Kind, containing fragments: [String],
                           file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) -> String {
    do {
        try body()
        XCTFail("expected a CheckpointError of kind \(kind), nothing was thrown", file: file, line: line)
    } catch let error as CheckpointError {
        XCTAssertEqual(error.kind, kind, "\(error)", file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(error.description.contains(fragment), "'\(fragment)' not in: \(error)", file: file, line: line)
        }
        return error.description
    } catch {
        XCTFail("expected a CheckpointError, got \(error)", file: file, line: line)
    }
    return ""
}

/// The directory of committed fixtures (`Tests/LatentNNTests/Fixtures`).
func fixturesDirectory() throws -> URL {
    try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
}
