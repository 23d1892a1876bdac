import XCTest
import LatentTensor
@testable import LatentData

final class IDXTests: XCTestCase {
    func testRoundTripEveryTypeRawAndGzip() throws {
        let dir = try temporaryDirectory(self)
        let values = Tensor(shape: [2, 3, 2], scalars: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 127])
        for type in ScalarType.allCases where type != .int64 {
            for compressed in [false, true] {
                let url = dir.appendingPathComponent("a-\(type.rawValue)\(compressed ? ".gz" : "")")
                try IDX.write(values, to: url, as: type, compressed: compressed)
                let back = try IDX.read(url)
                XCTAssertEqual(back.shape, [2, 3, 2], "\(type)")
                XCTAssertEqual(back.scalars, values.scalars, "\(type) compressed: \(compressed)")
            }
        }
    }

    func testFloatAndSignedValuesRoundTrip() throws {
        let values = Tensor([-1.5, 0.25, 3e7, -7])
        XCTAssertEqual(try IDX.decode(IDX.encode(values, as: .float32), path: "m").scalars, values.scalars)
        XCTAssertEqual(try IDX.decode(IDX.encode(values, as: .float64), path: "m").scalars, values.scalars)
        let ints = Tensor([-32768, -1, 0, 32767])
        XCTAssertEqual(try IDX.decode(IDX.encode(ints, as: .int16), path: "m").scalars, ints.scalars)
        XCTAssertEqual(try IDX.decode(IDX.encode(ints, as: .int32), path: "m").scalars, ints.scalars)
    }

    /// The header layout of a real MNIST label file: 00 00 08 01, then the count big-endian.
    func testHeaderBytesAndScale() throws {
        let bytes = try IDX.encode(Tensor([3, 255]), as: .uint8)
        XCTAssertEqual(bytes, [0, 0, 8, 1, 0, 0, 0, 2, 3, 255])
        XCTAssertEqual(try IDX.readHeader(bytes, path: "m"), IDX.Header(scalarType: .uint8, shape: [2]))
        XCTAssertEqual(try IDX.readHeader(bytes, path: "m").magic, 0x801)
        XCTAssertEqual(try IDX.decode(bytes, path: "m", scale: 1 / 255).scalars, [3 * (1 / 255), 1])
    }

    func testMissingFile() {
        assertDataError("/nonexistent/train-images-idx3-ubyte.gz", "file not found") {
            try IDX.read(URL(fileURLWithPath: "/nonexistent/train-images-idx3-ubyte.gz"))
        }
    }

    func testWrongMagicNumber() throws {
        let labels = try IDX.encode(Tensor([1, 2, 3]))
        assertDataError("labels.idx", "wrong magic number 0x00000801", "expected 0x00000803") {
            try IDX.decode(labels, path: "labels.idx", expecting: (.uint8, 3))
        }
        assertDataError("text.idx", "wrong magic number", "68 65 6c 6c") {
            try IDX.decode(Array("hello world".utf8), path: "text.idx")
        }
    }

    func testTruncatedAndOverlongFiles() throws {
        let dir = try temporaryDirectory(self)
        let full = try IDX.encode(Tensor.zeros([4, 28, 28]))
        let cut = try writeFile(Gzip.compress(Array(full.dropLast(100))), named: "cut.gz", in: dir)
        assertDataError("cut.gz", "truncated", "[4, 28, 28]", "3136", "3036") { try IDX.read(cut) }
        assertDataError("long", "too long") { try IDX.decode(full + [0], path: "long") }
        assertDataError("short", "truncated") { try IDX.decode([0, 0, 8, 3, 0, 0], path: "short") }
        assertDataError("tiny", "truncated") { try IDX.decode([0, 0], path: "tiny") }
    }

    func testUnrepresentableValuesAreRejected() {
        assertDataError("out.idx", "element 1 is 256.0", "uint8") { try IDX.encode(Tensor([1, 256]), as: .uint8, path: "out.idx") }
        assertDataError("out.idx", "element 0 is 0.5") { try IDX.encode(Tensor([0.5]), as: .int32, path: "out.idx") }
        assertDataError("out.idx", "int64") { try IDX.encode(Tensor([1]), as: .int64, path: "out.idx") }
    }
}
