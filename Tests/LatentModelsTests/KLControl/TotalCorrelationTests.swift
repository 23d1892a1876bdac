import Foundation
import XCTest
import LatentTensor
import LatentNN
import LatentData
@testable import LatentModels

/// The minibatch estimate of the total correlation of q(z) and the β-TCVAE objective built on it.
final class TotalCorrelationTests: XCTestCase {
    /// The estimator equals the same sums written out with loops in Double.
    func testMatchesABruteForceSum() {
        let g = RandomGenerator(seed: 1)
        let m = 5, l = 3, n = 40
        let loc = Tensor.normal([m, l], generator: g), logScale = Tensor.normal([m, l], generator: g) * 0.3
        let z = Tensor.normal([m, l], generator: g)
        let tc = TotalCorrelation.minibatchWeighted(z: z, posterior: DiagonalGaussian(loc: loc, logScale: logScale), datasetSize: n).scalars
        func logNormal(_ x: Double, _ mu: Double, _ logSigma: Double) -> Double {
            let s = exp(logSigma)
            return -0.5 * ((x - mu) / s) * ((x - mu) / s) - logSigma - 0.5 * log(2 * Double.pi)
        }
        let (zs, mus, lss) = (z.scalars.map(Double.init), loc.scalars.map(Double.init), logScale.scalars.map(Double.init))
        for i in 0..<m {
            func w(_ j: Int) -> Double { j == i ? 1 / Double(n) : Double(n - 1) / (Double(n) * Double(m - 1)) }
            var joint = 0.0, marginals = [Double](repeating: 0, count: l)
            for j in 0..<m {
                var logJ = 0.0
                for d in 0..<l {
                    let ld = logNormal(zs[i * l + d], mus[j * l + d], lss[j * l + d])
                    logJ += ld
                    marginals[d] += w(j) * exp(ld)
                }
                joint += w(j) * exp(logJ)
            }
            let expected = log(joint) - marginals.reduce(0) { $0 + log($1) }
            XCTAssertEqual(Double(tc[i]), expected, accuracy: 1e-4, "example \(i)")
        }
    }

    func testGradientsMatchFiniteDifferences() {
        let g = RandomGenerator(seed: 2)
        let inputs = [Tensor.normal([4, 2], generator: g), Tensor.normal([4, 2], generator: g) * 0.2, Tensor.normal([4, 2], generator: g)]
        let check = gradcheck(inputs, epsilon: 1e-3) {
            TotalCorrelation.minibatchWeighted(z: $0[2], posterior: DiagonalGaussian(loc: $0[0], logScale: $0[1]), datasetSize: 100).mean()
        }
        XCTAssertTrue(check.passed, check.description)
    }

    /// With the whole data in one batch (N = M) the estimate is the TC of the batch's aggregate
    /// posterior: near the Gaussian value −½ log(1 − ρ²) for codes that move together, near 0 for
    /// independent ones.
    func testDependentCodesHaveHighTCIndependentOnesLow() {
        let g = RandomGenerator(seed: 3)
        let m = 600, sigma: Float = 0.3
        let a = Tensor.normal([m, 1], generator: g), b = Tensor.normal([m, 1], generator: g)
        func tc(_ loc: Tensor) -> Double {
            let logScale = Tensor.zeros([m, 2]) + Float(log(Double(sigma)))
            let z = loc + Tensor.normal([m, 2], generator: g) * sigma
            return Double(TotalCorrelation.minibatchWeighted(z: z, posterior: DiagonalGaussian(loc: loc, logScale: logScale),
                                                             datasetSize: m).mean().item)
        }
        let rho = 1 / (1 + Double(sigma * sigma))
        let gaussian = -0.5 * log(1 - rho * rho)                    // 0.92 nats
        let dependent = tc(Tensor.concat([a, a], axis: 1)), independent = tc(Tensor.concat([a, b], axis: 1))
        XCTAssertEqual(dependent, gaussian, accuracy: 0.3, "dependent codes: \(dependent)")
        XCTAssertLessThan(abs(independent), 0.2, "independent codes: \(independent)")
    }

    /// The β-TCVAE loss is the ELBO loss plus (B − 1)·TC, and it is reported as a part.
    func testVAELossAddsTheWeightedTotalCorrelation() throws {
        let plain = try VAEConfiguration(imageShape: [1, 4, 4], latent: 3, hidden: [8], seed: 5).build()
        let tcvae = try VAEConfiguration(imageShape: [1, 4, 4], latent: 3, hidden: [8], totalCorrelationBeta: 6, seed: 5).build()
        XCTAssertEqual(tcvae.totalCorrelationWeight, 5)
        tcvae.totalCorrelationDatasetSize = 1000
        let x = Tensor.uniform([16, 1, 4, 4], generator: RandomGenerator(seed: 6))
        let a = plain.trainingLoss(Batch(x: x), step: 0, generator: RandomGenerator(seed: 7))
        let b = tcvae.trainingLoss(Batch(x: x), step: 0, generator: RandomGenerator(seed: 7))
        let tc = try XCTUnwrap(b.parts["tc"])
        XCTAssertNil(a.parts["tc"])
        XCTAssertEqual(Double(b.loss.item), Double(a.loss.item) + 5 * tc, accuracy: 1e-3)
        XCTAssertFalse(try VAEConfiguration(posteriorFlowLayers: 2, totalCorrelationBeta: 6).problems().isEmpty,
                       "the TC estimate needs the Gaussian posterior")
    }

    /// Training with the TC weight lowers the total correlation of the learned codes on held-out
    /// MNIST digits (same model, data and seed; only B differs).
    func testPenaltyLowersTheTotalCorrelationOfTrainedCodes() throws {
        let data = try ModelTestSupport.mnist5k()
        let test = data.test.inputs.slice(axis: 0, from: 0, to: 800)
        func trainedTC(_ b: Float) throws -> Double {
            let vae = try VAEConfiguration(latent: 8, hidden: [64], totalCorrelationBeta: b, seed: 4).build()
            vae.totalCorrelationDatasetSize = 3000
            let trainer = Trainer(model: vae, optimizer: Adam(vae.namedParameters(), learningRate: 2e-3),
                                  configuration: TrainerConfiguration(epochs: 4, seed: 2))
            try trainer.fit(train: DataLoader(data.train.prefix(3000), batchSize: 64, seed: 3))
            return withoutGrad {
                let q = vae.encoder(test)
                let z = q.rsample(1, generator: RandomGenerator(seed: 5)).squeezed(axis: 0)
                return Double(TotalCorrelation.minibatchWeighted(z: z, posterior: q, datasetSize: 800).mean().item)
            }
        }
        let plain = try trainedTC(1), penalized = try trainedTC(8)
        print("TC of held-out codes: B = 1 \(plain), B = 8 \(penalized)")
        XCTAssertLessThan(penalized, plain - 0.5)
    }
}
