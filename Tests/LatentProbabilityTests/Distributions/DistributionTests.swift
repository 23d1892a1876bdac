import XCTest
import Foundation
import LatentTensor
import LatentProbability

/// Every distribution: log-densities against closed forms at chosen points, sample moments
/// against the analytic mean and variance (tolerance from the sample size), entropy against
/// −E[log p], and reparameterized draws' gradients by finite differences.
final class DistributionTests: XCTestCase {
    /// The distributions under test, built from parameter tensors so gradcheck can vary them.
    struct Case {
        let name: String
        let params: [Tensor]
        let make: ([Tensor]) -> any Distribution
    }

    static let cases: [Case] = [
        Case(name: "Normal", params: [Tensor([0.5, -1]), Tensor([0.2, -0.3])]) { Normal(loc: $0[0], logScale: $0[1]) },
        Case(name: "Laplace", params: [Tensor([0.5, -1]), Tensor([0.7, 1.5])]) { Laplace(loc: $0[0], scale: $0[1]) },
        Case(name: "Logistic", params: [Tensor([0.5, -1]), Tensor([0.7, 1.5])]) { Logistic(loc: $0[0], scale: $0[1]) },
        Case(name: "Uniform", params: [Tensor([-1, 2]), Tensor([0.5, 5])]) { Uniform(low: $0[0], high: $0[1]) },
        Case(name: "Bernoulli", params: [Tensor([-1.5, 0.3])]) { Bernoulli(logits: $0[0]) },
        Case(name: "ContinuousBernoulli", params: [Tensor([-2, 0.001, 1.5])]) { ContinuousBernoulli(logits: $0[0]) },
        Case(name: "Independent(Normal)", params: [Tensor([[0.5, -1], [2, 0]]), Tensor([[0.2, -0.3], [0, 0.1]])]) {
            Normal(loc: $0[0], logScale: $0[1]).independent(1)
        },
    ]

    func testSampleMomentsMatchAnalyticMoments() {
        let n = 40_000
        for c in Self.cases {
            let d = c.make(c.params)
            let x = d.sample([n], generator: RandomGenerator(seed: 1))
            XCTAssertEqual(x.shape, [n] + d.batchShape + d.eventShape, c.name)
            let mean = x.mean(axis: 0), variance = x.variance(axis: 0)
            for i in 0..<mean.count {
                let mu = d.mean[flat: i], v = d.variance[flat: i]
                // 5 standard errors: sd(mean) = √(v/n); sd(var) ≤ √(8v²/n) covers every case here (kurtosis ≤ 6).
                XCTAssertEqual(mean[flat: i], mu, accuracy: 5 * (v / Float(n)).squareRoot(), "\(c.name) mean[\(i)]")
                XCTAssertEqual(variance[flat: i], v, accuracy: 5 * (8 * v * v / Float(n)).squareRoot(), "\(c.name) variance[\(i)]")
            }
        }
    }

    func testEntropyMatchesMonteCarlo() {
        for c in Self.cases {
            let d = c.make(c.params)
            let analytic = d.entropy(), estimate = d.entropyEstimate(samples: 40_000, generator: RandomGenerator(seed: 2))
            XCTAssertEqual(analytic.shape, d.batchShape, c.name)
            for i in 0..<analytic.count {
                XCTAssertEqual(estimate[flat: i], analytic[flat: i], accuracy: 0.03 * Swift.max(1, Swift.abs(analytic[flat: i])), "\(c.name) entropy[\(i)]")
            }
        }
    }

    func testReparameterizedGradients() {
        for c in Self.cases where c.make(c.params).hasRSample {
            let r = gradcheck(c.params, epsilon: 1e-3) { p in
                // The same noise on every evaluation: a fresh generator with a fixed seed.
                c.make(p).rsample([3], generator: RandomGenerator(seed: 3))
            }
            XCTAssertTrue(r.passed, "\(c.name): \(r)")
            // log p at the mean (inside every support), differentiated in the parameters.
            let point = withoutGrad { c.make(c.params).mean }
            let l = gradcheck(c.params, epsilon: 1e-3) { p in c.make(p).logProb(point) }
            XCTAssertTrue(l.passed, "\(c.name) logProb: \(l)")
        }
    }

