import XCTest
import Foundation
import LatentTensor

final class ReductionTests: XCTestCase {
    let x = Tensor(shape: [2, 3, 4], scalars: (0..<24).map { Float($0) })

    func testSumMeanOverAxes() {
        XCTAssertEqual(x.sum().item, 276)
        XCTAssertEqual(x.sum().shape, [])
        assertClose(x.sum(axis: 0), Tensor(shape: [3, 4], scalars: (0..<12).map { Float(2 * $0 + 12) }))
        let s02 = x.sum(axes: [0, 2])
        XCTAssertEqual(s02.shape, [3])
        assertClose(s02, Tensor([60, 92, 124]))
        XCTAssertEqual(x.sum(axes: [-1, 1], keepDims: true).shape, [2, 1, 1])
        assertClose(x.sum(axes: [1, 2]), Tensor([66, 210]))
        assertClose(x.mean(axis: -1), Tensor(shape: [2, 3], scalars: [1.5, 5.5, 9.5, 13.5, 17.5, 21.5]))
    }

    func testMaxMinLogSumExpVariance() {
        assertClose(x.max(axis: 1), Tensor(shape: [2, 4], scalars: [8, 9, 10, 11, 20, 21, 22, 23]))
        assertClose(x.min(axes: [0, 1]), Tensor([0, 1, 2, 3]))
        let big = Tensor([[1000, 1000], [-1000, -1001]])
        let lse = big.logSumExp(axis: 1)
        XCTAssertEqual(lse[0], 1000 + Float(Foundation.log(2.0)), accuracy: 1e-3)
        XCTAssertEqual(lse[1], -1000 + Float(Foundation.log1p(Foundation.exp(-1.0))), accuracy: 1e-3)
        let v = Tensor([1, 2, 3, 4])
        XCTAssertEqual(v.variance().item, 1.25, accuracy: 1e-6)
        XCTAssertEqual(v.variance(unbiased: true).item, 5.0 / 3.0, accuracy: 1e-6)
        XCTAssertTrue(Tensor([1, .nan, 3]).max().item.isNaN)
    }

    func testSoftmaxAndArgmax() {
        let logits = Tensor([[1, 2, 3], [0, 0, 0]])
        let p = logits.softmax()
        assertClose(p.sum(axis: 1), Tensor([1, 1]))
        XCTAssertEqual(p[1, 0], 1.0 / 3.0, accuracy: 1e-6)
        assertClose(logits.argmax(axis: 1), Tensor([2, 0]))
        assertClose(Tensor([[3, 1], [3, 5]]).argmax(axis: 0), Tensor([0, 1]))
    }

    func testGradients() {
        let t = random([2, 3, 4])
        for axes: [Int]? in [nil, [0], [1], [2], [0, 2], [-1, -2]] {
            assertGradients([t]) { $0[0].sum(axes: axes) }
            assertGradients([t]) { $0[0].mean(axes: axes, keepDims: true) }
            assertGradients([t]) { $0[0].max(axes: axes) }
            assertGradients([t]) { $0[0].min(axes: axes) }
            assertGradients([t]) { $0[0].logSumExp(axes: axes) }
            assertGradients([t]) { $0[0].variance(axes: axes) }
        }
        assertGradients([t]) { $0[0].logSoftmax(axis: 1) }
        assertGradients([t]) { $0[0].softmax(axis: -1) }
        assertGradients([t]) { $0[0].sum(toShape: [3, 1]) }
    }

    func testMaxGradientSplitsTies() {
        let t = Tensor([2, 5, 5]).requiringGrad()
        t.max().backward()
        XCTAssertEqual(t.grad?.scalars, [0, 0.5, 0.5])
    }

    func testLongSumIsAccurate() {
        // 10⁶ copies of 0.1: naive float accumulation drifts by ~1%; blocked summation does not.
        let ones = Tensor.full([1_000_000], 0.1)
        XCTAssertEqual(ones.sum().item, 100_000, accuracy: 1)
    }
}
