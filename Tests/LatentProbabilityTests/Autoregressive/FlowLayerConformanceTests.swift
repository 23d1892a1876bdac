import XCTest
import LatentTestSupport
import LatentTensor
import LatentNN
import LatentProbability

/// Every autoregressive and spline bijector, with random non-zero weights, unconditional and with
/// a context: round trips in both orders, log-determinants against brute-force Jacobians (central
/// differences in Double), gradients by finite differences with respect to the input, the context
/// and every parameter, and the identity at initialization.
final class FlowLayerConformanceTests: XCTestCase {
    struct Case {
        let name: String
        let features: Int
        /// Builds the layer for a context width (0 = unconditional).
        let make: (Int) -> any Bijector
    }

    static let spline = RationalQuadraticSpline(bins: 4, bound: 2)

    static let cases: [Case] = [
        Case(name: "MAF", features: 3) {
            MaskedAutoregressiveFlow(features: 3, hiddenFeatures: [8], contextFeatures: $0, ordering: .random(seed: 5),
                                     activation: .tanh, generator: RandomGenerator(seed: 1))
        },
        Case(name: "IAF", features: 3) {
            MaskedAutoregressiveFlow(features: 3, hiddenFeatures: [8], contextFeatures: $0, ordering: .reversed,
                                     arrangement: .inverseAutoregressive, activation: .tanh, generator: RandomGenerator(seed: 2))
        },
        Case(name: "SplineCoupling", features: 4) {
            SplineCoupling(features: 4, mask: .alternating, hiddenFeatures: [8], contextFeatures: $0, spline: spline,
                           activation: .tanh, generator: RandomGenerator(seed: 3))
        },
        Case(name: "AutoregressiveSpline", features: 3) {
            AutoregressiveSpline(features: 3, hiddenFeatures: [8], contextFeatures: $0, spline: spline,
                                 activation: .tanh, generator: RandomGenerator(seed: 4))
        },
        Case(name: "AutoregressiveSpline(IAF)", features: 3) {
            AutoregressiveSpline(features: 3, hiddenFeatures: [8], contextFeatures: $0, ordering: .random(seed: 8),
                                 arrangement: .inverseAutoregressive, spline: spline, activation: .tanh,
                                 generator: RandomGenerator(seed: 6))
        },
    ]

    static let contextWidth = 2

    /// Each case with random weights, without and with a context, plus inputs (some in the spline tails).
    func forEachLayer(_ body: (String, any Bijector, Tensor, Tensor?) -> Void) {
        for c in Self.cases {
            for width in [0, Self.contextWidth] {
                let layer = c.make(width)
                FlowLayerChecks.randomizeParameters(layer)
                let x = Tensor.uniform([5, c.features], low: -2.6, high: 2.6, generator: RandomGenerator(seed: 21))
                let context = width > 0
                    ? Tensor.uniform([5, width], low: -1, high: 1, generator: RandomGenerator(seed: 22)) : nil
                body(c.name + (width > 0 ? "+context" : ""), layer, x, context)
            }
        }
    }

    func testRoundTripsInBothOrders() {
        forEachLayer { name, layer, x, context in
            let e = FlowLayerChecks.roundTripErrors(layer, x, context: context)
            print("\(name): max |f⁻¹(f(x)) − x| = \(e.inverseOfForward), max |f(f⁻¹(x)) − x| = \(e.forwardOfInverse), max |ld + ld⁻¹| = \(e.logDetSum)")
            XCTAssertLessThan(e.inverseOfForward, 1e-4, name)
            XCTAssertLessThan(e.forwardOfInverse, 1e-4, name)
            XCTAssertLessThan(e.logDetSum, 1e-4, name)
        }
    }

    func testLogDeterminantsMatchBruteForceJacobians() {
        forEachLayer { name, layer, x, context in
            let e = FlowLayerChecks.logDetErrors(layer, x, context: context)
            print("\(name): max log-det error forward \(e.forward), inverse \(e.inverse)")
            XCTAssertLessThan(e.forward, 2e-3, name)
            XCTAssertLessThan(e.inverse, 2e-3, name)
        }
    }

    func testInputAndContextGradientsMatchFiniteDifferences() {
        forEachLayer { name, layer, x, context in
            for (direction, result) in zip(["forward", "inverse"], FlowLayerChecks.inputGradients(layer, x, context: context)) {
                print("\(name) \(direction) input gradients: \(result)")
                XCTAssertTrue(result.passed, "\(name) \(direction): \(result)")
            }
        }
    }

    func testParameterGradientsMatchFiniteDifferences() {
        forEachLayer { name, layer, x, context in
            for (direction, result) in zip(["forward", "inverse"], FlowLayerChecks.parameterGradients(layer, x, context: context)) {
                print("\(name) \(direction) parameter gradients: \(result)")
                XCTAssertTrue(result.passed, "\(name) \(direction): \(result)")
            }
        }
    }

    func testNewLayersAreTheIdentity() {
        for c in Self.cases {
            for width in [0, Self.contextWidth] {
                let layer = c.make(width)
                let x = Tensor.uniform([4, c.features], low: -3, high: 3, generator: RandomGenerator(seed: 30))
                let context = width > 0 ? Tensor.ones([4, width]) : nil
                let (y, logDet) = withoutGrad { layer.forwardAndLogDet(x, context: context) }
                let (z, inverseLogDet) = withoutGrad { layer.inverseAndLogDet(x, context: context) }
                XCTAssertLessThan(FlowLayerChecks.maxAbsDifference(y, x), 1e-5, c.name)
                XCTAssertLessThan(FlowLayerChecks.maxAbsDifference(z, x), 1e-5, c.name)
                XCTAssertLessThan(FlowLayerChecks.maxAbsDifference(logDet, Tensor.zeros([4])), 1e-5, c.name)
                XCTAssertLessThan(FlowLayerChecks.maxAbsDifference(inverseLogDet, Tensor.zeros([4])), 1e-5, c.name)
            }
        }
    }

    func testContextChangesTheMap() {
        forEachLayer { name, layer, x, context in
            guard let context else { return }
            let y = withoutGrad { layer.forward(x, context: context) }
            let other = withoutGrad { layer.forward(x, context: context * -1) }
            XCTAssertGreaterThan(FlowLayerChecks.maxAbsDifference(y, other), 1e-3, name)
        }
    }

    func testMissingOrUnexpectedContextStopsWithAMessage() {
        let maf = MaskedAutoregressiveFlow(features: 2, hiddenFeatures: [4], contextFeatures: 3)
        assertStops(withMessageContaining: ["MADE", "contextFeatures = 3", "without a context"]) {
            _ = maf.forward(Tensor.zeros([1, 2]))
        }
        assertStops(withMessageContaining: ["MADE", "context must be [1, 3]", "[1, 2]"]) {
            _ = maf.inverse(Tensor.zeros([1, 2]), context: Tensor.zeros([1, 2]))
        }
        let coupling = SplineCoupling(features: 2, hiddenFeatures: [4])
        assertStops(withMessageContaining: ["SplineCoupling.inverse", "without a context", "[1, 1]"]) {
            _ = coupling.inverse(Tensor.zeros([1, 2]), context: Tensor.zeros([1, 1]))
        }
        assertStops(withMessageContaining: ["AutoregressiveSpline.forward", "[N, 2]", "[3, 4]"]) {
            _ = AutoregressiveSpline(features: 2, hiddenFeatures: [4]).forward(Tensor.zeros([3, 4]))
        }
    }
}
