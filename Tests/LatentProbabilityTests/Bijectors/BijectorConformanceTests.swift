import XCTest
import LatentTensor
import LatentNN
import LatentProbability

/// Every bijector of `Bijectors/` (outside the autoregressive and spline folders), with perturbed
/// non-zero parameters, through the same checks: round trips in both orders, log|det J| against
/// the Jacobian built by autodiff, and gradients (input, context, parameters) against finite
/// differences. Vectors are `[3, D ≤ 5]`, images `[2, C, H, W]` with C·H·W ≤ 64.
final class BijectorConformanceTests: XCTestCase {
    static func normal(_ shape: [Int], seed: UInt64 = 3, std: Float = 1) -> Tensor {
        Tensor.normal(shape, std: std, generator: RandomGenerator(seed: seed))
    }

    static func uniform(_ shape: [Int], _ low: Float, _ high: Float, seed: UInt64 = 4) -> Tensor {
        Tensor.uniform(shape, low: low, high: high, generator: RandomGenerator(seed: seed))
    }

    static func gen(_ seed: UInt64) -> RandomGenerator { RandomGenerator(seed: seed) }

    /// An ActNorm already initialized on a batch of shifted, scaled data.
    static func initializedActNorm(_ shape: [Int]) -> ActNorm {
        let layer = ActNorm(channels: shape[1])
        _ = layer.forward(normal([8] + shape.dropFirst(), seed: 9, std: 2) + 1.5)
        return layer
    }

    /// A batch-norm flow in evaluation mode with non-trivial running statistics.
    static func evalBatchNorm(_ channels: Int) -> BatchNormFlow {
        let layer = BatchNormFlow(channels: channels)
        layer.runningMean.value = uniform([channels], -1, 1, seed: 12)
        layer.runningVar.value = uniform([channels], 0.5, 2, seed: 13)
        layer.eval()
        return layer
    }

