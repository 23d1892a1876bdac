import XCTest
import LatentTensor
import LatentNN
import LatentProbability

/// MAF/IAF specifics: the direction convention (which side the MADE reads), the affine formulas,
/// the log-scale bound, and a short maximum-likelihood fit through a base density.
final class MaskedAutoregressiveFlowTests: XCTestCase {
    func testMAFInverseIsOneMADEPassOnTheData() {
        let maf = MaskedAutoregressiveFlow(features: 3, hiddenFeatures: [6], activation: .tanh)
        FlowLayerChecks.randomizeParameters(maf)
        let x = Tensor.uniform([4, 3], low: -1, high: 1, generator: RandomGenerator(seed: 2))
        let theta = withoutGrad { maf.made(x) }
        let (z, logDet) = withoutGrad { maf.inverseAndLogDet(x, context: nil) }
        for s in 0..<4 {
            var total: Float = 0
            for i in 0..<3 {
                let logScale = 3 * Foundation.tanh(theta[s, i, 1] / 3)
                XCTAssertEqual(z[s, i], (x[s, i] - theta[s, i, 0]) * Foundation.exp(-logScale), accuracy: 1e-5)
                total -= logScale
            }
            XCTAssertEqual(logDet[s], total, accuracy: 1e-5)
        }
    }

    func testIAFForwardIsOneMADEPassOnTheNoise() {
        let iaf = MaskedAutoregressiveFlow(features: 3, hiddenFeatures: [6], arrangement: .inverseAutoregressive,
                                           activation: .tanh, logScaleBound: 2)
        FlowLayerChecks.randomizeParameters(iaf)
        let z = Tensor.uniform([4, 3], low: -1, high: 1, generator: RandomGenerator(seed: 3))
        let theta = withoutGrad { iaf.made(z) }
        let (x, logDet) = withoutGrad { iaf.forwardAndLogDet(z, context: nil) }
        for s in 0..<4 {
            var total: Float = 0
            for i in 0..<3 {
                let logScale = 2 * Foundation.tanh(theta[s, i, 1] / 2)
                XCTAssertEqual(x[s, i], z[s, i] * Foundation.exp(logScale) + theta[s, i, 0], accuracy: 1e-5)
                total += logScale
            }
            XCTAssertEqual(logDet[s], total, accuracy: 1e-5)
        }
    }

    func testLogScalesStayInsideTheBound() {
        let maf = MaskedAutoregressiveFlow(features: 2, hiddenFeatures: [4], logScaleBound: 1.5)
        maf.made.output.bias.value = Tensor([0, 1e6, 0, -1e6])
        let x = Tensor([[1e3, -1e3]])
        let (y, logDet) = withoutGrad { maf.forwardAndLogDet(x, context: nil) }
        XCTAssertFalse(y.hasNonFinite)
        XCTAssertEqual(logDet.item, 0, accuracy: 1e-4, "+1.5 for the first feature, −1.5 for the second")
        XCTAssertEqual(y[0, 0], 1e3 * Foundation.exp(1.5), accuracy: 1)
    }

    func testStackedLayersFitACorrelatedGaussianByMaximumLikelihood() {
        let generator = RandomGenerator(seed: 17)
        let layers = [
            MaskedAutoregressiveFlow(features: 2, hiddenFeatures: [16], ordering: .sequential, generator: generator),
            MaskedAutoregressiveFlow(features: 2, hiddenFeatures: [16], ordering: .reversed, generator: generator),
        ]
        let base = StandardNormal(eventShape: [2])
        let e = Tensor.randn([128, 2], generator: generator)
        let data = Tensor.concat([e.slice(axis: 1, from: 0, to: 1),
                                  e.slice(axis: 1, from: 0, to: 1) * 0.9 + e.slice(axis: 1, from: 1, to: 2) * 0.3], axis: 1) * 2
        func negativeLogLikelihood() -> Tensor {
            var z = data
            var logDet = Tensor.zeros([128])
            for layer in layers.reversed() {
                let (next, ld) = layer.inverseAndLogDet(z, context: nil)
                z = next
                logDet = logDet + ld
            }
            return -(base.logProb(z) + logDet).mean()
        }
        let optimizer = Adam(layers.enumerated().flatMap { i, l in l.namedParameters().map { ("\(i).\($0.0)", $0.1) } },
                             learningRate: 1e-2)
        let start = withoutGrad { negativeLogLikelihood() }.item
        for _ in 0..<60 {
            optimizer.zeroGrad()
            negativeLogLikelihood().backward()
            optimizer.step()
        }
        let end = withoutGrad { negativeLogLikelihood() }.item
        print("MAF×2 fit: NLL \(start) → \(end) nats")
        XCTAssertLessThan(end, start - 0.5)
    }
}
