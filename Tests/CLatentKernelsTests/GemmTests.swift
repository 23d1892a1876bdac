import XCTest
import CLatentKernels

/// lk_sgemm against a Double reference: every transpose combination, alpha/beta, edge sizes
/// around the micro-kernel tiles, padded leading dimensions, and beta = 0 ignoring NaN in C.
/// CI also runs this file with LATENT_GEMM_ISA=avx2 and =portable to cover every code path.
final class GemmTests: XCTestCase {
    struct Rng {
        var state: UInt64
        mutating func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) * 0x1p-23 - 1
        }
    }

    /// Runs one product and compares every element of C (including untouched padding).
    func check(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, beta: Float, pad: Int = 0,
               file: StaticString = #filePath, line: UInt = #line) {
        var rng = Rng(state: UInt64(m * 1000 + n * 10 + k))
        let lda = (transA ? m : k) + pad, ldb = (transB ? k : n) + pad, ldc = n + pad
        let a = (0..<((transA ? k : m) * lda)).map { _ in rng.next() }
        let b = (0..<((transB ? n : k) * ldb)).map { _ in rng.next() }
        let c0 = (0..<(m * ldc)).map { _ in beta == 0 ? Float.nan : rng.next() }
        var c = c0
        lk_sgemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, &c, ldc)
        for i in 0..<m {
            for j in 0..<ldc {
                let got = c[i * ldc + j]
                if j >= n {
                    XCTAssertEqual(got.bitPattern, c0[i * ldc + j].bitPattern, "padding of C was written at (\(i), \(j))", file: file, line: line)
                    continue
                }
                var s = 0.0, mag = 0.0
                for p in 0..<k {
                    let x = Double(transA ? a[p * lda + i] : a[i * lda + p])
                    let y = Double(transB ? b[j * ldb + p] : b[p * ldb + j])
                    s += x * y
                    mag += Swift.abs(x * y)
                }
                let expected = Double(alpha) * s + (beta == 0 ? 0 : Double(beta) * Double(c0[i * ldc + j]))
                let tol = 1e-6 * (Double(Swift.abs(alpha)) * mag + Swift.abs(Double(beta))) + 1e-6
                XCTAssertEqual(Double(got), expected, accuracy: tol,
                               "C[\(i),\(j)] for \(transA ? "T" : "N")\(transB ? "T" : "N") m=\(m) n=\(n) k=\(k) alpha=\(alpha) beta=\(beta)",
                               file: file, line: line)
            }
        }
    }

    func testAllTransposesAndEdgeSizes() {
        let sizes = [(1, 1, 1), (5, 7, 3), (8, 32, 16), (9, 33, 17), (13, 47, 70), (6, 16, 256), (17, 31, 300)]
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            for (m, n, k) in sizes {
                check(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 1, beta: 0)
            }
            check(transA: ta, transB: tb, m: 11, n: 19, k: 23, alpha: -0.5, beta: 2, pad: 3)
            check(transA: ta, transB: tb, m: 70, n: 65, k: 129, alpha: 1.5, beta: 1)
        }
    }

    /// min(m, n) ≤ 4 takes the skinny path (dot products or row updates, by layout).
    func testSkinnyProducts() {
        let sizes = [(512, 2, 64), (2, 64, 512), (3, 40, 5), (64, 1, 33), (4, 4, 17), (1, 100, 2), (40, 4, 1)]
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            for (m, n, k) in sizes {
                check(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 1, beta: 0)
            }
            check(transA: ta, transB: tb, m: 37, n: 3, k: 41, alpha: -0.5, beta: 2, pad: 3)
            check(transA: ta, transB: tb, m: 2, n: 45, k: 20, alpha: 1.5, beta: 1, pad: 2)
        }
    }

    func testZeroDepthScalesC() {
        check(transA: false, transB: false, m: 4, n: 5, k: 0, alpha: 1, beta: 0.5)
        check(transA: false, transB: false, m: 4, n: 5, k: 9, alpha: 0, beta: 3)
    }

    func testDeterministic() {
        var rng = Rng(state: 3)
        let (m, n, k) = (67, 91, 301)
        let a = (0..<(m * k)).map { _ in rng.next() }, b = (0..<(k * n)).map { _ in rng.next() }
        var c1 = [Float](repeating: 0, count: m * n), c2 = c1
        lk_sgemm(0, 0, m, n, k, 1, a, k, b, n, 0, &c1, n)
        lk_sgemm(0, 0, m, n, k, 1, a, k, b, n, 0, &c2, n)
        XCTAssertEqual(c1, c2)
    }

    /// Splitting over threads changes which thread computes a tile, never how: bit-identical to one thread.
    func testParallelMatchesSerialBitForBit() {
        var rng = Rng(state: 5)
        for (ta, tb, m, n, k) in [(0, 0, 128, 400, 784), (1, 0, 37, 91, 300), (0, 1, 200, 33, 129), (1, 1, 65, 130, 64)] {
            let a = (0..<(m * k)).map { _ in rng.next() }, b = (0..<(k * n)).map { _ in rng.next() }
            var serial = [Float](repeating: 0, count: m * n)
            lk_sgemm(Int32(ta), Int32(tb), m, n, k, 1, a, ta == 1 ? m : k, b, tb == 1 ? k : n, 0, &serial, n)
            for threads: Int32 in [2, 3, 4] {
                var parallel = [Float](repeating: .nan, count: m * n)
                lk_sgemm_parallel(Int32(ta), Int32(tb), m, n, k, 1, a, ta == 1 ? m : k, b, tb == 1 ? k : n, 0, &parallel, n, threads)
                XCTAssertEqual(serial, parallel, "\(ta)\(tb) \(m)×\(n)×\(k) on \(threads) threads")
            }
        }
    }

    func testReportsItsPath() {
        let isa = String(cString: lk_gemm_isa())
        XCTAssertTrue(["avx512", "avx2", "portable"].contains(isa), isa)
        if let forced = ProcessInfo.processInfo.environment["LATENT_GEMM_ISA"] {
            XCTAssertEqual(isa, forced)
        }
    }
}
