import XCTest
import CLatentKernels

/// The ReLU epilogue of lk_sgemm_ex_parallel: max(0, ·) of exactly lk_sgemm_parallel's result,
/// on packed, edge and skinny shapes, with beta = 0 and 1, split over k blocks, NaN kept.
final class GemmReLUEpilogueTests: XCTestCase {
    func check(m: Int, n: Int, k: Int, beta: Float, threads: Int32, file: StaticString = #filePath, line: UInt = #line) {
        let a: [Float] = (0..<(m * k)).map { (i: Int) -> Float in Float((i * 29 + 7) % 31) / 15 - 1 }
        let b: [Float] = (0..<(k * n)).map { (i: Int) -> Float in Float((i * 17 + 3) % 23) / 11 - 1 }
        let c0: [Float] = (0..<(m * n)).map { (i: Int) -> Float in Float((i * 5) % 7) - 3 }
        var plain = c0, fused = c0
        lk_sgemm_parallel(0, 0, m, n, k, 1, a, k, b, n, beta, &plain, n, threads)
        lk_sgemm_ex_parallel(0, 0, m, n, k, 1, a, k, nil, b, n, nil, beta, &fused, n, 1, threads)
        let expected = plain.map { $0 > 0 ? $0 : 0 }
        XCTAssertEqual(fused, expected, "\(m)×\(n)×\(k) beta \(beta) threads \(threads)", file: file, line: line)
        XCTAssertTrue(plain.contains { $0 < 0 } && plain.contains { $0 > 0 }, "the case must have both signs", file: file, line: line)
    }

    func testReLUOfTheProduct() {
        for threads: Int32 in [1, 2] {
            for beta: Float in [0, 1] {
                check(m: 128, n: 400, k: 784, beta: beta, threads: threads)  // several k blocks
                check(m: 37, n: 50, k: 9, beta: beta, threads: threads)      // edge tiles
                check(m: 3, n: 41, k: 20, beta: beta, threads: threads)      // skinny
            }
        }
    }

    func testNaNIsKept() {
        // A is 8×2, all −1 except a NaN in row 0; B is 2×8 of ones: row 0 of C is NaN, the rest −2.
        var a = [Float](repeating: -1, count: 8 * 2)
        a[0] = .nan
        let b = [Float](repeating: 1, count: 2 * 8)
        var c = [Float](repeating: 7, count: 8 * 8)
        lk_sgemm_ex_parallel(0, 0, 8, 8, 2, 1, a, 2, nil, b, 8, nil, 0, &c, 8, 1, 1)
        XCTAssertTrue(c[0..<8].allSatisfy(\.isNaN), "a NaN row stays NaN through the ReLU")
        XCTAssertTrue(c[8...].allSatisfy { $0 == 0 }, "negative rows become 0")
    }
}
