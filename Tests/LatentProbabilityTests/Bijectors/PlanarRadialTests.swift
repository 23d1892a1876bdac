import XCTest
import LatentTensor
import LatentNN
import LatentProbability

/// The invertibility constraints of planar and radial flows and their inverses far from the origin.
final class PlanarRadialTests: XCTestCase {
    func testPlanarStaysInvertibleWithAdversarialParameters() {
        let layer = Planar(features: 2)
        layer.w.value = Tensor([3, 0]).requiringGrad()
        layer.u.value = Tensor([-5, 1]).requiringGrad()
        let x = Tensor.uniform([200, 2], low: -4, high: 4, generator: RandomGenerator(seed: 1))
        let (y, logDet) = layer.forwardAndLogDet(x, context: nil)
        XCTAssertFalse(logDet.hasNonFinite)
        let back = layer.inverse(y)
        XCTAssertLessThan(BijectorHarness.maxError(back, x), 1e-4)
    }

    func testPlanarInverseFarOutside() {
        let layer = Planar(features: 3, generator: RandomGenerator(seed: 2))
        BijectorHarness.perturbParameters(layer, scale: 2)
        let y = Tensor([[1e3, -2e3, 5], [0, 0, 0]])
        let x = layer.inverse(y)
        XCTAssertLessThan(BijectorHarness.maxError(layer.forward(x), y), 1e-3 * 2e3)
        XCTAssertLessThan(BijectorHarness.maxError(layer.forward(x).slice(axis: 0, from: 1, to: 2), Tensor.zeros([1, 3])), 1e-5)
    }

    func testRadialContractionAndExpansionInvertEverywhere() {
        for beta: Float in [-3, 0, 4] {
            let layer = Radial(features: 3, generator: RandomGenerator(seed: 3))
            layer.betaRaw.value = Tensor([beta]).requiringGrad()
            let x = Tensor.normal([50, 3], std: 5, generator: RandomGenerator(seed: 4))
            let (y, logDet) = layer.forwardAndLogDet(x, context: nil)
            XCTAssertFalse(logDet.hasNonFinite)
            XCTAssertLessThan(BijectorHarness.maxError(layer.inverse(y), x), 1e-4, "β̃ = \(beta)")
        }
    }
}
