import XCTest
import Foundation
import LatentTensor
import LatentNN
import LatentProbability

/// Glow's learned prior on the factored-out channels: exact conditional Gaussian densities
/// (against a hand-written convolution), sampling, and the generic bijector checks.
final class SplitPriorTests: XCTestCase {
    /// A prior with non-zero (perturbed) convolution weights.
    private func perturbed(channels: Int, contextFeatures: Int = 0) -> SplitPrior {
        let layer = SplitPrior(channels: channels, contextFeatures: contextFeatures)
        BijectorHarness.perturbParameters(layer, scale: 0.3)
        return layer
    }

    func testNewLayerIsTheStandardNormalPrior() {
        let layer = SplitPrior(channels: 4)
        let x = Tensor.randn([2, 4, 3, 3], generator: RandomGenerator(seed: 1))
        let (y, logDet) = layer.forwardAndLogDet(x, context: nil)
        XCTAssertEqual(y.scalars, x.scalars)
        XCTAssertEqual(logDet.scalars, [0, 0])
        XCTAssertEqual(layer.namedParameters().map { $0.0 }, ["conditioner.weight", "conditioner.bias"])
    }

    /// On `[N, 2, 4, 4]` (one kept, one factored-out channel), log N(ε; 0, 1) + log|det| equals
    /// Σ log N(x₂; μ, σ²) with μ and log σ from a 3×3 zero-padded convolution written out by hand.
    func testDensityIsTheConditionalGaussianOfAHandWrittenConvolution() {
        let layer = perturbed(channels: 2)
        let x = Tensor.randn([3, 2, 4, 4], generator: RandomGenerator(seed: 2))
        let (epsilon, logDet) = withoutGrad { layer.forwardAndLogDet(x, context: nil) }
        let standard = epsilon.slice(axis: 1, from: 1, to: 2).scalars
        let w = layer.conditioner.weight.value.scalars, b = layer.conditioner.bias!.value.scalars
        let v = x.scalars
        for n in 0..<3 {
            var expected = 0.0, viaLayer = Double(logDet[n])
            for h in 0..<4 {
                for c in 0..<4 {
                    var out = [Double(b[0]), Double(b[1])]
                    for o in 0..<2 {
                        for i in 0..<3 {
                            for j in 0..<3 {
                                let (hh, cc) = (h + i - 1, c + j - 1)
                                guard (0..<4).contains(hh) && (0..<4).contains(cc) else { continue }
                                out[o] += Double(w[o * 9 + i * 3 + j]) * Double(v[n * 32 + hh * 4 + cc])
                            }
                        }
                    }
                    let (mean, logScale) = (out[0], out[1])
                    let x2 = Double(v[n * 32 + 16 + h * 4 + c])
                    expected += -0.5 * pow((x2 - mean) / exp(logScale), 2) - logScale - 0.5 * log(2 * Double.pi)
                    let e = Double(standard[n * 16 + h * 4 + c])
                    viaLayer += -0.5 * e * e - 0.5 * log(2 * Double.pi)
                }
            }
            XCTAssertEqual(viaLayer, expected, accuracy: 1e-3)
            let kept = x.slice(axis: 1, from: 0, to: 1)
            let viaDistribution = withoutGrad {
                layer.distribution(given: kept, context: nil).logProb(x.slice(axis: 1, from: 1, to: 2))
            }
            XCTAssertEqual(Double(viaDistribution[n]), expected, accuracy: 1e-3)
        }
    }

    /// The inverse draws x₂ ~ N(μ(x₁), σ(x₁)²) from ε ~ N(0, 1): sample moments per pixel.
    func testInverseSamplesTheConditionalGaussian() {
        let layer = perturbed(channels: 2)
        let count = 4_000
        let kept = Tensor.randn([1, 1, 2, 2], generator: RandomGenerator(seed: 3)).expanded(to: [count, 1, 2, 2])
        let epsilon = Tensor.randn([count, 1, 2, 2], generator: RandomGenerator(seed: 4))
        let x = withoutGrad { layer.inverse(Tensor.concat([kept, epsilon], axis: 1)) }
        let (mean, logScale) = withoutGrad { layer.meanAndLogScale(given: kept.slice(axis: 0, from: 0, to: 1), context: nil) }
        let drawn = x.slice(axis: 1, from: 1, to: 2)
        let sampleMean = drawn.mean(axis: 0).scalars, sampleStd = drawn.variance(axis: 0).sqrt().scalars
        for p in 0..<4 {
            let sigma = exp(logScale.scalars[p])
            XCTAssertEqual(sampleMean[p], mean.scalars[p], accuracy: 0.06 * sigma)
            XCTAssertEqual(sampleStd[p], sigma, accuracy: 0.05 * sigma)
        }
        XCTAssertEqual(x.slice(axis: 1, from: 0, to: 1).scalars, kept.scalars)
    }

    /// Round trips, log-determinants against the autodiff Jacobian, gradients against finite
    /// differences (input, context, convolution weights), on `[2, C, 2, 2]`.
    func testBijectorContract() {
        let cases = [
            BijectorCase(name: "SplitPrior(4)", make: { self.perturbed(channels: 4) },
                         input: Tensor.randn([2, 4, 2, 2], generator: RandomGenerator(seed: 5))),
            BijectorCase(name: "SplitPrior(3, context)", make: { self.perturbed(channels: 3, contextFeatures: 2) },
                         input: Tensor.randn([2, 3, 2, 2], generator: RandomGenerator(seed: 6)),
                         context: Tensor.randn([2, 2], generator: RandomGenerator(seed: 7))),
        ]
        for c in cases {
            let b = c.make()
            let trip = BijectorHarness.roundTrip(c, b)
            XCTAssertLessThan(max(trip.forward, trip.reverse, trip.logDets), 1e-4, c.name)
            let errors = BijectorHarness.logDetErrors(c, b)
            XCTAssertLessThan(max(errors.forward, errors.inverse), 1e-3, c.name)
            for (direction, result) in BijectorHarness.gradientChecks(c, b) {
                XCTAssertTrue(result.passed, "\(c.name) \(direction): \(result)")
            }
        }
    }
}
