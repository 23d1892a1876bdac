import XCTest
import LatentTestSupport
import Foundation
import LatentTensor
import LatentNN
import LatentProbability

/// Change of variables, sampling, conditioning and normalization of `TransformedDistribution`.
final class TransformedDistributionTests: XCTestCase {
    static func gen(_ seed: UInt64) -> RandomGenerator { RandomGenerator(seed: seed) }

    /// Points of an n×n midpoint grid over [low, high]², as `[n², 2]`, and the cell area.
    static func grid(_ low: Double, _ high: Double, _ n: Int) -> (points: Tensor, area: Double) {
        let h = (high - low) / Double(n)
        var values: [Float] = []
        values.reserveCapacity(2 * n * n)
        for i in 0..<n { for j in 0..<n { values += [Float(low + (Double(i) + 0.5) * h), Float(low + (Double(j) + 0.5) * h)] } }
        return (Tensor(shape: [n * n, 2], scalars: values), h * h)
    }

    /// Σ exp(log p) · cell area over the grid, and the fraction of 20 000 draws outside the square.
    static func integral(_ d: TransformedDistribution, over range: (Double, Double), cells n: Int,
                         context: Float? = nil) -> (integral: Double, outside: Double) {
        withoutGrad {
            let (points, area) = grid(range.0, range.1, n)
            let rows = { (count: Int) in context.map { Tensor.full([count, 1], $0) } }
            let logP = d.logProb(points, context: rows(points.shape[0]))
            XCTAssertFalse(logP.hasNonFinite, "log-density on the grid is not finite")
            let total = logP.scalars.reduce(0.0) { $0 + Foundation.exp(Double($1)) } * area
            let draws = d.sample([20_000], context: rows(20_000), generator: gen(77)).scalars
            var outside = 0
            for k in stride(from: 0, to: draws.count, by: 2)
            where !(Double(draws[k]) > range.0 && Double(draws[k]) < range.1 && Double(draws[k + 1]) > range.0 && Double(draws[k + 1]) < range.1) {
                outside += 1
            }
            return (total, Double(outside) / 20_000)
        }
    }

    /// Every bijector that acts on 2-d vectors (image layers through `EventReshape`), with
    /// perturbed parameters, arranged so that the chain maps ℝ² onto ℝ².
    static func everyBijector(contextFeatures: Int = 0) -> Chain {
        let actNorm = ActNorm(channels: 2)
        _ = actNorm.forward(Tensor.randn([32, 2], generator: gen(1)) * 1.5 + 0.5)
        let imageActNorm = ActNorm(channels: 2)
        _ = imageActNorm.forward(Tensor.randn([32, 2, 1, 1], generator: gen(2)) - 1)
        let batchNorm = BatchNormFlow(channels: 2)
        batchNorm.runningMean.value = Tensor([0.3, -0.2])
        batchNorm.runningVar.value = Tensor([1.4, 0.8])
        let chain = Chain([
            Affine(shape: [2]),
            AffineCoupling(features: 2, hidden: [8], contextFeatures: contextFeatures, activation: .tanh, generator: gen(3)),
            Permutation.reverse(features: 2),
            AdditiveCoupling(features: 2, mask: .half.flipped, hidden: [8], contextFeatures: contextFeatures, activation: .tanh, generator: gen(4)),
            actNorm,
            InvertibleConv1x1(channels: 2, generator: gen(5)),
            batchNorm,
            Planar(features: 2, generator: gen(6)),
            Radial(features: 2, generator: gen(7)),
            EventReshape(from: [2], to: [2, 1, 1]),
            AffineCoupling(channels: 2, mask: .channelWise, hidden: 4, activation: .tanh, generator: gen(8)),
            imageActNorm,
            InvertibleConv1x1(channels: 2, generator: gen(9)),
            EventReshape(from: [2, 1, 1], to: [1, 1, 2]),
            AffineCoupling(channels: 1, mask: .checkerboard, hidden: 4, activation: .tanh, generator: gen(10)),
            AdditiveCoupling(channels: 1, mask: .checkerboard.flipped, hidden: 4, activation: .tanh, generator: gen(11)),
            EventReshape(from: [1, 1, 2], to: [2]),
            MultiScale(Affine(shape: [1]), squeeze: false),
            Permutation.random(features: 2, generator: gen(12)),
            Affine(scale: Tensor([0.3, 0.3]), shift: Tensor([0, 0])),
            Exp(), Inverse(Softplus()),
            Softplus(), Inverse(Exp()),
            Sigmoid(), Logit(alpha: 0),
            Tanh(), Inverse(Tanh()),
            Affine(scale: Tensor([1.5, -1.2]), shift: Tensor([0.2, -0.1])),
        ])
        BijectorHarness.perturbParameters(chain, scale: 0.3, seed: 21)
        chain.eval()
        return chain
    }

