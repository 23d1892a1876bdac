import Foundation
import XCTest
import LatentTestSupport
@testable import LatentViz

/// Reads the writer's files back with a reader written here from the format descriptions
/// (TFRecord framing, protobuf wire format, CRC-32C bit by bit), sharing no code with the writer.
final class TensorBoardWriterTests: XCTestCase {
    private func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("latentviz-tb-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func testCRC32CCheckValue() {
        XCTAssertEqual(bitwiseCRC32C(Array("123456789".utf8)), 0xE306_9283)
        XCTAssertEqual(CRC32C.checksum("123456789".utf8), 0xE306_9283)
        XCTAssertEqual(CRC32C.checksum([UInt8]()), 0)
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7919 >> 3) }
        XCTAssertEqual(CRC32C.checksum(bytes), bitwiseCRC32C(bytes))
    }

    func testProtobufEncodingOfKnownValues() {
        var message = ProtobufWriter()
        message.int64(2, 150)  // the protobuf documentation's example: 08 96 01 for field 1
        message.int64(2, -1)
        message.float(2, 1)
        message.double(1, 0.5)
        message.string(3, "hi")
        message.message(5) { _ in }
        XCTAssertEqual(message.bytes, [0x10, 0x96, 0x01,
                                       0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01,
                                       0x15, 0x00, 0x00, 0x80, 0x3F,
                                       0x09, 0, 0, 0, 0, 0, 0, 0xE0, 0x3F,
                                       0x1A, 0x02, 0x68, 0x69,
                                       0x2A, 0x00])
    }

    func testEventsReadBackInOrder() throws {
        let folder = try temporaryFolder().appendingPathComponent("run")
        let writer = try TensorBoardWriter(directory: folder)
        XCTAssertTrue(writer.url.lastPathComponent.hasPrefix("events.out.tfevents."))
        XCTAssertEqual(writer.url.deletingLastPathComponent().lastPathComponent, "run")

        try writer.addScalar("loss/train", value: 2.5, step: 0, wallTime: 1_700_000_000.25)
        try writer.addScalar("loss/train", value: -0.125, step: 10)
        try writer.addScalars(["b": 3, "a": 1e-3], step: 20)
        var image = RGBImage(width: 5, height: 3)
        image[1, 2] = RGB(200, 10, 30)
        try writer.addImage("samples", image: image, step: 20)
        try writer.addText("config", text: "{\"beta\": <1 & 2>}", step: 0)
        try writer.flush()
        try writer.close()
        try writer.close()

        let events = try readTFRecords(Array(Data(contentsOf: writer.url))).map(parseProtobuf)
        XCTAssertEqual(events.count, 6)

        XCTAssertEqual(events[0].string(3), "brain.Event:2")
        XCTAssertNotNil(events[0].double(1))

        var scalars: [(tag: String, value: Float, step: Int64)] = []
        for event in events[1...3] {
            let summary = try parseProtobuf(XCTUnwrap(event.bytes(5)))
            for value in summary.all(1) {
                let fields = parseProtobuf(value.bytes)
                scalars.append((try XCTUnwrap(fields.string(1)), try XCTUnwrap(fields.float(2)), event.varint(2) ?? 0))
            }
        }
        XCTAssertEqual(scalars.map(\.tag), ["loss/train", "loss/train", "a", "b"])
        XCTAssertEqual(scalars.map(\.value), [2.5, -0.125, 1e-3, 3])
        XCTAssertEqual(scalars.map(\.step), [0, 10, 20, 20])
        XCTAssertEqual(events[1].double(1), 1_700_000_000.25)

        let imageValue = try parseProtobuf(XCTUnwrap(parseProtobuf(XCTUnwrap(events[4].bytes(5))).bytes(1)))
        XCTAssertEqual(imageValue.string(1), "samples")
        let imageFields = try parseProtobuf(XCTUnwrap(imageValue.bytes(4)))
        XCTAssertEqual(imageFields.varint(1), 3)  // height
        XCTAssertEqual(imageFields.varint(2), 5)  // width
        XCTAssertEqual(imageFields.varint(3), 3)  // RGB
        let png = try XCTUnwrap(imageFields.bytes(4))
        XCTAssertEqual(Array(png.prefix(8)), [137, 80, 78, 71, 13, 10, 26, 10])
        XCTAssertEqual(Array(png[12..<16]), Array("IHDR".utf8))
        XCTAssertEqual(png[16..<20].reduce(0) { $0 << 8 | Int($1) }, 5)
        XCTAssertEqual(png[20..<24].reduce(0) { $0 << 8 | Int($1) }, 3)
        XCTAssertEqual(try decodePNG(png).rgb, image)

        let textValue = try parseProtobuf(XCTUnwrap(parseProtobuf(XCTUnwrap(events[5].bytes(5))).bytes(1)))
        XCTAssertEqual(textValue.string(1), "config")
        let plugin = try parseProtobuf(XCTUnwrap(parseProtobuf(XCTUnwrap(textValue.bytes(9))).bytes(1)))
        XCTAssertEqual(plugin.string(1), "text")
        let tensor = try parseProtobuf(XCTUnwrap(textValue.bytes(8)))
        XCTAssertEqual(tensor.varint(1), 7)  // DT_STRING
        XCTAssertEqual(tensor.bytes(2), [])  // a shape with no dimensions: a scalar
        XCTAssertEqual(tensor.string(8), "{\"beta\": <1 & 2>}")
    }

    func testBadUseThrowsClearErrors() throws {
        let writer = try TensorBoardWriter(directory: try temporaryFolder())
        assertVizError("empty tag") { try writer.addScalar("", value: 1, step: 0) }
        assertVizError("empty tag") { try writer.addScalars(["a": 1, "": 2], step: 0) }
        try writer.close()
        assertVizError("already closed", "loss") { try writer.addScalar("loss", value: 1, step: 1) }
        let blocker = try temporaryFolder()
        try Data().write(to: blocker)
        assertVizError("cannot create the log directory", blocker.lastPathComponent) {
            _ = try TensorBoardWriter(directory: blocker.appendingPathComponent("run"))
        }
    }

    func testTwoWritersInOneFolderGetTwoFiles() throws {
        let folder = try temporaryFolder()
        let first = try TensorBoardWriter(directory: folder)
        let second = try TensorBoardWriter(directory: folder)
        XCTAssertNotEqual(first.url, second.url)
        try first.close()
        try second.close()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).count, 2)
    }

    private func assertVizError(_ fragments: String..., line: UInt = #line, _ body: () throws -> Void) {
        XCTAssertThrowsError(try body(), line: line) { error in
            guard let error = error as? VizError else { return XCTFail("expected a VizError, got \(error)", line: line) }
            for fragment in fragments {
                XCTAssertTrue(error.description.contains(fragment), "\"\(error)\" lacks \"\(fragment)\"", line: line)
            }
        }
    }
}
