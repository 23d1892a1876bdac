import XCTest
import CLatentKernels
import Foundation

/// im2col against a naive gather, col2im against a naive scatter, and the adjoint identity
/// <im2col(x), c> == <x, col2im(c)>.
final class Im2colTests: XCTestCase {
    struct Geometry {
        var c, h, w, kh, kw, padH, padW, strideH, strideW, dilH, dilW: Int
        var outH: Int { (h + 2 * padH - dilH * (kh - 1) - 1) / strideH + 1 }
        var outW: Int { (w + 2 * padW - dilW * (kw - 1) - 1) / strideW + 1 }
        var colCount: Int { c * kh * kw * outH * outW }
        var imageCount: Int { c * h * w }

        /// Calls body(colIndex, imageIndex?) for every entry of cols; nil means zero padding.
        func forEachEntry(_ body: (Int, Int?) -> Void) {
            for ch in 0..<c {
                for ki in 0..<kh {
                    for kj in 0..<kw {
                        for oh in 0..<outH {
                            for ow in 0..<outW {
                                let ih = oh * strideH - padH + ki * dilH, iw = ow * strideW - padW + kj * dilW
                                let col = (((ch * kh + ki) * kw + kj) * outH + oh) * outW + ow
                                body(col, ih >= 0 && ih < h && iw >= 0 && iw < w ? (ch * h + ih) * w + iw : nil)
                            }
                        }
                    }
                }
            }
        }
    }

    static let cases: [Geometry] = [
        Geometry(c: 1, h: 5, w: 5, kh: 3, kw: 3, padH: 0, padW: 0, strideH: 1, strideW: 1, dilH: 1, dilW: 1),
        Geometry(c: 3, h: 7, w: 9, kh: 3, kw: 3, padH: 1, padW: 1, strideH: 1, strideW: 1, dilH: 1, dilW: 1),
        Geometry(c: 2, h: 8, w: 8, kh: 3, kw: 3, padH: 1, padW: 1, strideH: 2, strideW: 2, dilH: 1, dilW: 1),
        Geometry(c: 2, h: 9, w: 11, kh: 3, kw: 2, padH: 2, padW: 1, strideH: 2, strideW: 3, dilH: 2, dilW: 1),
        Geometry(c: 1, h: 12, w: 13, kh: 3, kw: 3, padH: 3, padW: 3, strideH: 1, strideW: 1, dilH: 2, dilW: 3),
        Geometry(c: 3, h: 6, w: 6, kh: 1, kw: 1, padH: 0, padW: 0, strideH: 2, strideW: 2, dilH: 1, dilW: 1),
        Geometry(c: 1, h: 3, w: 3, kh: 3, kw: 3, padH: 4, padW: 4, strideH: 1, strideW: 1, dilH: 1, dilW: 1),
        Geometry(c: 2, h: 16, w: 16, kh: 7, kw: 7, padH: 3, padW: 3, strideH: 2, strideW: 2, dilH: 1, dilW: 1),
        // Rows longer than 16 outputs take the memcpy/strided path instead of the short-row loop.
        Geometry(c: 2, h: 5, w: 40, kh: 3, kw: 3, padH: 1, padW: 2, strideH: 1, strideW: 1, dilH: 1, dilW: 1),
        Geometry(c: 1, h: 4, w: 41, kh: 4, kw: 4, padH: 1, padW: 1, strideH: 2, strideW: 2, dilH: 1, dilW: 1),
    ]

    static func values(_ count: Int, seed: Int) -> [Float] {
        (0..<count).map { Float(sin(Double($0 * 7 + seed) * 0.61)) }
    }

    static func im2col(_ g: Geometry, _ x: [Float]) -> [Float] {
        var cols = [Float](repeating: .nan, count: g.colCount)
        x.withUnsafeBufferPointer { xb in
            cols.withUnsafeMutableBufferPointer { cb in
                lk_im2col(xb.baseAddress!, g.c, g.h, g.w, g.kh, g.kw, g.padH, g.padW,
                          g.strideH, g.strideW, g.dilH, g.dilW, cb.baseAddress!)
            }
        }
        return cols
    }

    static func col2im(_ g: Geometry, _ cols: [Float], into x: [Float]) -> [Float] {
        var x = x
        cols.withUnsafeBufferPointer { cb in
            x.withUnsafeMutableBufferPointer { xb in
                lk_col2im(cb.baseAddress!, g.c, g.h, g.w, g.kh, g.kw, g.padH, g.padW,
                          g.strideH, g.strideW, g.dilH, g.dilW, xb.baseAddress!)
            }
        }
        return x
    }

