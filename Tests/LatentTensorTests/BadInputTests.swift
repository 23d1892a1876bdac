import XCTest
import LatentTestSupport
import LatentTensor

/// Bad input stops with a message naming the op, the shapes and what was expected.
final class BadInputTests: XCTestCase {
    func testBroadcastFailureNamesShapes() {
        assertStops(withMessageContaining: ["add", "[2, 3]", "[4]", "cannot be broadcast"]) {
            _ = Tensor.zeros([2, 3]) + Tensor.zeros([4])
        }
    }

    func testMatmulInnerSizeMismatch() {
        assertStops(withMessageContaining: ["matmul", "[2, 3]", "[4, 5]", "inner sizes"]) {
            _ = Tensor.zeros([2, 3]).matmul(Tensor.zeros([4, 5]))
        }
    }

    func testAxisOutOfRange() {
        assertStops(withMessageContaining: ["sum", "axis 3", "rank 2"]) {
            _ = Tensor.zeros([2, 3]).sum(axis: 3)
        }
    }

    func testIndexOutOfRange() {
        assertStops(withMessageContaining: ["indexSelect", "index 5", "size 3"]) {
            _ = Tensor.zeros([3, 2]).indexSelect(axis: 0, indices: [5])
        }
        assertStops(withMessageContaining: ["gather", "index 2.5"]) {
            _ = Tensor.zeros([2, 3]).gather(axis: 1, index: Tensor(shape: [2, 1], scalars: [0, 2.5]))
        }
    }

    func testBackwardOnNonScalarWithoutSeed() {
        assertStops(withMessageContaining: ["backward", "[2, 2]", "seed"]) {
            let x = Tensor.ones([2, 2]).requiringGrad()
            (x * 2).backward()
        }
    }

    func testReshapeAndConvShapes() {
        assertStops(withMessageContaining: ["reshape", "[2, 3]", "[4, 2]"]) {
            _ = Tensor.zeros([2, 3]).reshaped([4, 2])
        }
        assertStops(withMessageContaining: ["conv2d", "[N, C, H, W]", "[3, 4]"]) {
            _ = Tensor.zeros([3, 4]).conv2d(weight: Tensor.zeros([1, 1, 1, 1]))
        }
        assertStops(withMessageContaining: ["conv2d", "weight", "[2, 3, 3, 3]"]) {
            _ = Tensor.zeros([1, 1, 5, 5]).conv2d(weight: Tensor.zeros([2, 3, 3, 3]))
        }
    }

    func testWrongScalarCount() {
        assertStops(withMessageContaining: ["Tensor(shape:scalars:)", "[2, 2]", "3 were given"]) {
            _ = Tensor(shape: [2, 2], scalars: [1, 2, 3])
        }
    }
}
