import XCTest
import CLatentKernels

/// The implicit-GEMM pieces: the channels-last patch matrix against a naive gather, its adjoint
/// (⟨P(x), c⟩ = ⟨x, Pᵀ(c)⟩), and lk_sgemm_ex_parallel against lk_sgemm_parallel on the
/// materialized matrix — bitwise, for either operand implicit, packed and skinny shapes, one and
/// two threads. CI runs this file on every GEMM back end (LATENT_GEMM_ISA).
final class ImplicitGemmTests: XCTestCase {
    /// Channels-last images with a small integer pattern (exact in Float).
    func images(_ n: Int, _ h: Int, _ w: Int, _ c: Int) -> [Float] {
        (0..<(n * h * w * c)).map { (i: Int) -> Float in Float((i * 37 + 11) % 23) - 11 }
    }

    func geometry(_ n: Int, _ h: Int, _ w: Int, _ c: Int, k: (Int, Int), pad: (Int, Int), stride: (Int, Int),
                  dil: (Int, Int)) -> lk_patches {
        let oh = (h + 2 * pad.0 - dil.0 * (k.0 - 1) - 1) / stride.0 + 1
        let ow = (w + 2 * pad.1 - dil.1 * (k.1 - 1) - 1) / stride.1 + 1
        return lk_patches(x: nil, images: n, height: h, width: w, channels: c, kh: k.0, kw: k.1, pad_h: pad.0, pad_w: pad.1,
                          stride_h: stride.0, stride_w: stride.1, dil_h: dil.0, dil_w: dil.1, out_h: oh, out_w: ow)
    }

    /// P[row, col] by the definition, nil in the padding.
    func naiveIndex(_ p: lk_patches, row: Int, col: Int) -> Int? {
        let l = p.out_h * p.out_w, n = row / l, oy = (row % l) / p.out_w, ox = row % p.out_w
        let ki = col / (p.kw * p.channels), kj = (col / p.channels) % p.kw, c = col % p.channels
        let ih = oy * p.stride_h - p.pad_h + ki * p.dil_h, iw = ox * p.stride_w - p.pad_w + kj * p.dil_w
        guard ih >= 0 && ih < p.height && iw >= 0 && iw < p.width else { return nil }
        return ((n * p.height + ih) * p.width + iw) * p.channels + c
    }

    let cases: [((Int, Int), (Int, Int), (Int, Int), (Int, Int))] = [
        ((3, 3), (1, 1), (1, 1), (1, 1)), ((4, 4), (1, 1), (2, 2), (1, 1)), ((3, 2), (0, 2), (2, 1), (1, 1)),
        ((3, 3), (2, 2), (1, 1), (2, 2)), ((2, 3), (1, 0), (3, 2), (1, 2)),
    ]

    func testFillMatchesNaiveGather() {
        for (k, pad, stride, dil) in cases {
            var p = geometry(2, 7, 6, 3, k: k, pad: pad, stride: stride, dil: dil)
            let x = images(2, 7, 6, 3)
            let rows = 2 * p.out_h * p.out_w, cols = k.0 * k.1 * 3
            x.withUnsafeBufferPointer { xb in
                p.x = xb.baseAddress
                for r in 0..<rows {
                    // Whole rows and pieces that start and end inside kernel rows.
                    for (start, count) in [(0, cols), (1, cols - 2), (cols / 2, cols - cols / 2)] where count > 0 {
                        var got = [Float](repeating: .nan, count: count)
                        lk_patches_fill(&p, r, start, count, &got)
                        for t in 0..<count {
                            let expected = naiveIndex(p, row: r, col: start + t).map { x[$0] } ?? 0
                            XCTAssertEqual(got[t], expected, "k \(k) pad \(pad) stride \(stride) dil \(dil) row \(r) col \(start + t)")
                        }
                    }
                }
            }
        }
    }

