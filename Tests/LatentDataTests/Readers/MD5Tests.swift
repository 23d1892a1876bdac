import XCTest
@testable import LatentData

final class MD5Tests: XCTestCase {
    /// The RFC 1321 test suite, plus lengths around the 55/56/64-byte padding boundaries.
    func testKnownVectors() {
        let vectors: [(String, String)] = [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
            ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
            (String(repeating: "1234567890", count: 8), "57edf4a22be3c955ac49da2e2107b67a"),
            ("The quick brown fox jumps over the lazy dog", "9e107d9d372bb6826bd81d3542a419d6"),
        ]
        for (text, digest) in vectors {
            XCTAssertEqual(MD5.hexDigest(Array(text.utf8)), digest, "md5(\"\(text)\")")
        }
    }

    func testPaddingBoundaries() {
        // Digests from GNU md5sum of n bytes of 'a'.
        let expected: [Int: String] = [
            55: "ef1772b6dff9a122358552954ad0df65",
            56: "3b0c8ac703f828b04c6c197006d17218",
            63: "b06521f39153d618550606be297466d5",
            64: "014842d480b571495a4a0363793f7367",
            65: "c743a45e0d2e6a95cb859adae0248435",
        ]
        for (n, digest) in expected {
            XCTAssertEqual(MD5.hexDigest([UInt8](repeating: 0x61, count: n)), digest, "md5 of \(n) × 'a'")
        }
    }

    /// Hashing in pieces of every split gives the one-shot digest (pieces smaller than, equal to
    /// and straddling the 64-byte block).
    func testIncrementalUpdatesMatchTheOneShotDigest() {
        let message = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let whole = MD5.hexDigest(message)
        for chunk in [1, 7, 63, 64, 65, 128, 299, 300] {
            var md5 = MD5()
            var start = 0
            while start < message.count {
                md5.update(Array(message[start..<min(start + chunk, message.count)]))
                start += chunk
            }
            XCTAssertEqual(md5.hexDigest(), whole, "chunks of \(chunk)")
        }
        var md5 = MD5()
        md5.update([0x61])
        XCTAssertEqual(md5.hexDigest(), "0cc175b9c0f1b6a831c399e269772661")
        md5.update([0x62, 0x63])
        XCTAssertEqual(md5.hexDigest(), "900150983cd24fb0d6963f7d28e17f72", "finalize leaves the hash open to more bytes")
    }
}
