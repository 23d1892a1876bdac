import XCTest
import LatentTensor

final class ArithmeticTests: XCTestCase {
    func testBroadcastValues() {
        let a = Tensor([[1, 2, 3], [4, 5, 6]])
        let b = Tensor([10, 20, 30])
        assertClose(a + b, Tensor([[11, 22, 33], [14, 25, 36]]))
        assertClose(a - Tensor(shape: [2, 1], scalars: [1, 2]), Tensor([[0, 1, 2], [2, 3, 4]]))
        assertClose(a * b, Tensor([[10, 40, 90], [40, 100, 180]]))
        assertClose(b / a, Tensor([[10, 10, 10], [2.5, 4, 5]]))
        // [2,1,3] with [4,1] -> [2,4,3]
        let c = Tensor(shape: [2, 1, 3], scalars: [1, 2, 3, 4, 5, 6])
        let d = Tensor(shape: [4, 1], scalars: [0, 10, 20, 30])
        let e = c + d
        XCTAssertEqual(e.shape, [2, 4, 3])
        XCTAssertEqual(e[1, 2, 0], 24)
        XCTAssertEqual(e[0, 3, 2], 33)
        assertClose(a + 1, Tensor([[2, 3, 4], [5, 6, 7]]))
        assertClose(2 - a, Tensor([[1, 0, -1], [-2, -3, -4]]))
        assertClose(6 / a, Tensor([[6, 3, 2], [1.5, 1.2, 1]]))
        assertClose(-a * 2, Tensor([[-2, -4, -6], [-8, -10, -12]]))
    }

    func testPowMaximumMinimumValues() {
        let a = Tensor([1, 2, 3]), b = Tensor([2, 0.5, 3])
        assertClose(Tensor.pow(a, b), Tensor([1, 1.4142135, 27]))
        assertClose(Tensor.maximum(a, b), Tensor([2, 2, 3]))
        assertClose(Tensor.minimum(a, b), Tensor([1, 0.5, 3]))
        XCTAssertTrue(Tensor.maximum(Tensor([Float.nan]), Tensor([1]))[0].isNaN)
    }

    func testBinaryGradientsWithBroadcasting() {
        let shapes: [([Int], [Int])] = [([3, 4], [3, 4]), ([3, 4], [4]), ([2, 1, 4], [3, 1]), ([1], [2, 3]), ([], [2, 2])]
        for (sa, sb) in shapes {
            let a = random(sa, seed: 1), b = awayFromZero(sb, seed: 2)
            assertGradients([a, b]) { $0[0] + $0[1] }
            assertGradients([a, b]) { $0[0] - $0[1] }
            assertGradients([a, b]) { $0[0] * $0[1] }
            assertGradients([a, b]) { $0[0] / $0[1] }
            assertGradients([a, b]) { Tensor.maximum($0[0], $0[1]) }
            assertGradients([a, b]) { Tensor.minimum($0[0], $0[1]) }
        }
        let base = random([3, 4], 0.5, 2, seed: 3), expo = random([4], -1, 2, seed: 4)
        assertGradients([base, expo]) { Tensor.pow($0[0], $0[1]) }
    }

    func testScalarOperatorGradients() {
        let a = awayFromZero([2, 3])
        assertGradients([a]) { ($0[0] + 3) * 2 - 1 }
        assertGradients([a]) { (1 - $0[0]) / 4 }
        assertGradients([a]) { 2 / $0[0] }
        assertGradients([a]) { -$0[0] }
    }

    func testCompoundAssignment() {
        var a = Tensor([1, 2])
        a += Tensor([1, 1]); a *= 3; a -= 1; a /= Tensor([2, 5])
        assertClose(a, Tensor([2.5, 1.6]))
    }

    func testZeroSizedBroadcast() {
        let a = Tensor.zeros([0, 3]) + Tensor([1, 2, 3])
        XCTAssertEqual(a.shape, [0, 3])
        XCTAssertEqual(a.count, 0)
    }
}
