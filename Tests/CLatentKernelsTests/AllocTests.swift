import XCTest
import CLatentKernels

/// lk_alloc: 64-byte alignment, and freed blocks of 16 KB and more reused by the next request of
/// the same size class.
final class AllocTests: XCTestCase {
    func testAlignmentAndReuseOfLargeBlocks() {
        lk_alloc_release_cache()
        XCTAssertEqual(lk_alloc_cached_bytes(), 0)
        for count in [1, 3, 100, 4096, 100_000] {
            let p = lk_alloc(count)!
            XCTAssertEqual(Int(bitPattern: p) % 64, 0, "\(count) floats")
            p[count - 1] = 1
            lk_free(p)
        }
        // Cached now: 4096 floats (16 KB, the smallest class) and 100,000 floats (400,000 bytes,
        // class 2^18·1.75 = 458,752 bytes); smaller blocks went back to the system.
        XCTAssertEqual(lk_alloc_cached_bytes(), 16_384 + 458_752)
        let a = lk_alloc(100_000)!
        XCTAssertEqual(lk_alloc_cached_bytes(), 16_384)
        lk_free(a)
        let b = lk_alloc(99_000)!             // same class: the cached block comes back
        XCTAssertEqual(a, b)
        let c = lk_alloc(100_000)!            // the class is empty again: a new block
        XCTAssertNotEqual(b, c)
        lk_free(b)
        lk_free(c)
        lk_alloc_release_cache()
        XCTAssertEqual(lk_alloc_cached_bytes(), 0)
    }
}
