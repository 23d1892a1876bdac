import CZlib
import XCTest
import LatentTestSupport
import LatentTensor
@testable import LatentData

/// Raw deflate (no zlib header), as zip entries store it.
func rawDeflate(_ bytes: [UInt8]) -> [UInt8] {
    var stream = z_stream()
    _ = deflateInit2_(&stream, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
    defer { deflateEnd(&stream) }
    var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 16)
    var input = bytes
    input.withUnsafeMutableBufferPointer { inp in
        out.withUnsafeMutableBufferPointer { o in
            stream.next_in = inp.baseAddress; stream.avail_in = UInt32(inp.count)
            stream.next_out = o.baseAddress; stream.avail_out = UInt32(o.count)
            _ = deflate(&stream, Z_FINISH)
        }
    }
    return Array(out.prefix(Int(stream.total_out)))
}

final class ZipArchiveTests: XCTestCase {
    let text = Array(String(repeating: "latent variables ", count: 300).utf8)

    func testStoredAndDeflatedEntriesWithAndWithoutZip64() throws {
        for zip64 in [false, true] {
            let bytes = ZipFixture.archive([.init(name: "a.txt", data: [1, 2, 3]), .init(name: "b.txt", data: text, deflated: rawDeflate(text))], zip64: zip64)
            let archive = try ZipArchive(bytes: bytes, path: "t.zip")
            XCTAssertEqual(archive.entries.map(\.name), ["a.txt", "b.txt"])
            XCTAssertEqual(archive.entries.map(\.method), [0, 8])
            XCTAssertEqual(try archive.contents(of: archive.entries[0]), [1, 2, 3])
            XCTAssertEqual(try archive.contents(of: archive.entries[1]), text, "zip64 \(zip64)")
        }
    }

    func testCorruptArchivesNameTheFileAndEntry() throws {
        let good = ZipFixture.archive([.init(name: "b.txt", data: text, deflated: rawDeflate(text))])
        var flipped = good
        flipped[40] ^= 0xFF  // inside the deflated data
        assertDataError("t.zip", "b.txt") { let a = try ZipArchive(bytes: flipped, path: "t.zip"); return try a.contents(of: a.entries[0]) }
        let stored = ZipFixture.archive([.init(name: "s.bin", data: [9, 9, 9, 9])])
        var badCRC = stored
        badCRC[30 + 5] ^= 1  // a data byte of the stored entry
        assertDataError("t.zip", "s.bin", "CRC") { let a = try ZipArchive(bytes: badCRC, path: "t.zip"); return try a.contents(of: a.entries[0]) }
        assertDataError("t.zip", "not a zip archive") { try ZipArchive(bytes: Array(good.prefix(good.count - 30)), path: "t.zip") }
        assertDataError("t.zip", "not a zip archive") { try ZipArchive(bytes: Array("hello".utf8), path: "t.zip") }
    }

    func testNPZReadsArraysByKeyWithTheirTypes() throws {
        let dir = try temporaryDirectory(self)
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]), y = Tensor([0, 1])
        let xBytes = try NPY.encode(x), yBytes = try NPY.encode(y, as: .uint8)
        let url = try writeFile(ZipFixture.archive([.init(name: "x.npy", data: xBytes, deflated: rawDeflate(xBytes)), .init(name: "y.npy", data: yBytes)]),
                                named: "d.npz", in: dir)
        XCTAssertEqual(try NPZ.keys(url), ["x", "y"])
        let arrays = try NPZ.read(url)
        XCTAssertEqual(arrays["x"]?.values.scalars, x.scalars)
        XCTAssertEqual(arrays["y"]?.type, .uint8)
        assertDataError("d.npz", "no array 'z'", "x.npy, y.npy") { try NPZ.read(url, keys: ["z"]) }
    }
}