    func testAStandardNormalThroughEveryBijectorIntegratesToOne() {
        let flow = TransformedDistribution(base: StandardNormal(eventShape: [2]), bijector: Self.everyBijector())
        let r = Self.integral(flow, over: (-6, 6), cells: 240)
        print("[flows] every-bijector chain: ∫p = \(r.integral), mass outside the square ≈ \(r.outside)")
        XCTAssertEqual(r.integral, 1 - r.outside, accuracy: 0.01)
        XCTAssertLessThan(r.outside, 0.01)
        // The chain is far from the identity: its density differs from the base's.
        let x = flow.sample([200], generator: Self.gen(50))
        let gap = (flow.logProb(x) - StandardNormal(eventShape: [2]).logProb(x)).abs().mean().item
        print("[flows] every-bijector chain: mean |log p − log N(0, I)| at its samples = \(gap)")
        XCTAssertGreaterThan(gap, 0.5)
    }

    func testAConditionalFlowIntegratesToOneForEachContext() {
        let flow = TransformedDistribution(base: StandardNormal(eventShape: [2]), bijector: Self.everyBijector(contextFeatures: 1))
        var integrals: [Double] = []
        for context: Float in [-1, 0.8] {
            let r = Self.integral(flow, over: (-6, 6), cells: 160, context: context)
            XCTAssertEqual(r.integral, 1 - r.outside, accuracy: 0.01, "context \(context)")
            integrals.append(r.integral)
        }
        print("[flows] conditional chain: ∫p = \(integrals)")
        let x = Tensor([[0.3, -0.4]])
        XCTAssertNotEqual(flow.logProb(x, context: Tensor([[-1]])).item, flow.logProb(x, context: Tensor([[0.8]])).item)
    }

    func testLogitWithMarginIntegratesToOneOverItsRange() {
        let alpha = 0.1
        let edge = Foundation.log((1 - alpha) / alpha)
        let flow = TransformedDistribution(base: StandardNormal(eventShape: [2]),
                                           bijector: Chain(Affine(scale: Tensor([0.8, 1.3]), shift: Tensor([0.2, 0])), Sigmoid(), Logit(alpha: Float(alpha))))
        let r = Self.integral(flow, over: (-edge, edge), cells: 200)
        print("[flows] logit(α = 0.1) box: ∫p = \(r.integral)")
        XCTAssertEqual(r.integral, 1, accuracy: 0.01)
    }

    func testAffineFlowIsTheNormalDistribution() {
        let flow = TransformedDistribution(base: StandardNormal(eventShape: [2]),
                                           bijector: Affine(scale: Tensor([2, -0.5]), shift: Tensor([1, 3])))
        let x = Tensor([[0.5, 2.0], [-1, 4]])
        let logP = flow.logProb(x)
        for n in 0..<2 {
            var expected = 0.0
            for (i, (mu, sigma)) in [(1.0, 2.0), (3.0, 0.5)].enumerated() {
                let z = (Double(x[n, i]) - mu) / sigma
                expected += -0.5 * z * z - Foundation.log(sigma) - 0.5 * Foundation.log(2 * Double.pi)
            }
            XCTAssertEqual(Double(logP[n]), expected, accuracy: 1e-5)
        }
        let analyticEntropy = Foundation.log(2.0) + Foundation.log(0.5) + (1 + Foundation.log(2 * Double.pi))
        XCTAssertEqual(Double(flow.entropyEstimate(samples: 4000, generator: Self.gen(3)).item), analyticEntropy, accuracy: 0.05)
    }

