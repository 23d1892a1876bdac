import XCTest
import Foundation
import LatentTensor
import LatentNN
@testable import LatentProbability

/// Residual blocks: the spectral normalization against a brute-force singular value, the
/// Lipschitz bound, the fixed-point inverse, the exact log-determinant against a finite-difference
/// Jacobian, the Russian-roulette estimator against the exact value, and gradients.
final class ResidualBlockTests: XCTestCase {
    /// σ_max of a row-major m×n matrix by 3,000 Double power iterations on WᵀW.
    private func largestSingularValue(_ w: Tensor) -> Double {
        let (m, n) = (w.shape[0], w.shape[1])
        let a = w.scalars.map(Double.init)
        var v = (0..<n).map { Double($0 % 3) + 0.5 }
        var sigma = 0.0
        for _ in 0..<3_000 {
            let u = (0..<m).map { i in (0..<n).reduce(0.0) { $0 + a[i * n + $1] * v[$1] } }
            var next = (0..<n).map { j in (0..<m).reduce(0.0) { $0 + a[$1 * n + j] * u[$1] } }
            let norm = next.reduce(0) { $0 + $1 * $1 }.squareRoot()
            next = next.map { $0 / norm }
            sigma = norm.squareRoot()
            v = next
        }
        return sigma
    }

    /// A large weight is scaled down to spectral norm c (σ̂ within 1e-3 of the brute-force σ_max
    /// after the initial iterations); a small one is left as it is.
    func testNormalizedWeightHasSpectralNormAtMostTheCoefficient() {
        let layer = SpectralNormLinear(5, 7, coefficient: 0.9, generator: RandomGenerator(seed: 1))
        layer.weight.value = (layer.weight.value * 4).detached().requiringGrad()
        layer.powerIterate(100)
        let sigma = largestSingularValue(layer.weight.value)
        XCTAssertGreaterThan(sigma, 1.5)
        XCTAssertEqual(Double(layer.spectralNormEstimate), sigma, accuracy: 1e-3 * sigma)
        let normalized = withoutGrad { layer.normalizedWeight() }
        XCTAssertLessThanOrEqual(largestSingularValue(normalized), 0.9 + 1e-3)
        XCTAssertEqual(largestSingularValue(normalized), 0.9, accuracy: 1e-3)

        let small = SpectralNormLinear(4, 3, coefficient: 0.9, generator: RandomGenerator(seed: 2))
        small.weight.value = (small.weight.value * 0.05).detached().requiringGrad()
        small.powerIterate(50)
        XCTAssertEqual(withoutGrad { small.normalizedWeight() }.scalars, small.weight.value.scalars)
    }

    /// |g(a) − g(b)| ≤ c³·|a − b| over 2,000 random pairs (3 layers, c = 0.9), and the block is
    /// therefore a contraction away from the identity.
    func testResidualBranchIsLipschitzBelowOne() {
        let g = LipschitzNetwork(features: 3, hidden: [3, 3], coefficient: 0.9, generator: RandomGenerator(seed: 3))
        Self.saturate(g)
        let gen = RandomGenerator(seed: 4)
        let a = Tensor.randn([2_000, 3], generator: gen)
        let b = a + Tensor.randn([2_000, 3], generator: gen) * 0.3
        let (ga, gb) = withoutGrad { (g(a, context: nil).scalars, g(b, context: nil).scalars) }
        let (av, bv) = (a.scalars, b.scalars)
        var worst = 0.0
        for row in 0..<2_000 {
            let dx = (0..<3).reduce(0.0) { $0 + pow(Double(av[row * 3 + $1] - bv[row * 3 + $1]), 2) }.squareRoot()
            let dg = (0..<3).reduce(0.0) { $0 + pow(Double(ga[row * 3 + $1] - gb[row * 3 + $1]), 2) }.squareRoot()
            worst = max(worst, dg / dx)
        }
        XCTAssertLessThanOrEqual(worst, pow(0.9, 3) + 1e-3)
        XCTAssertGreaterThan(worst, 0.4, "the test should exercise a branch that is far from constant")
    }

    /// Sets every layer of a D → D → D → D network to 3·A (normalized down to σ = c) and its bias
    /// to 1.5 (LipSwish slopes near 0.9), so that Lip g comes near its bound c³ — random weights
    /// give Jacobians too small for the higher series terms to matter.
    private static func saturate(_ network: LipschitzNetwork) {
        let d = network.features
        let a: [Float] = d == 2 ? [2, 1, -1, 2] : [2, 1, 0, -1, 2, 0.5, 0, 0.5, 2]
        for layer in network.layers {
            layer.weight.value = Tensor(shape: [d, d], scalars: a.map { 3 * $0 }).requiringGrad()
            layer.bias.value = Tensor.full([d], 1.5).requiringGrad()
            layer.powerIterate(100)
        }
    }