    func testLogProbAtChosenPoints() {
        let ln2pi = Foundation.log(2 * Double.pi)
        func close(_ t: Tensor, _ expected: [Double], _ name: String, accuracy: Double = 1e-5) {
            XCTAssertEqual(t.count, expected.count, name)
            for (a, e) in zip(t.scalars, expected) { XCTAssertEqual(Double(a), e, accuracy: accuracy * Swift.max(1, Swift.abs(e)), name) }
        }
        // N(1, 2²) at 0 and 3: −(x−1)²/8 − log 2 − ½ log 2π.
        close(Normal(loc: Tensor([1]), scale: Tensor([2])).logProb(Tensor([0, 3])),
              [-1.0 / 8 - Foundation.log(2) - 0.5 * ln2pi, -4.0 / 8 - Foundation.log(2) - 0.5 * ln2pi], "Normal")
        close(Normal(loc: Tensor([1]), logVariance: Tensor([Float(Foundation.log(4.0))])).logProb(Tensor([3])),
              [-0.5 - Foundation.log(2) - 0.5 * ln2pi], "Normal(logVariance)")
        close(StandardNormal(eventShape: [2]).logProb(Tensor([[1, 2]])), [-2.5 - ln2pi], "StandardNormal")
        close(Laplace(loc: Tensor([0]), scale: Tensor([2])).logProb(Tensor([3])), [-1.5 - Foundation.log(4)], "Laplace")
        close(Logistic(loc: Tensor([0]), scale: Tensor([1])).logProb(Tensor([0, 2])),
              [Foundation.log(0.25), -2 - 2 * Foundation.log1p(Foundation.exp(-2))], "Logistic")
        let u = Uniform(low: Tensor([0]), high: Tensor([4])).logProb(Tensor([1, 5]))
        XCTAssertEqual(Double(u[0]), -Foundation.log(4), accuracy: 1e-6)
        XCTAssertEqual(u[1], -.infinity)
        close(Bernoulli(probabilities: Tensor([0.25])).logProb(Tensor([1, 0])), [Foundation.log(0.25), Foundation.log(0.75)], "Bernoulli")
        // Extreme logits stay finite where the probabilities round to 0 or 1.
        let extreme = Bernoulli(logits: Tensor([100, -100])).logProb(Tensor([0, 1]))
        close(extreme, [-100, -100], "Bernoulli extreme logits", accuracy: 1e-4)
        close(Categorical(logits: Tensor([[0, Float(Foundation.log(3.0))]])).logProb(Tensor([1, 0])),
              [Foundation.log(0.75), Foundation.log(0.25)], "Categorical")
        // Continuous Bernoulli at λ = σ(l): C = l / tanh(l/2).
        let l = 1.5
        let lam = 1 / (1 + Foundation.exp(-l))
        close(ContinuousBernoulli(logits: Tensor([Float(l)])).logProb(Tensor([0.3])),
              [Foundation.log(l / Foundation.tanh(l / 2)) + 0.3 * Foundation.log(lam) + 0.7 * Foundation.log(1 - lam)], "ContinuousBernoulli")
        close(ContinuousBernoulli(logits: Tensor([0])).logProb(Tensor([0.9])), [Foundation.log(2) + Foundation.log(0.5)], "ContinuousBernoulli at 0")
    }

    func testContinuousBernoulliIntegratesToOne() {
        for l: Float in [-3, -0.004, 0, 0.5, 4] {
            let n = 4000
            let x = Tensor((0..<n).map { (Float($0) + 0.5) / Float(n) })
            let density = ContinuousBernoulli(logits: Tensor([l])).logProb(x).exp()
            XCTAssertEqual(density.sum().item / Float(n), 1, accuracy: 1e-3, "logit \(l)")
        }
    }