    func testShapesOfSamplesAndLogProbs() {
        let flow = TransformedDistribution(base: StandardNormal(eventShape: [3]), bijector: Planar(features: 3, generator: Self.gen(4)))
        let x = flow.sample([2, 5], generator: Self.gen(5))
        XCTAssertEqual(x.shape, [2, 5, 3])
        XCTAssertEqual(flow.logProb(x).shape, [2, 5])
        XCTAssertEqual(flow.logProb(x[0..<1].reshaped([5, 3]))[0], flow.logProb(x)[0, 0], accuracy: 1e-5)
        XCTAssertFalse(x.requiresGrad)

        let image = TransformedDistribution(base: StandardNormal(eventShape: [4, 1, 1]), bijector: Inverse(Squeeze()), eventShape: [1, 2, 2])
        XCTAssertEqual(image.sample([3], generator: Self.gen(6)).shape, [3, 1, 2, 2])
        XCTAssertEqual(image.logProb(Tensor.zeros([3, 1, 2, 2])).shape, [3])
        let wrong = TransformedDistribution(base: StandardNormal(eventShape: [4, 1, 1]), bijector: Inverse(Squeeze()))
        assertStops(withMessageContaining: ["TransformedDistribution.sample", "[1, 2, 2]", "eventShape"]) {
            _ = wrong.sample([2], generator: Self.gen(7))
        }
    }

    func testReparameterizedSamplesCarryGradientsAndTheirLogProbsMatch() {
        let coupling = AffineCoupling(features: 2, hidden: [8], activation: .tanh, generator: Self.gen(8))
        BijectorHarness.perturbParameters(coupling)
        let flow = TransformedDistribution(base: StandardNormal(eventShape: [2]), bijector: Chain(coupling, Radial(features: 2, generator: Self.gen(9))))
        XCTAssertTrue(flow.hasRSample)
        let (x, logP) = flow.rsampleAndLogProb([6], generator: Self.gen(10))
        XCTAssertLessThan(BijectorHarness.maxError(logP, flow.logProb(x)), 1e-4)
        (x.square().sum() + logP.sum()).backward()
        for (name, p) in coupling.namedParameters() {
            XCTAssertNotNil(p.grad, "\(name) received no gradient")
        }
    }

    func testContextSamplesOneDrawPerRow() {
        let flow = TransformedDistribution(base: StandardNormal(eventShape: [2]),
                                           bijector: AffineCoupling(features: 2, hidden: [4], contextFeatures: 3, generator: Self.gen(11)))
        let context = Tensor.randn([4, 3], generator: Self.gen(12))
        XCTAssertEqual(flow.sample([4], context: context, generator: Self.gen(13)).shape, [4, 2])
        assertStops(withMessageContaining: ["TransformedDistribution.sample", "context of shape [4, 3]", "(5)"]) {
            _ = flow.sample([5], context: context, generator: Self.gen(14))
        }
    }

    func testMomentsWithoutClosedFormStopWithAPointer() {
        let flow = TransformedDistribution(base: StandardNormal(eventShape: [2]), bijector: Tanh())
        assertStops(withMessageContaining: ["TransformedDistribution", "no closed-form mean", "sample"]) { _ = flow.mean }
        assertStops(withMessageContaining: ["TransformedDistribution", "no closed-form variance"]) { _ = flow.variance }
        assertStops(withMessageContaining: ["TransformedDistribution", "entropyEstimate"]) { _ = flow.entropy() }
    }

    /// A two-level multi-scale Glow on 1×4×4 images, data → latent, trained a few steps.
    func testMultiScaleGlowTrainsThroughLogProb() {
        func step(_ c: Int, _ seed: UInt64) -> [any Bijector] {
            [ActNorm(channels: c), InvertibleConv1x1(channels: c, generator: Self.gen(seed)),
             AffineCoupling(channels: c, mask: .channelWise, hidden: 8, generator: Self.gen(seed + 1))]
        }
        let glow = Chain([Squeeze()] + step(4, 20) + [MultiScale(Chain(step(8, 30)))])
        let flow = TransformedDistribution(base: StandardNormal(eventShape: [4, 2, 2]), bijector: Inverse(glow), eventShape: [1, 4, 4])
        let data = Tensor.uniform([16, 1, 4, 4], generator: Self.gen(40)) * 0.2 + Tensor.linspace(0, 1, count: 4).reshaped([1, 1, 1, 4])
        let optimizer = Adam(glow.namedParameters(), learningRate: 1e-2)
        var losses: [Float] = []
        for _ in 0..<8 {
            optimizer.zeroGrad()
            let loss = -flow.logProb(data).mean()
            loss.backward()
            optimizer.step()
            losses.append(loss.item)
        }
        XCTAssertLessThan(losses.last!, losses.first!, "\(losses)")
        XCTAssertEqual(flow.sample([2], generator: Self.gen(41)).shape, [2, 1, 4, 4])
    }
}