    static var cases: [BijectorCase] {
        let v4 = normal([3, 4]), image = normal([2, 2, 4, 4], seed: 5)
        return [
            BijectorCase(name: "Sigmoid", make: { Sigmoid() }, input: normal([3, 3]), output: uniform([3, 3], 0.05, 0.95)),
            BijectorCase(name: "Logit(0.05)", make: { Logit(alpha: 0.05) }, input: uniform([3, 3], 0.02, 0.98)),
            BijectorCase(name: "Logit(0)", make: { Logit(alpha: 0) }, input: uniform([3, 3], 0.05, 0.95)),
            BijectorCase(name: "Exp", make: { Exp() }, input: normal([3, 3]), output: uniform([3, 3], 0.1, 3)),
            BijectorCase(name: "Tanh", make: { Tanh() }, input: normal([3, 3]), output: uniform([3, 3], -0.9, 0.9)),
            BijectorCase(name: "Softplus", make: { Softplus() }, input: normal([3, 3]), output: uniform([3, 3], 0.05, 3)),
            BijectorCase(name: "Affine(learnable)", make: { Affine(shape: [4]) }, input: v4),
            BijectorCase(name: "Affine(fixed, per channel, negative)",
                         make: { Affine(scale: Tensor(shape: [2, 1, 1], scalars: [-0.5, 2]), shift: Tensor([1])) },
                         input: normal([2, 2, 3, 3])),
            BijectorCase(name: "AffineCoupling(half)",
                         make: { AffineCoupling(features: 4, hidden: [6], activation: .tanh, generator: gen(1)) }, input: v4),
            BijectorCase(name: "AffineCoupling(alternating.flipped)",
                         make: { AffineCoupling(features: 5, mask: .alternating.flipped, hidden: [6], activation: .tanh, generator: gen(2)) },
                         input: normal([3, 5])),
            BijectorCase(name: "AffineCoupling(half, context)",
                         make: { AffineCoupling(features: 4, hidden: [6], contextFeatures: 2, activation: .tanh, generator: gen(3)) },
                         input: v4, context: normal([3, 2], seed: 30)),
            BijectorCase(name: "AffineCoupling(checkerboard)",
                         make: { AffineCoupling(channels: 2, mask: .checkerboard, hidden: 4, activation: .tanh, generator: gen(4)) }, input: image),
            BijectorCase(name: "AffineCoupling(channelWise, context)",
                         make: { AffineCoupling(channels: 4, mask: .channelWise, hidden: 4, contextFeatures: 2, activation: .tanh, generator: gen(5)) },
                         input: normal([2, 4, 2, 2]), context: normal([2, 2], seed: 31)),
            BijectorCase(name: "AdditiveCoupling(half)",
                         make: { AdditiveCoupling(features: 4, hidden: [6], activation: .tanh, generator: gen(6)) }, input: v4),
            BijectorCase(name: "AdditiveCoupling(checkerboard.flipped, context)",
                         make: { AdditiveCoupling(channels: 2, mask: .checkerboard.flipped, hidden: 4, contextFeatures: 1, activation: .tanh, generator: gen(7)) },
                         input: image, context: normal([2, 1], seed: 32)),
            BijectorCase(name: "ActNorm([N, D])", make: { initializedActNorm([3, 3]) }, input: normal([3, 3])),
            BijectorCase(name: "ActNorm([N, C, H, W])", make: { initializedActNorm([2, 2, 3, 3]) }, input: normal([2, 2, 3, 3])),
            BijectorCase(name: "InvertibleConv1x1([N, D])", make: { InvertibleConv1x1(channels: 4, generator: gen(8)) }, input: v4),
            BijectorCase(name: "InvertibleConv1x1([N, C, H, W])",
                         make: { InvertibleConv1x1(channels: 3, generator: gen(9)) }, input: normal([2, 3, 3, 3])),
            BijectorCase(name: "Permutation.reverse", make: { Permutation.reverse(features: 4) }, input: v4),
            BijectorCase(name: "Permutation.random(channels)",
                         make: { Permutation.random(features: 4, generator: gen(10)) }, input: normal([2, 4, 2, 2])),
            BijectorCase(name: "Squeeze", make: { Squeeze() }, input: image),
            BijectorCase(name: "Inverse(Squeeze)", make: { Inverse(Squeeze()) }, input: normal([2, 8, 2, 2])),
            BijectorCase(name: "EventReshape", make: { EventReshape(from: [4], to: [1, 2, 2]) }, input: v4),
            BijectorCase(name: "MultiScale(squeeze)",
                         make: { MultiScale(Chain(AffineCoupling(channels: 8, mask: .channelWise, hidden: 4, activation: .tanh, generator: gen(11)),
                                                  InvertibleConv1x1(channels: 8, generator: gen(12)))) },
                         input: normal([2, 4, 4, 4]), checkParameters: false),
            BijectorCase(name: "MultiScale(vector)",
                         make: { MultiScale(AffineCoupling(features: 2, hidden: [4], activation: .tanh, generator: gen(13)), squeeze: false) },
                         input: v4),
            BijectorCase(name: "Planar", make: { Planar(features: 3, generator: gen(14)) }, input: normal([3, 3])),
            BijectorCase(name: "Radial", make: { Radial(features: 3, generator: gen(15)) }, input: normal([3, 3])),
            BijectorCase(name: "BatchNormFlow(eval, [N, D])", make: { evalBatchNorm(3) }, input: normal([3, 3])),
            BijectorCase(name: "BatchNormFlow(eval, [N, C, H, W])", make: { evalBatchNorm(2) }, input: normal([2, 2, 3, 3])),
            BijectorCase(name: "Chain", make: {
                Chain(Affine(shape: [4]), AffineCoupling(features: 4, hidden: [4], activation: .tanh, generator: gen(16)), Permutation.reverse(features: 4),
                      Planar(features: 4, generator: gen(17)), Tanh())
            }, input: normal([3, 4], std: 0.5), output: uniform([3, 4], -0.8, 0.8)),
            BijectorCase(name: "Inverse(Chain, context)", make: {
                Inverse(Chain(AffineCoupling(features: 4, hidden: [4], contextFeatures: 2, activation: .tanh, generator: gen(18)),
                              Radial(features: 4, generator: gen(19)), Sigmoid()))
            }, input: uniform([3, 4], 0.1, 0.9), output: normal([3, 4]), context: normal([3, 2], seed: 33)),
        ]
    }

    /// The cases with their bijectors built and perturbed.
    func forEachCase(_ body: (BijectorCase, any Bijector) -> Void) {
        for c in Self.cases {
            let b = c.make()
            BijectorHarness.perturbParameters(b)
            body(c, b)
        }
    }

    func testRoundTripsInBothOrders() {
        var worst: Float = 0
        forEachCase { c, b in
            let e = BijectorHarness.roundTrip(c, b)
            XCTAssertLessThan(e.forward, 2e-4, "\(c.name): f⁻¹(f(x)) ≠ x")
            XCTAssertLessThan(e.reverse, 2e-4, "\(c.name): f(f⁻¹(y)) ≠ y")
            XCTAssertLessThan(e.logDets, 2e-4, "\(c.name): log det f + log det f⁻¹ ≠ 0")
            worst = max(worst, e.forward, e.reverse, e.logDets)
        }
        print("[bijectors] max round-trip error \(worst)")
    }

    func testLogDeterminantsMatchAutodiffJacobians() {
        var worst = 0.0
        forEachCase { c, b in
            let e = BijectorHarness.logDetErrors(c, b)
            XCTAssertLessThan(e.forward, 2e-3, "\(c.name): forward log|det J|")
            XCTAssertLessThan(e.inverse, 2e-3, "\(c.name): inverse log|det J|")
            worst = max(worst, e.forward, e.inverse)
        }
        print("[bijectors] max log-det error \(worst)")
    }

    func testGradientsMatchFiniteDifferences() {
        forEachCase { c, b in
            for (direction, result) in BijectorHarness.gradientChecks(c, b) {
                XCTAssertTrue(result.passed, "\(c.name) \(direction): \(result)")
            }
        }
    }
}
