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

    /// A megabyte of zeros compresses to about a kilobyte; with a limit it is refused once the
    /// output passes it, and accepted when it fits exactly.
    func testOutputOverTheLimitIsRefused() throws {
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        let packed = Gzip.compress(zeros)
        XCTAssertLessThan(packed.count, 2000)
        assertDataError("bomb.gz", "decompresses to more than 100000 bytes") { try Gzip.decompress(packed, path: "bomb.gz", maxSize: 100_000) }
        XCTAssertEqual(try Gzip.decompress(packed, path: "exact.gz", maxSize: 1 << 20).count, 1 << 20)
        XCTAssertEqual(try Gzip.decompress(Gzip.compress([]), path: "empty.gz", maxSize: 0), [])
    }
}
