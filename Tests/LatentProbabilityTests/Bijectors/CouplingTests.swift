import XCTest
import LatentTestSupport
import LatentTensor
import LatentNN
import LatentProbability

/// Masks, identity at initialization, bounded log-scales and conditioning of coupling layers.
final class CouplingTests: XCTestCase {
    func testMaskPatterns() {
        XCTAssertEqual(CouplingMask.half.tensor(eventShape: [5]).scalars, [1, 1, 0, 0, 0])
        XCTAssertEqual(CouplingMask.alternating.flipped.tensor(eventShape: [4]).scalars, [0, 1, 0, 1])
        XCTAssertEqual(CouplingMask.checkerboard.tensor(eventShape: [1, 2, 3]).scalars, [1, 0, 1, 0, 1, 0])
        XCTAssertEqual(CouplingMask.channelWise.flipped.tensor(eventShape: [2, 1, 2]).scalars, [0, 0, 1, 1])
        XCTAssertEqual(CouplingMask.checkerboard.tensor(eventShape: [2, 2, 2]).shape, [1, 2, 2, 2])
        assertStops(withMessageContaining: ["CouplingMask", "checkerboard", "[C, H, W]", "[4]"]) {
            _ = CouplingMask.checkerboard.tensor(eventShape: [4])
        }
        assertStops(withMessageContaining: ["CouplingMask", "[1]", "keep"]) {
            _ = CouplingMask.half.tensor(eventShape: [1])
        }
    }

    func testNewCouplingsAreTheIdentity() {
        let vector = Tensor.randn([4, 6], generator: RandomGenerator(seed: 1))
        let image = Tensor.randn([2, 3, 4, 4], generator: RandomGenerator(seed: 2))
        let context = Tensor.randn([4, 2], generator: RandomGenerator(seed: 3))
        let layers: [(any Bijector, Tensor, Tensor?)] = [
            (AffineCoupling(features: 6, hidden: [8]), vector, nil),
            (AffineCoupling(features: 6, hidden: [8], contextFeatures: 2), vector, context),
            (AffineCoupling(channels: 3, mask: .checkerboard, hidden: 8), image, nil),
            (AdditiveCoupling(features: 6, mask: .alternating, hidden: [8]), vector, nil),
            (AdditiveCoupling(channels: 3, mask: .channelWise, hidden: 8), image, nil),
        ]
        for (layer, x, ctx) in layers {
            let (y, logDet) = layer.forwardAndLogDet(x, context: ctx)
            XCTAssertEqual(y.scalars, x.scalars, "\(type(of: layer))")
            XCTAssertEqual(logDet.scalars, [Float](repeating: 0, count: x.shape[0]))
        }
    }

    func testLogScalesStayWithinTheBound() {
        let layer = AffineCoupling(features: 4, hidden: [8], logScaleBound: 2)
        BijectorHarness.perturbParameters(layer, scale: 50)
        let x = Tensor.randn([16, 4], generator: RandomGenerator(seed: 4)) * 10
        let (y, logDet) = layer.forwardAndLogDet(x, context: nil)
        XCTAssertFalse(y.hasNonFinite)
        for v in logDet.scalars { XCTAssertLessThanOrEqual(abs(v), 2 * 2 + 1e-4) }
        // Shifts reach ~10⁵ with such weights: Float rounding of y is what limits the round trip.
        let magnitude = y.abs().max().item
        XCTAssertGreaterThan(magnitude, 100)
        XCTAssertLessThan(BijectorHarness.maxError(layer.inverse(y), x), 1e-6 * magnitude)
    }

    func testContextChangesTheMapAndIsRequired() {
        let layer = AffineCoupling(features: 4, hidden: [8], contextFeatures: 2)
        BijectorHarness.perturbParameters(layer)
        let x = Tensor.randn([3, 4], generator: RandomGenerator(seed: 5))
        let a = layer.forward(x, context: Tensor.zeros([3, 2]))
        let b = layer.forward(x, context: Tensor.ones([3, 2]))
        XCTAssertGreaterThan(BijectorHarness.maxError(a, b), 1e-3)
        assertStops(withMessageContaining: ["AffineCoupling", "context of 2 features", "none was given"]) {
            _ = layer.forward(x)
        }
        assertStops(withMessageContaining: ["AffineCoupling", "context must be [3, 2]", "[3, 5]"]) {
            _ = layer.forward(x, context: Tensor.zeros([3, 5]))
        }
    }

    func testImageCouplingBroadcastsAVectorContextOverPixels() {
        let layer = AffineCoupling(channels: 2, mask: .checkerboard, hidden: 4, contextFeatures: 3)
        BijectorHarness.perturbParameters(layer)
        let x = Tensor.randn([2, 2, 4, 4], generator: RandomGenerator(seed: 6))
        let context = Tensor.randn([2, 3], generator: RandomGenerator(seed: 7))
        let y = layer.forward(x, context: context)
        XCTAssertLessThan(BijectorHarness.maxError(layer.inverse(y, context: context), x), 1e-5)
    }

    func testWrongConditionerOutputStops() {
        let layer = AffineCoupling(mask: .half, conditioner: Linear(4, 4))
        assertStops(withMessageContaining: ["AffineCoupling", "conditioner returned [2, 4]", "expected [2, 8]"]) {
            _ = layer.forward(Tensor.zeros([2, 4]))
        }
    }

    func testParameterNamesFollowTheModuleTree() {
        let names = Chain(AffineCoupling(features: 4, hidden: [8]), ActNorm(channels: 4)).namedParameters().map { $0.0 }
        XCTAssertEqual(names, ["bijectors.0.conditioner.layers.0.weight", "bijectors.0.conditioner.layers.0.bias",
                               "bijectors.0.conditioner.layers.2.weight", "bijectors.0.conditioner.layers.2.bias",
                               "bijectors.1.logScale", "bijectors.1.bias"])
    }
}