    /// A block (D ∈ {2, 3}, g: D → D → D → D) with saturated spectral norms, in evaluation mode (exact log-det).
    private func saturatedBlock(features: Int, seed: UInt64, settings: ResidualBlock.Settings = ResidualBlock.Settings()) -> ResidualBlock {
        let block = ResidualBlock(features: features, hidden: [features, features], settings: settings, generator: RandomGenerator(seed: seed))
        Self.saturate(block.network)
        block.eval()
        return block
    }

    /// f⁻¹(f(x)) = x to 1e-4 by the fixed-point iteration, and the two log-determinants cancel.
    func testInverseUndoesForward() {
        let block = saturatedBlock(features: 2, seed: 5)
        let x = Tensor.randn([64, 2], generator: RandomGenerator(seed: 6)) * 2
        let (y, forwardLogDet) = withoutGrad { block.forwardAndLogDet(x, context: nil) }
        let (back, inverseLogDet) = block.inverseAndLogDet(y, context: nil)
        for (a, b) in zip(back.scalars, x.scalars) { XCTAssertEqual(a, b, accuracy: 1e-4) }
        for (a, b) in zip(forwardLogDet.scalars, inverseLogDet.scalars) { XCTAssertEqual(a, -b, accuracy: 1e-4) }
        let report = try! XCTUnwrap(block.lastInverse)
        XCTAssertEqual(report.unconverged, 0)
        XCTAssertLessThan(report.iterations, 100)
    }

    /// A conditional block (context concatenated to g's input): the context changes y, the inverse
    /// with the same context recovers x, and the exact log-det still matches its inverse's.
    func testConditionalBlockRoundTrips() {
        let block = ResidualBlock(features: 2, hidden: [8], contextFeatures: 3, generator: RandomGenerator(seed: 40))
        block.eval()
        let x = Tensor.randn([16, 2], generator: RandomGenerator(seed: 41))
        let c1 = Tensor.randn([16, 3], generator: RandomGenerator(seed: 42)), c2 = c1 * -1
        let (y, logDet) = withoutGrad { block.forwardAndLogDet(x, context: c1) }
        XCTAssertNotEqual(withoutGrad { block.forward(x, context: c2) }.scalars, y.scalars)
        let (back, inverseLogDet) = block.inverseAndLogDet(y, context: c1)
        for (a, b) in zip(back.scalars, x.scalars) { XCTAssertEqual(a, b, accuracy: 1e-4) }
        for (a, b) in zip(logDet.scalars, inverseLogDet.scalars) { XCTAssertEqual(a, -b, accuracy: 1e-4) }
    }

    /// A cap of 2 iterations cannot reach 1e-5: the rows come back as NaN and the report says so.
    func testUnconvergedInverseIsReported() {
        var settings = ResidualBlock.Settings()
        settings.inverseMaxIterations = 2
        let block = saturatedBlock(features: 2, seed: 5, settings: settings)
        let y = Tensor.randn([8, 2], generator: RandomGenerator(seed: 7)) * 2
        let x = block.inverse(y)
        XCTAssertTrue(x.scalars.allSatisfy { $0.isNaN })
        XCTAssertEqual(block.lastInverse, ResidualBlock.InverseReport(iterations: 2, unconverged: 8, lastStep: block.lastInverse!.lastStep))
        XCTAssertGreaterThan(block.lastInverse!.lastStep, 1e-5)
    }

    /// The exact log|det(I + J_g)| equals log|det| of the central-difference Jacobian of x + g(x), in 2-D and 3-D (LU).
    func testExactLogDetMatchesFiniteDifferenceJacobian() {
        for d in [2, 3] {
            let block = saturatedBlock(features: d, seed: UInt64(10 + d))
            let x = Tensor.randn([6, d], generator: RandomGenerator(seed: 8))
            let logDet = withoutGrad { block.forwardAndLogDet(x, context: nil).logDet }.scalars
            let eps: Float = 1e-2
            let xs = x.scalars
            for row in 0..<6 {
                var jacobian = [Double](repeating: 0, count: d * d)
                for j in 0..<d {
                    var plus = Array(xs[(row * d)..<(row * d + d)]), minus = plus
                    plus[j] += eps
                    minus[j] -= eps
                    let fp = withoutGrad { block.forward(Tensor(shape: [1, d], scalars: plus)) }.scalars
                    let fm = withoutGrad { block.forward(Tensor(shape: [1, d], scalars: minus)) }.scalars
                    for i in 0..<d { jacobian[i * d + j] = Double(fp[i] - fm[i]) / Double(2 * eps) }
                }
                let (expected, _) = ResidualLogDet.logAbsDeterminantAndInverse(jacobian, d)
                XCTAssertEqual(Double(logDet[row]), expected, accuracy: 2e-3, "D = \(d), row \(row)")
            }
        }
    }

