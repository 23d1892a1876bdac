import XCTest
import LatentTensor

/// Direct 7-loop cross-correlation in Double.
func directConvolution(_ x: Tensor, _ w: Tensor, _ bias: Tensor?, stride: Size2D, padding: Size2D, dilation: Size2D) -> Tensor {
    let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (o, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
    let oh = (h + 2 * padding.h - dilation.h * (kh - 1) - 1) / stride.h + 1
    let ow = (wd + 2 * padding.w - dilation.w * (kw - 1) - 1) / stride.w + 1
    var out = [Float]()
    for b in 0..<n { for f in 0..<o { for i in 0..<oh { for j in 0..<ow {
        var s = Double(bias?[f] ?? 0)
        for ch in 0..<c { for a in 0..<kh { for q in 0..<kw {
            let y = i * stride.h - padding.h + a * dilation.h, xx = j * stride.w - padding.w + q * dilation.w
            if y >= 0 && y < h && xx >= 0 && xx < wd { s += Double(x[b, ch, y, xx]) * Double(w[f, ch, a, q]) }
        } } }
        out.append(Float(s))
    } } } }
    return Tensor(shape: [n, o, oh, ow], scalars: out)
}

final class ConvolutionTests: XCTestCase {
    func testHandComputedCase() {
        // 3×3 image, 2×2 kernel of ones, no padding: each output is a 2×2 window sum.
        let x = Tensor(shape: [1, 1, 3, 3], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        let y = x.conv2d(weight: Tensor.ones([1, 1, 2, 2]), bias: Tensor([1]))
        XCTAssertEqual(y.shape, [1, 1, 2, 2])
        XCTAssertEqual(y.scalars, [13, 17, 25, 29])
    }

    func testAgainstDirectConvolution() {
        let cases: [(Size2D, Size2D, Size2D)] = [(1, 0, 1), (2, 1, 1), ([2, 1], [0, 2], 1), (1, 2, 2), (3, 1, [1, 2])]
        for (s, p, d) in cases {
            let x = random([3, 2, 7, 8]), w = random([4, 2, 3, 3], seed: 3), b = random([4], seed: 5)
            let y = x.conv2d(weight: w, bias: b, stride: s, padding: p, dilation: d)
            assertClose(y, directConvolution(x, w, b, stride: s, padding: p, dilation: d), rtol: 1e-4, atol: 1e-5)
        }
    }

    func testConvGradients() {
        let x = random([2, 2, 5, 6]), w = random([3, 2, 3, 3], seed: 3), b = random([3], seed: 5)
        assertGradients([x, w, b]) { $0[0].conv2d(weight: $0[1], bias: $0[2]) }
        assertGradients([x, w, b]) { $0[0].conv2d(weight: $0[1], bias: $0[2], stride: 2, padding: 1) }
        assertGradients([x, w]) { $0[0].conv2d(weight: $0[1], stride: [1, 2], padding: [2, 0], dilation: 2) }
    }

    /// convTranspose2d is the adjoint of conv2d in its input: ⟨conv(x), y⟩ = ⟨x, convT(y)⟩.
    func testTransposeIsAdjointOfConv() {
        let cases: [(Size2D, Size2D, Size2D)] = [(1, 0, 1), (2, 1, 1), (2, 0, 2), ([3, 2], [1, 0], 1)]
        for (s, p, d) in cases {
            let x = random([2, 3, 9, 8]), w = random([4, 3, 3, 3], seed: 3)
            let y = x.conv2d(weight: w, stride: s, padding: p, dilation: d)
            let g = random(y.shape, seed: 8)
            let back = g.convTranspose2d(weight: w, stride: s, padding: p, dilation: d)
            // The transposed conv may produce fewer rows/cols than x when stride does not divide; pad via outputPadding.
            let oph = x.shape[2] - back.shape[2], opw = x.shape[3] - back.shape[3]
            let full = g.convTranspose2d(weight: w, stride: s, padding: p, outputPadding: [oph, opw], dilation: d)
            XCTAssertEqual(full.shape, x.shape)
            let lhs = (y * g).sum().item, rhs = (x * full).sum().item
            XCTAssertEqual(lhs, rhs, accuracy: 1e-3 * Swift.max(1, Swift.abs(lhs)), "stride \(s) padding \(p) dilation \(d)")
        }
    }

    func testTransposeShapeAndGradients() {
        let x = random([2, 3, 4, 4]), w = random([3, 2, 3, 3], seed: 3), b = random([2], seed: 4)
        XCTAssertEqual(x.convTranspose2d(weight: w, stride: 2, padding: 1, outputPadding: 1).shape, [2, 2, 8, 8])
        assertGradients([x, w, b]) { $0[0].convTranspose2d(weight: $0[1], bias: $0[2]) }
        assertGradients([x, w, b]) { $0[0].convTranspose2d(weight: $0[1], bias: $0[2], stride: 2, padding: 1, outputPadding: 1) }
        assertGradients([x, w]) { $0[0].convTranspose2d(weight: $0[1], stride: [2, 1], padding: [0, 1], dilation: 2) }
    }
}
