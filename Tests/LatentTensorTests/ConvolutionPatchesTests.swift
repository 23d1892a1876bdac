import XCTest
@testable import LatentTensor

/// conv2d and convTranspose2d on the implicit-GEMM path (images with enough channels): values
/// against the direct Double loop, gradients against finite differences, and the adjoint identity.
final class ConvolutionPatchesTests: XCTestCase {
    func testPathIsTakenForTheseShapes() {
        XCTAssertTrue(ConvolutionPatches.usesPatches(channels: 8, kw: 3, dilationW: 1))
        XCTAssertTrue(ConvolutionPatches.usesPatches(channels: 16, kw: 3, dilationW: 2))
        XCTAssertFalse(ConvolutionPatches.usesPatches(channels: 8, kw: 3, dilationW: 2))
        XCTAssertFalse(ConvolutionPatches.usesPatches(channels: 1, kw: 4, dilationW: 1))
    }

    func testAgainstDirectConvolution() {
        // (channels, out channels, stride, padding, dilation); 16 channels where w is dilated.
        let cases: [(Int, Int, Size2D, Size2D, Size2D)] = [
            (8, 5, 1, 0, 1), (8, 5, 2, 1, 1), (8, 3, [2, 1], [0, 2], 1), (16, 6, 1, 2, 2), (16, 7, 3, 1, [1, 2]),
        ]
        for (c, o, s, p, d) in cases {
            let x = random([3, c, 7, 9]), w = random([o, c, 3, 3], seed: 3), b = random([o], seed: 5)
            let y = x.conv2d(weight: w, bias: b, stride: s, padding: p, dilation: d)
            assertClose(y, directConvolution(x, w, b, stride: s, padding: p, dilation: d), rtol: 1e-4, atol: 1e-4)
            assertClose(x.conv2d(weight: w, stride: s, padding: p, dilation: d),
                        directConvolution(x, w, nil, stride: s, padding: p, dilation: d), rtol: 1e-4, atol: 1e-4)
        }
        // Full packed GEMM tiles, and k = 288 over two KC blocks on AVX-512.
        let x = random([1, 32, 8, 8]), w = random([24, 32, 3, 3], seed: 3), b = random([24], seed: 5)
        assertClose(x.conv2d(weight: w, bias: b, padding: 1),
                    directConvolution(x, w, b, stride: 1, padding: 1, dilation: 1), rtol: 1e-4, atol: 1e-4)
    }

    func testGradients() {
        let x = random([2, 8, 5, 6]), w = random([5, 8, 3, 3], seed: 3), b = random([5], seed: 5)
        assertGradients([x, w, b]) { $0[0].conv2d(weight: $0[1], bias: $0[2], stride: 2, padding: 1) }
        let x16 = random([2, 16, 5, 6]), w16 = random([3, 16, 2, 3], seed: 3)
        assertGradients([x16, w16]) { $0[0].conv2d(weight: $0[1], stride: [1, 2], padding: [1, 2], dilation: [1, 2]) }
    }

    /// ⟨conv(x), g⟩ = ⟨x, convT(g)⟩ with both ops on this path (8 and 6 channels, kernel width 3).
    func testTransposeIsAdjointOfConv() {
        let cases: [(Size2D, Size2D, Size2D)] = [(1, 0, 1), (2, 1, 1), ([3, 2], [1, 0], 1), (2, 1, [2, 1])]
        for (s, p, d) in cases {
            let x = random([2, 6, 9, 8]), w = random([8, 6, 3, 3], seed: 3)
            let y = x.conv2d(weight: w, stride: s, padding: p, dilation: d)
            let g = random(y.shape, seed: 8)
            let back = g.convTranspose2d(weight: w, stride: s, padding: p, dilation: d)
            let full = g.convTranspose2d(weight: w, stride: s, padding: p,
                                         outputPadding: [x.shape[2] - back.shape[2], x.shape[3] - back.shape[3]], dilation: d)
            XCTAssertEqual(full.shape, x.shape)
            let lhs = (y * g).sum().item, rhs = (x * full).sum().item
            XCTAssertEqual(lhs, rhs, accuracy: 1e-4 * Swift.max(1, Swift.abs(lhs)), "stride \(s) padding \(p) dilation \(d)")
        }
    }

    func testTransposeBiasAndGradients() {
        let x = random([2, 3, 4, 4]), w = random([3, 6, 3, 3], seed: 3), b = random([6], seed: 4)
        let y = x.convTranspose2d(weight: w, bias: b, stride: 2, padding: 1, outputPadding: 1)
        XCTAssertEqual(y.shape, [2, 6, 8, 8])
        assertClose(y, x.convTranspose2d(weight: w, stride: 2, padding: 1, outputPadding: 1) + b.reshaped([6, 1, 1]))
        assertGradients([x, w, b]) { $0[0].convTranspose2d(weight: $0[1], bias: $0[2], stride: 2, padding: 1, outputPadding: 1) }
        assertGradients([x, w]) { $0[0].convTranspose2d(weight: $0[1], stride: [2, 1], padding: [0, 1]) }
    }

    func testConv2dReLU() {
        for c in [8, 2] {  // the fused path, and conv2d then relu
            let x = random([2, c, 7, 6]), w = random([5, c, 3, 3], seed: 3), b = random([5], seed: 5)
            XCTAssertEqual(x.conv2dReLU(weight: w, bias: b, stride: 2, padding: 1).scalars,
                           x.conv2d(weight: w, bias: b, stride: 2, padding: 1).relu().scalars, "\(c) channels")
        }
        let x = random([2, 8, 5, 6]), w = random([5, 8, 3, 3], seed: 3), b = random([5], seed: 5)
        XCTAssertTrue(x.conv2d(weight: w, bias: b, padding: 1).scalars.allSatisfy { Swift.abs($0) > 1e-3 }, "no output at the kink")
        assertGradients([x, w, b], epsilon: 1e-3) { $0[0].conv2dReLU(weight: $0[1], bias: $0[2], padding: 1) }
    }
}