    func testDiscretizedLogisticMassesSumToOne() {
        let levels = Tensor((0..<256).map { Float($0) / 255 })
        for (mu, ls): (Float, Float) in [(0.5, -2), (0.02, -4), (0.97, -1), (0.3, -7), (1.2, 0)] {
            let d = DiscretizedLogistic(loc: Tensor([mu]), logScale: Tensor([ls]))
            let total = d.logProb(levels).exp().sum().item
            XCTAssertEqual(total, 1, accuracy: 2e-3, "μ \(mu) log s \(ls)")
            let x = d.sample([2000], generator: RandomGenerator(seed: 4))
            XCTAssertTrue(x.scalars.allSatisfy { ($0 * 255).rounded() == $0 * 255 && $0 >= 0 && $0 <= 1 }, "samples lie on the levels")
        }
        XCTAssertFalse(DiscretizedLogistic(loc: Tensor([0.5]), logScale: Tensor([-7])).logProb(levels).hasNonFinite)
    }

    /// PixelCNN++'s likelihood: a per-pixel mixture of 3 discretized logistics is still a
    /// distribution over the 256 levels.
    func testMixtureOfDiscretizedLogisticsMassesSumToOne() {
        let components = DiscretizedLogistic(loc: Tensor([[0.1, 0.5, 0.9]]), logScale: Tensor([[-3, -2, -4]]))
        let mix = MixtureSameFamily(mixtureLogits: Tensor([[0.2, -1, 0.5]]), components: components)
        XCTAssertEqual(mix.batchShape, [1])
        let levels = Tensor(shape: [256, 1], scalars: (0..<256).map { Float($0) / 255 })
        XCTAssertEqual(mix.logProb(levels).exp().sum().item, 1, accuracy: 2e-3)
        let r = gradcheck([Tensor([[0.2, -1, 0.5]])]) {
            MixtureSameFamily(mixtureLogits: $0[0], components: components).logProb(Tensor([[0.5]]))
        }
        XCTAssertTrue(r.passed, r.description)
    }

    func testCategoricalSamplingFrequencies() {
        let c = Categorical(logits: Tensor([0, 1, 2]).log())
        let x = c.sample([30_000], generator: RandomGenerator(seed: 5))
        for k in 0..<3 {
            let freq = x.eq(Float(k)).mean().item
            XCTAssertEqual(freq, Float(k) / 3, accuracy: 0.012, "class \(k)")
        }
        XCTAssertEqual(c.entropy().item, Float(-(1.0 / 3 * Foundation.log(1.0 / 3) + 2.0 / 3 * Foundation.log(2.0 / 3))), accuracy: 1e-5)
    }

    func testMixtureOfGaussians() {
        // Two 2-d components with weights ¼, ¾.
        let locs = Tensor([[-2, 0], [2, 1]]), logScales = Tensor([[0, 0], [Float(Foundation.log(0.5)), 0]])
        let mix = MixtureSameFamily(mixtureLogits: Tensor([0, Float(Foundation.log(3.0))]),
                                    components: Normal(loc: locs, logScale: logScales).independent(1))
        XCTAssertEqual(mix.batchShape, [])
        XCTAssertEqual(mix.eventShape, [2])
        let x = Tensor([[0.5, 0.5]])
        func diag(_ m: [Double], _ s: [Double]) -> Double {
            var total = 0.0
            for i in 0..<2 {
                let z: Double = (0.5 - m[i]) / s[i]
                total += -0.5 * z * z - Foundation.log(s[i]) - 0.5 * Foundation.log(2 * Double.pi)
            }
            return total
        }
        let expected = Foundation.log(0.25 * Foundation.exp(diag([-2, 0], [1, 1])) + 0.75 * Foundation.exp(diag([2, 1], [0.5, 1])))
        XCTAssertEqual(Double(mix.logProb(x)[0]), expected, accuracy: 1e-5)
        let s = mix.sample([40_000], generator: RandomGenerator(seed: 6))
        XCTAssertEqual(s.shape, [40_000, 2])
        let m = s.mean(axis: 0), v = s.variance(axis: 0)
        XCTAssertTrue(m.isClose(to: mix.mean, rtol: 0, atol: 0.05), "\(m) vs \(mix.mean)")
        XCTAssertTrue(v.isClose(to: mix.variance, rtol: 0.03, atol: 0.03), "\(v) vs \(mix.variance)")
    }
}
