import XCTest
@testable import LatentData

final class GzipTests: XCTestCase {
    func testRoundTrip() throws {
        let data = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 * 7 / 3) }
        let packed = Gzip.compress(data)
        XCTAssertTrue(Gzip.isCompressed(packed))
        XCTAssertLessThan(packed.count, data.count)
        XCTAssertEqual(try Gzip.decompress(packed, path: "mem"), data)
    }

    func testEmptyInputRoundTrips() throws {
        XCTAssertEqual(try Gzip.decompress(Gzip.compress([]), path: "mem"), [])
    }

    /// `cat a.gz b.gz` is a valid gzip file holding both contents.
    func testConcatenatedMembers() throws {
        let joined = Gzip.compress(Array("hello ".utf8)) + Gzip.compress(Array("world".utf8))
        XCTAssertEqual(String(decoding: try Gzip.decompress(joined, path: "mem"), as: UTF8.self), "hello world")
    }

    func testTruncatedStreamIsAnError() {
        let packed = Gzip.compress((0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        assertDataError("cut.gz", "truncated gzip") { try Gzip.decompress(Array(packed.prefix(packed.count / 2)), path: "cut.gz") }
    }

    func testCorruptStreamIsAnError() {
        var packed = Gzip.compress(Array(repeating: 42, count: 1000))
        for i in 10..<min(30, packed.count) { packed[i] ^= 0xA5 }
        assertDataError("bad.gz", "gzip") { try Gzip.decompress(packed, path: "bad.gz") }
    }

    func testNotGzipIsAnError() {
        assertDataError("plain.txt", "not a gzip file", "expected 1f 8b") { try Gzip.decompress(Array("hello".utf8), path: "plain.txt") }
    }
}
