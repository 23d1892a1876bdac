import XCTest
import LatentTensor
import LatentNN

final class InitializerTests: XCTestCase {
    func testFansFollowPyTorch() {
        XCTAssertEqual(Initializer.fans([400, 784]).fanIn, 784)
        XCTAssertEqual(Initializer.fans([400, 784]).fanOut, 400)
        XCTAssertEqual(Initializer.fans([32, 3, 5, 5]).fanIn, 75)
        XCTAssertEqual(Initializer.fans([32, 3, 5, 5]).fanOut, 800)
    }

    /// U(−b, b) has every value inside ±b and variance b²/3; N(0, s²) has variance s².
    func testBoundsAndVariances() {
        let g = RandomGenerator(seed: 1)
        let shape = [500, 400]
        func check(_ t: Tensor, bound: Float?, variance: Float, _ name: String) {
            if let b = bound {
                XCTAssertLessThanOrEqual(t.abs().max().item, b, name)
                XCTAssertGreaterThan(t.abs().max().item, 0.99 * b, name)
            }
            XCTAssertEqual(t.variance().item, variance, accuracy: 0.02 * variance, name)
            XCTAssertEqual(t.mean().item, 0, accuracy: 0.02 * variance.squareRoot(), name)
        }
        let b = 1 / Float(400).squareRoot()
        check(Initializer.pytorchDefault.make(shape, generator: g), bound: b, variance: b * b / 3, "kaiming uniform a=√5")
        let kn = Float(2).squareRoot() / Float(400).squareRoot()
        check(Initializer.kaimingNormal(a: 0).make(shape, generator: g), bound: nil, variance: kn * kn, "kaiming normal")
        let xb = (6 / Float(900)).squareRoot()
        check(Initializer.xavierUniform(gain: 1).make(shape, generator: g), bound: xb, variance: xb * xb / 3, "xavier uniform")
        let xs = (2 / Float(900)).squareRoot()
        check(Initializer.xavierNormal(gain: 1).make(shape, generator: g), bound: nil, variance: xs * xs, "xavier normal")
        XCTAssertEqual(Initializer.zeros.make([3]).scalars, [0, 0, 0])
        XCTAssertEqual(Initializer.constant(2).make([2]).scalars, [2, 2])
    }

    func testLayerDefaultsMatchPyTorch() {
        let l = Linear(784, 400, generator: RandomGenerator(seed: 2))
        let bound = 1 / Float(784).squareRoot()
        XCTAssertLessThanOrEqual(l.weight.value.abs().max().item, bound)
        XCTAssertLessThanOrEqual(l.bias!.value.abs().max().item, bound)
        XCTAssertGreaterThan(l.bias!.value.abs().max().item, 0.9 * bound)
        // ConvTranspose2d: PyTorch's fan-in is weight.shape[1]·k·k = outChannels·k·k.
        let t = ConvTranspose2d(64, 32, kernelSize: 4, generator: RandomGenerator(seed: 3))
        let tb = 1 / Float(32 * 16).squareRoot()
        XCTAssertLessThanOrEqual(t.bias!.value.abs().max().item, tb)
        XCTAssertGreaterThan(t.weight.value.abs().max().item, 0.99 * tb)
    }
}