    func testAccumulateIsTheAdjoint() {
        for (k, pad, stride, dil) in cases {
            let p = geometry(2, 7, 6, 3, k: k, pad: pad, stride: stride, dil: dil)
            let rows = 2 * p.out_h * p.out_w, cols = k.0 * k.1 * 3
            let c: [Float] = (0..<(rows * cols)).map { (i: Int) -> Float in Float((i * 13 + 5) % 17) - 8 }
            var x = [Float](repeating: 0, count: 2 * 7 * 6 * 3)
            var q = p
            lk_patches_accumulate(&q, c, cols, 0, 2, &x)
            // Pᵀc by the definition: every patch entry adds into the pixel it was gathered from.
            var expected = [Float](repeating: 0, count: x.count)
            for r in 0..<rows {
                for col in 0..<cols {
                    guard let i = naiveIndex(p, row: r, col: col) else { continue }
                    let v: Float = c[r * cols + col]
                    expected[i] += v
                }
            }
            XCTAssertEqual(x, expected, "k \(k) pad \(pad) stride \(stride) dil \(dil)")
        }
    }

    /// Materializes P and compares the implicit product with the plain one, bit for bit.
    func checkProduct(n: Int, c: Int, o: Int, k: (Int, Int), stride: Int, threads: Int32, file: StaticString = #filePath, line: UInt = #line) {
        var p = geometry(n, 9, 8, c, k: k, pad: (1, 1), stride: (stride, stride), dil: (1, 1))
        let x = images(n, 9, 8, c)
        let rows = n * p.out_h * p.out_w, cols = k.0 * k.1 * c
        let w: [Float] = (0..<(o * cols)).map { (i: Int) -> Float in Float((i * 7 + 3) % 19) / 8 - 1 }
        x.withUnsafeBufferPointer { xb in
            p.x = xb.baseAddress
            var dense = [Float](repeating: 0, count: rows * cols)
            for r in 0..<rows { dense.withUnsafeMutableBufferPointer { lk_patches_fill(&p, r, 0, cols, $0.baseAddress! + r * cols) } }
            withUnsafePointer(to: &p) { pp in
                var implicitRows = lk_matrix_rows(fill: lk_patches_fill, ctx: UnsafeRawPointer(pp))
                // A implicit: Y[rows, o] = P · Wᵀ (W stored [o, cols]).
                var want = [Float](repeating: 0, count: rows * o), got = want
                lk_sgemm_parallel(0, 1, rows, o, cols, 1, dense, cols, w, cols, 0, &want, o, threads)
                lk_sgemm_ex_parallel(0, 1, rows, o, cols, 1, nil, 0, &implicitRows, w, cols, nil, 0, &got, o, 0, threads)
                XCTAssertEqual(got.map(\.bitPattern), want.map(\.bitPattern), "A implicit, \(rows)×\(o)×\(cols)", file: file, line: line)
                // B implicit: G[o, cols] = Yᵀ · P (Y stored [rows, o]).
                var wantG = [Float](repeating: 0, count: o * cols), gotG = wantG
                lk_sgemm_parallel(1, 0, o, cols, rows, 1, want, o, dense, cols, 0, &wantG, cols, threads)
                lk_sgemm_ex_parallel(1, 0, o, cols, rows, 1, want, o, nil, nil, 0, &implicitRows, 0, &gotG, cols, 0, threads)
                XCTAssertEqual(gotG.map(\.bitPattern), wantG.map(\.bitPattern), "B implicit, \(o)×\(cols)×\(rows)", file: file, line: line)
            }
        }
    }

    func testImplicitProductEqualsMaterializedProduct() {
        for threads: Int32 in [1, 2] {
            checkProduct(n: 3, c: 16, o: 24, k: (4, 4), stride: 2, threads: threads)   // packed, k = 256 spans blocks
            checkProduct(n: 2, c: 5, o: 7, k: (3, 3), stride: 1, threads: threads)     // edge tiles everywhere
            checkProduct(n: 2, c: 3, o: 3, k: (3, 2), stride: 1, threads: threads)     // skinny: n ≤ 4
            checkProduct(n: 4, c: 40, o: 33, k: (3, 3), stride: 1, threads: threads)   // k = 360 > KC on AVX-512
        }
    }

    func testTransposeBatch() {
        let src: [Float] = (0..<(3 * 5 * 17)).map { Float($0) }
        var dst = [Float](repeating: -1, count: src.count)
        lk_transpose_batch(src, 3, 5, 17, &dst)
        for b in 0..<3 {
            for i in 0..<5 {
                for j in 0..<17 {
                    let got: Float = dst[b * 85 + j * 5 + i], want: Float = src[b * 85 + i * 17 + j]
                    XCTAssertEqual(got, want)
                }
            }
        }
    }
}
