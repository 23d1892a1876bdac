import XCTest
import Foundation
import LatentTensor
import LatentProbability

/// Each closed-form KL against its Monte Carlo estimate, plus the VAE's KL term by hand.
final class KLDivergenceTests: XCTestCase {
    func assertAnalyticMatchesMonteCarlo(_ p: any Distribution, _ q: any Distribution, _ name: String, tolerance: Float = 0.03,
                                         file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(KLDivergence.hasClosedForm(p, q), "\(name) has no closed form", file: file, line: line)
        let analytic = klDivergence(p, q)
        let mc = KLDivergence.monteCarlo(p, q, samples: 100_000, generator: RandomGenerator(seed: 9))
        XCTAssertEqual(analytic.shape, mc.shape, name, file: file, line: line)
        for i in 0..<analytic.count {
            XCTAssertGreaterThanOrEqual(analytic[flat: i], -1e-6, "\(name): KL ≥ 0", file: file, line: line)
            XCTAssertEqual(mc[flat: i], analytic[flat: i], accuracy: tolerance * Swift.max(1, analytic[flat: i]), "\(name)[\(i)]", file: file, line: line)
        }
    }

    func testClosedFormsAgainstMonteCarlo() {
        assertAnalyticMatchesMonteCarlo(Normal(loc: Tensor([0.5, -1]), logScale: Tensor([0.3, -0.5])),
                                        Normal(loc: Tensor([0, 1]), logScale: Tensor([0, 0.2])), "Normal‖Normal")
        let q = Normal(loc: Tensor([[0.5, -1, 0.2]]), logScale: Tensor([[0.3, -0.5, 0]])).independent(1)
        assertAnalyticMatchesMonteCarlo(q, StandardNormal(eventShape: [3]), "diag Normal‖N(0, I)")
        assertAnalyticMatchesMonteCarlo(q, Normal(loc: Tensor([[0, 0, 1]]), logScale: Tensor([[0.1, 0, 0]])).independent(1), "Independent‖Independent")
        assertAnalyticMatchesMonteCarlo(Bernoulli(logits: Tensor([-1, 2])), Bernoulli(logits: Tensor([0.5, 0.5])), "Bernoulli‖Bernoulli")
        assertAnalyticMatchesMonteCarlo(Categorical(logits: Tensor([[0, 1, 2]])), Categorical(logits: Tensor([[1, 1, 0]])), "Categorical‖Categorical")
        assertAnalyticMatchesMonteCarlo(Laplace(loc: Tensor([0, 1]), scale: Tensor([1, 0.5])), Laplace(loc: Tensor([0.5, 0]), scale: Tensor([2, 1])), "Laplace‖Laplace")
        assertAnalyticMatchesMonteCarlo(Uniform(low: Tensor([0]), high: Tensor([1])), Uniform(low: Tensor([-1]), high: Tensor([3])), "Uniform‖Uniform")
    }

    func testVAETermByHand() {
        // KL(N(μ, σ²) ‖ N(0, 1)) = ½(σ² + μ² − 1 − log σ²) summed: μ = (1, 0), σ = (1, e^0.5).
        let q = Normal(loc: Tensor([[1, 0]]), logScale: Tensor([[0, 0.5]])).independent(1)
        let kl = klDivergence(q, StandardNormal(eventShape: [2]))
        XCTAssertEqual(kl.shape, [1])
        XCTAssertEqual(Double(kl[0]), 0.5 * 1 + 0.5 * (Foundation.exp(1.0) - 1 - 1), accuracy: 1e-5)
        XCTAssertEqual(klDivergence(q, q).sum().item, 0, accuracy: 1e-6)
    }

    func testMonteCarloFallbackForPairsWithoutClosedForm() {
        let p = Logistic(loc: Tensor([0]), scale: Tensor([1])), q = Normal(loc: Tensor([0]), logScale: Tensor([0.5]))
        XCTAssertFalse(KLDivergence.hasClosedForm(p, q))
        // Reference by quadrature of p(x)·(log p(x) − log q(x)) on [−40, 40].
        var ref = 0.0
        let h = 0.001
        for i in 0..<80_000 {
            let x = -40 + (Double(i) + 0.5) * h
            let lp = -x - 2 * Foundation.log1p(Foundation.exp(-x)), lq = -0.5 * x * x / Foundation.exp(1.0) - 0.5 - 0.5 * Foundation.log(2 * Double.pi)
            ref += Foundation.exp(lp) * (lp - lq) * h
        }
        let estimate = klDivergence(p, q, samples: 200_000, generator: RandomGenerator(seed: 10))
        XCTAssertEqual(Double(estimate[0]), ref, accuracy: 0.01)
    }

    func testKLGradientFlowsIntoTheEncoderParameters() {
        let mu = Tensor([[0.3, -0.2]]), ls = Tensor([[0.1, -0.4]])
        let r = gradcheck([mu, ls]) { klDivergence(Normal(loc: $0[0], logScale: $0[1]).independent(1), StandardNormal(eventShape: [2])) }
        XCTAssertTrue(r.passed, r.description)
    }
}