    /// The series with every term computed (n₀ = 60, traces summed over the basis vectors) equals the
    /// exact value; the Russian-roulette estimate averaged over 400 draws agrees with it within 4
    /// standard errors, and a single draw is not exact (the test can see a biased estimator).
    func testRussianRouletteIsUnbiased() {
        let d = 3
        let block = saturatedBlock(features: d, seed: 20)
        let points = 6, replicas = 25
        let x = Tensor.randn([points, d], generator: RandomGenerator(seed: 21)) * 1.5
        let (exact, series, estimates) = withoutGrad { () -> ([Float], [Float], [[Double]]) in
            let lin = block.network.linearize(x, context: nil)
            let exact = ResidualLogDet.exact(lin).scalars
            let full = ResidualLogDet.RouletteSettings(exactTerms: 60, stopProbability: 0.5, maxTerms: 60)
            var series = Tensor.zeros([points])
            for j in 0..<d {
                var basis = [Float](repeating: 0, count: d)
                basis[j] = 1
                let probe = Tensor(shape: [1, d], scalars: basis).expanded(to: [points, d])
                series = series + ResidualLogDet.russianRoulette(lin, terms: 60, probe: probe, settings: full)
            }
            let many = Tensor.concat(Array(repeating: x, count: replicas), axis: 0)
            let manyLin = block.network.linearize(many, context: nil)
            let generator = RandomGenerator(seed: 22)
            var estimates = [[Double]](repeating: [], count: points)
            for _ in 0..<400 {
                let e = ResidualLogDet.russianRoulette(manyLin, settings: ResidualLogDet.RouletteSettings(), generator: generator).scalars
                for p in 0..<points { estimates[p].append((0..<replicas).reduce(0.0) { $0 + Double(e[$1 * points + p]) } / Double(replicas)) }
            }
            return (exact, series.scalars, estimates)
        }
        XCTAssertGreaterThan(exact.map { abs($0) }.max()!, 0.3, "the Jacobians should be far from 0")
        for p in 0..<points {
            XCTAssertEqual(series[p], exact[p], accuracy: 1e-4)
            let mean = estimates[p].reduce(0, +) / 400
            let variance = estimates[p].reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 399
            let standardError = (variance / 400).squareRoot()
            XCTAssertEqual(mean, Double(exact[p]), accuracy: 4 * standardError + 1e-4, "point \(p)")
            XCTAssertGreaterThan(variance.squareRoot(), 1e-3, "single draws should vary")
        }
    }

    /// Gradients with respect to x and to the first layer's weight match central differences, for the exact
    /// log-det and for one fixed roulette draw (backpropagation through the sampled series).
    func testGradientsMatchFiniteDifferences() {
        let block = saturatedBlock(features: 2, seed: 30)
        let layer = block.network.layers[0]
        let weight = layer.weight.value.detached()
        let x = Tensor.randn([4, 2], generator: RandomGenerator(seed: 31))
        let probe = Tensor.bernoulli([4, 2], p: 0.5, generator: RandomGenerator(seed: 32)) * 2 - 1
        defer { layer.weight.value = weight.requiringGrad() }
        for roulette in [false, true] {
            let result = gradcheck([x, weight], epsilon: 1e-2, atol: 3e-3, rtol: 3e-2) { inputs in
                layer.weight.value = inputs[1]
                let lin = block.network.linearize(inputs[0], context: nil)
                let logDet = roulette
                    ? ResidualLogDet.russianRoulette(lin, terms: 4, probe: probe, settings: ResidualLogDet.RouletteSettings())
                    : ResidualLogDet.exact(lin)
                return Tensor.concat([(inputs[0] + lin.value).reshaped([-1]), logDet], axis: 0)
            }
            XCTAssertTrue(result.passed, "roulette \(roulette): \(result)")
        }
    }
}
