import XCTest
import Foundation
import LatentTensor
@testable import LatentData

final class TransformsTests: XCTestCase {
    func testScaleThresholdAndFlatten() {
        XCTAssertTrue(Transforms.scaleToUnit(Tensor([0, 51, 255])).isClose(to: Tensor([0, 0.2, 1])))
        XCTAssertEqual(Transforms.threshold(Tensor([0.2, 0.5, 0.51, 1])).scalars, [0, 0, 1, 1])
        XCTAssertEqual(Transforms.flatten(Tensor.zeros([3, 1, 28, 28])).shape, [3, 784])
        let d = Dataset(name: "d", inputs: Tensor.zeros([2, 1, 4, 4]), labels: Tensor([1, 0]))
        XCTAssertEqual(d.flattened().inputs.shape, [2, 16])
        XCTAssertEqual(d.oneHotLabels(classes: 3).labels?.scalars, [0, 1, 0, 1, 0, 0])
    }

    func testOneHot() {
        let y = Transforms.oneHot(Tensor([2, 0, 1]), classes: 3)
        XCTAssertEqual(y.shape, [3, 3])
        XCTAssertEqual(y.scalars, [0, 0, 1, 1, 0, 0, 0, 1, 0])
    }

    /// Static binarization: one fixed draw, the same for the same seed.
    func testStaticBinarizationIsReproducible() {
        let x = Tensor.uniform([1000], generator: RandomGenerator(seed: 1))
        let a = Transforms.binarize(x, generator: RandomGenerator(seed: 5))
        XCTAssertEqual(a.scalars, Transforms.binarize(x, generator: RandomGenerator(seed: 5)).scalars)
        XCTAssertTrue(a.scalars.allSatisfy { $0 == 0 || $0 == 1 })
        XCTAssertEqual(Transforms.binarize(Tensor([0, 1]), generator: RandomGenerator(seed: 2)).scalars, [0, 1])
        let data = Dataset(name: "d", inputs: x.reshaped([10, 100]))
        XCTAssertEqual(data.staticallyBinarized(seed: 5).inputs.scalars, a.scalars)
        XCTAssertNotEqual(data.staticallyBinarized(seed: 6).inputs.scalars, a.scalars)
    }

    /// Dequantized value of k/255 lies in [k/256, (k+1)/256), uniformly.
    func testUniformDequantization() {
        let k = Tensor((0..<256).map(Float.init))
        let x = Transforms.scaleToUnit(k)
        let y = Transforms.dequantize(x, levels: 256, generator: RandomGenerator(seed: 3))
        for i in 0..<256 {
            XCTAssertGreaterThanOrEqual(y.scalars[i] * 256, Float(i) - 1e-3)
            XCTAssertLessThan(y.scalars[i] * 256, Float(i + 1) + 1e-3)
        }
        // The noise u = 256·y − k averages ½ with variance 1/12.
        let many = Transforms.dequantize(Tensor.zeros([20_000]), generator: RandomGenerator(seed: 4)).scalars.map { Double($0) * 256 }
        let mean = many.reduce(0, +) / 20_000
        XCTAssertEqual(mean, 0.5, accuracy: 5 * (1.0 / 12 / 20_000).squareRoot())
    }

    /// RealNVP's logit with α = 0.05, its inverse, and its log-determinant against finite differences.
    func testLogitTransform() {
        let alpha: Float = 0.05
        let x = Tensor([[0, 0.25, 1], [0.5, 0.75, 0.1]])
        let y = Transforms.logit(x, alpha: alpha)
        for (xi, yi) in zip(x.scalars, y.scalars) {
            let p = Double(alpha) + (1 - 2 * Double(alpha)) * Double(xi)
            XCTAssertEqual(Double(yi), log(p / (1 - p)), accuracy: 1e-5)
        }
        XCTAssertEqual(Double(y[0, 0]), log(0.05 / 0.95), accuracy: 1e-5)
        XCTAssertTrue(Transforms.inverseLogit(y, alpha: alpha).isClose(to: x, rtol: 1e-5, atol: 1e-5))

        let logDet = Transforms.logitLogDeterminant(x, alpha: alpha)
        XCTAssertEqual(logDet.shape, [2])
        for row in 0..<2 {
            var expected = 0.0
            for col in 0..<3 {
                let xi = Double(x[row, col]), h = 1e-6
                func f(_ v: Double) -> Double { let p = 0.05 + 0.9 * v; return log(p / (1 - p)) }
                expected += log((f(xi + h) - f(xi - h)) / (2 * h))
            }
            XCTAssertEqual(Double(logDet[row]), expected, accuracy: 1e-4)
        }
    }

    func testChainedBatchTransform() {
        let chain = BatchTransform.dequantization().then(.logit()).then(.flatten)
        let out = chain.apply(Tensor.full([2, 1, 2, 2], 1), RandomGenerator(seed: 1))
        XCTAssertEqual(out.shape, [2, 4])
        XCTAssertFalse(out.hasNonFinite)
    }
}
