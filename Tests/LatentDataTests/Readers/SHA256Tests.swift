import XCTest
@testable import LatentData

final class SHA256Tests: XCTestCase {
    /// The FIPS 180-2 appendix B examples (one block, two blocks, one million 'a'), plus the empty message.
    func testFIPSVectors() {
        XCTAssertEqual(SHA256.hexDigest(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hexDigest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256.hexDigest([UInt8](repeating: 0x61, count: 1_000_000)),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        XCTAssertEqual(SHA256.hexDigest([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    func testPaddingBoundaries() {
        // Digests from GNU sha256sum of n bytes of 'a'.
        let expected: [Int: String] = [
            55: "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318",
            56: "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a",
            63: "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34",
            64: "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
            65: "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0",
        ]
        for (n, digest) in expected {
            XCTAssertEqual(SHA256.hexDigest([UInt8](repeating: 0x61, count: n)), digest, "sha256 of \(n) × 'a'")
        }
    }

    /// Hashing in pieces of every split gives the one-shot digest, and finalizing leaves the hash open.
    func testIncrementalUpdatesMatchTheOneShotDigest() {
        let message = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let whole = SHA256.hexDigest(message)
        for chunk in [1, 7, 63, 64, 65, 128, 299, 300] {
            var sha = SHA256()
            var start = 0
            while start < message.count {
                sha.update(Array(message[start..<min(start + chunk, message.count)]))
                start += chunk
            }
            XCTAssertEqual(sha.hexDigest(), whole, "chunks of \(chunk)")
        }
        var sha = SHA256()
        sha.update([0x61])
        _ = sha.hexDigest()
        sha.update([0x62, 0x63])
        XCTAssertEqual(sha.hexDigest(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