    func testIm2colMatchesNaive() {
        for g in Self.cases {
            let x = Self.values(g.imageCount, seed: 1)
            var expected = [Float](repeating: 0, count: g.colCount)
            g.forEachEntry { col, img in expected[col] = img.map { x[$0] } ?? 0 }
            XCTAssertEqual(Self.im2col(g, x), expected, "\(g)")
        }
    }

    func testCol2imMatchesNaiveAndAccumulates() {
        for g in Self.cases {
            let cols = Self.values(g.colCount, seed: 2)
            let start = Self.values(g.imageCount, seed: 3)
            var expected = start.map(Double.init)
            g.forEachEntry { col, img in if let i = img { expected[i] += Double(cols[col]) } }
            let got = Self.col2im(g, cols, into: start)
            for i in 0..<g.imageCount {
                XCTAssertEqual(Double(got[i]), expected[i], accuracy: 1e-5, "\(g) at \(i)")
            }
        }
    }

    func testAdjointIdentity() {
        for g in Self.cases {
            let x = Self.values(g.imageCount, seed: 4), c = Self.values(g.colCount, seed: 5)
            let lhs = zip(Self.im2col(g, x), c).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let back = Self.col2im(g, c, into: [Float](repeating: 0, count: g.imageCount))
            let rhs = zip(x, back).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            XCTAssertEqual(lhs, rhs, accuracy: 1e-4 * max(1, abs(lhs)), "\(g)")
            XCTAssertNotEqual(lhs, 0, "\(g)")
        }
    }

    /// A batch's columns are the images' columns side by side, whichever channels or images a
    /// call covers; col2im_batch accumulates exactly what per-image col2im does.
    func testBatchMatchesPerImage() {
        for g in Self.cases {
            let images = 3, l = g.outH * g.outW, rows = g.c * g.kh * g.kw
            let x = Self.values(images * g.imageCount, seed: 6)
            var expected = [Float](repeating: 0, count: rows * images * l)
            for n in 0..<images {
                let one = Self.im2col(g, Array(x[(n * g.imageCount)..<((n + 1) * g.imageCount)]))
                for r in 0..<rows { for p in 0..<l { expected[r * images * l + n * l + p] = one[r * l + p] } }
            }
            var byChannels = [Float](repeating: .nan, count: rows * images * l)
            var byImages = byChannels
            x.withUnsafeBufferPointer { xb in
                byChannels.withUnsafeMutableBufferPointer { cb in
                    for c in 0..<g.c {
                        lk_im2col_batch(xb.baseAddress!, images, g.c, g.h, g.w, g.kh, g.kw, g.padH, g.padW, g.strideH, g.strideW,
                                        g.dilH, g.dilW, cb.baseAddress!, images * l, c, c + 1)
                    }
                }
                byImages.withUnsafeMutableBufferPointer { cb in
                    for n in 0..<images {
                        lk_im2col_batch(xb.baseAddress! + n * g.imageCount, 1, g.c, g.h, g.w, g.kh, g.kw, g.padH, g.padW,
                                        g.strideH, g.strideW, g.dilH, g.dilW, cb.baseAddress! + n * l, images * l, 0, g.c)
                    }
                }
            }
            XCTAssertEqual(byChannels, expected, "\(g)")
            XCTAssertEqual(byImages, expected, "\(g)")

            let cols = Self.values(rows * images * l, seed: 7)
            var perImage = [Float](repeating: 0, count: images * g.imageCount)
            for n in 0..<images {
                var one = [Float](repeating: 0, count: rows * l)
                for r in 0..<rows { for p in 0..<l { one[r * l + p] = cols[r * images * l + n * l + p] } }
                let back = Self.col2im(g, one, into: [Float](repeating: 0, count: g.imageCount))
                for i in 0..<g.imageCount { perImage[n * g.imageCount + i] = back[i] }
            }
            var batch = [Float](repeating: 0, count: images * g.imageCount)
            cols.withUnsafeBufferPointer { cb in
                batch.withUnsafeMutableBufferPointer { xb in
                    lk_col2im_batch(cb.baseAddress!, images, g.c, g.h, g.w, g.kh, g.kw, g.padH, g.padW, g.strideH, g.strideW,
                                    g.dilH, g.dilW, xb.baseAddress!, images * l, 0, g.c)
                }
            }
            XCTAssertEqual(batch, perImage, "\(g)")
        }
    }

    func testSwapAxes() {
        let src = (0..<24).map(Float.init)   // [2, 3, 4]
        var dst = [Float](repeating: 0, count: 24)
        lk_swap_axes01(src, 2, 3, 4, &dst)
        for i in 0..<2 { for j in 0..<3 { for p in 0..<4 { XCTAssertEqual(dst[(j * 2 + i) * 4 + p], src[(i * 3 + j) * 4 + p]) } } }
    }
}
