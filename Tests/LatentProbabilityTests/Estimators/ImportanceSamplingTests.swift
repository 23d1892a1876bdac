import XCTest
import Foundation
import LatentTensor
import LatentProbability

/// The lecture's identities on a model where everything has a closed form:
/// z ~ N(0, 1), x | z ~ N(z, s²) ⇒ p(x) = N(0, 1 + s²), p(z | x) = N(x/(1 + s²), s²/(1 + s²)).
final class ImportanceSamplingTests: XCTestCase {
    let s2: Float = 0.5
    let x = Tensor([0.3, -1.2, 2.0])

    /// log p(x, z) for z `[K, N]`.
    func logJoint(_ z: Tensor) -> Tensor {
        Normal(loc: Tensor.zeros([1]), logScale: Tensor([0])).logProb(z)
            + Normal(loc: z, logScale: Tensor([0.5 * Float(Foundation.log(Double(s2)))])).logProb(x)
    }

    var exactLogMarginal: [Double] {
        x.scalars.map { -0.5 * Double($0 * $0) / Double(1 + s2) - 0.5 * Foundation.log(2 * Double.pi * Double(1 + s2)) }
    }

    func testExactPosteriorGivesZeroGapAndExactEstimates() {
        let post = Normal(loc: x / (1 + s2), logScale: Tensor([0.5 * Float(Foundation.log(Double(s2 / (1 + s2))))]))
        let lm = ImportanceSampling.logMarginal(samples: 10, proposal: post, generator: RandomGenerator(seed: 1), logJoint: logJoint)
        let elbo = ImportanceSampling.elbo(samples: 10, proposal: post, generator: RandomGenerator(seed: 2), logJoint: logJoint)
        for i in 0..<3 {
            XCTAssertEqual(Double(lm[i]), exactLogMarginal[i], accuracy: 1e-4, "every weight equals p(x) when q is the posterior")
            XCTAssertEqual(Double(elbo[i]), exactLogMarginal[i], accuracy: 1e-4)
        }
    }

    func testPriorProposalGapEqualsPosteriorKL() {
        // q = prior: ELBO = log p(x) − KL(q ‖ p(z|x)), and the KL has a closed form.
        let prior = Normal(loc: Tensor.zeros([3]), logScale: Tensor.zeros([3]))
        let post = Normal(loc: x / (1 + s2), logScale: Tensor([0.5 * Float(Foundation.log(Double(s2 / (1 + s2))))]))
        let kl = klDivergence(prior, post)
        let elbo = ImportanceSampling.elbo(samples: 200_000, proposal: prior, generator: RandomGenerator(seed: 3), logJoint: logJoint)
        let iw = ImportanceSampling.logMarginal(samples: 200_000, proposal: prior, generator: RandomGenerator(seed: 4), logJoint: logJoint)
        let iw10 = ImportanceSampling.logMarginal(samples: 10, proposal: prior, generator: RandomGenerator(seed: 5), logJoint: logJoint)
        for i in 0..<3 {
            XCTAssertEqual(Double(elbo[i]), exactLogMarginal[i] - Double(kl[i]), accuracy: 0.02, "log p(x) = ELBO + KL(q ‖ p(z|x))")
            XCTAssertEqual(Double(iw[i]), exactLogMarginal[i], accuracy: 0.01, "many importance samples recover log p(x)")
            XCTAssertLessThan(Double(elbo[i]), exactLogMarginal[i])
            XCTAssertLessThan(elbo[i], iw10[i] + 0.05, "the K = 10 bound is tighter than the ELBO (up to noise)")
        }
        let gap = ImportanceSampling.jensenGap(marginalSamples: 200_000, elboSamples: 200_000, proposal: prior,
                                               generator: RandomGenerator(seed: 6), logJoint: logJoint)
        for i in 0..<3 { XCTAssertEqual(gap[i], kl[i], accuracy: 0.03) }
    }
}
