import XCTest
import Foundation
import LatentTensor
import LatentProbability

/// The likelihood ODE on a linear field v = A·x, whose flow maps N(0, I) to N(0, e^A e^{Aᵀ}):
/// log p₁(x) = log N(e^{−A}x; 0, I) − tr A; and sampling followed by inversion on a nonlinear field.
final class ContinuousFlowTests: XCTestCase {
    let a = [-0.4, 0.9, -0.6, 0.7]
    let base = StandardNormal(eventShape: [2])
    let x = Tensor(shape: [4, 2], scalars: [0.5, -1, 2, 0.3, -1.5, -0.7, 0, 0])

    func closedFormLogProb(_ a: [Double], _ x: Tensor) -> Tensor {
        let inverse = ODEClosedForm.exp2x2(a.map { -$0 })
        return base.logProb(ODEClosedForm.apply(inverse, x)) - Float(a[0] + a[3])
    }

    func testExactTraceLikelihoodOfALinearFieldMatchesTheGaussian() throws {
        let flow = ContinuousFlow(velocity: ODEClosedForm.linearField(a), base: base)
        let want = closedFormLogProb(a, x)
        for solver in [DormandPrince(relativeTolerance: 1e-6, absoluteTolerance: 1e-6) as any ODESolver, RungeKutta4(steps: 40)] {
            let (got, solution) = try flow.logProb(x, trace: .exact, solver: solver, generator: RandomGenerator(seed: 0))
            XCTAssertLessThan(ODEClosedForm.maxError(got, want), 1e-4, "\(solver)")
            XCTAssertEqual(solution.value.shape, [4, 3], "the augmented state [x(0), a(0)]")
            let a0 = solution.value.slice(axis: 1, from: 2, to: 3).scalars
            for v in a0 { XCTAssertEqual(Double(v), -(a[0] + a[3]), accuracy: 1e-4, "a(0) = −∫ tr A dt") }
        }
    }

    func testHutchinsonLikelihoodIsExactForDiagonalFieldsAndUnbiasedOtherwise() throws {
        // Rademacher εᵀAε = tr A when A is diagonal.
        let diagonal = [0.3, 0, 0, -0.8]
        let exactFlow = ContinuousFlow(velocity: ODEClosedForm.linearField(diagonal), base: base)
        let (got, _) = try exactFlow.logProb(x, trace: .hutchinson(.rademacher), solver: RungeKutta4(steps: 20), generator: RandomGenerator(seed: 1))
        XCTAssertLessThan(ODEClosedForm.maxError(got, closedFormLogProb(diagonal, x)), 1e-4)
        // Off the diagonal each point's estimate is off by −(A₁₂ + A₂₁)ε₁ε₂ = ±0.3: the mean over
        // many points is the exact mean.
        let many = Tensor.randn([2000, 2], generator: RandomGenerator(seed: 2))
        let flow = ContinuousFlow(velocity: ODEClosedForm.linearField(a), base: base)
        let estimate = try flow.logProb(many, trace: .hutchinson(.rademacher), solver: RungeKutta4(steps: 8), generator: RandomGenerator(seed: 3)).logProb
        let deviations = (estimate - closedFormLogProb(a, many)).scalars.map(Double.init)
        for d in deviations.prefix(20) { XCTAssertEqual(Swift.abs(d), 0.3, accuracy: 1e-3) }
        let mean = deviations.reduce(0, +) / Double(deviations.count)
        XCTAssertEqual(mean, 0, accuracy: 4 * 0.3 / Double(deviations.count).squareRoot())
    }

    func testSixDimensionalBlockLinearFieldExactAndHutchinson() throws {
        // Three independent 2×2 blocks: the closed form is the sum of the blocks' 2-D ones.
        let blocks = [a, [0.2, -1.1, 0.8, -0.3], [-0.9, 0.1, 0.4, 0.5]]
        var aT = [Float](repeating: 0, count: 36)
        for (k, m) in blocks.enumerated() {
            for (i, j) in [(0, 0), (0, 1), (1, 0), (1, 1)] { aT[(2 * k + j) * 6 + 2 * k + i] = Float(m[2 * i + j]) }
        }
        let field: VectorField = { x, _ in x.matmul(Tensor(shape: [6, 6], scalars: aT)) }
        let flow = ContinuousFlow(velocity: field, base: StandardNormal(eventShape: [6]))
        let points = Tensor.randn([400, 6], generator: RandomGenerator(seed: 8))
        var want = Tensor.zeros([400])
        for (k, m) in blocks.enumerated() { want = want + closedFormLogProb(m, points.slice(axis: 1, from: 2 * k, to: 2 * k + 2)) }
        let solver = DormandPrince(relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
        let exact = try flow.logProb(points, trace: .exact, solver: solver, generator: RandomGenerator(seed: 0)).logProb
        XCTAssertLessThan(ODEClosedForm.maxError(exact, want), 2e-4)
        let estimate = try flow.logProb(points, trace: .hutchinson(.gaussian), solver: solver, generator: RandomGenerator(seed: 9)).logProb
        let deviations = (estimate - want).scalars.map(Double.init)
        let mean = deviations.reduce(0, +) / 400
        let sd = (deviations.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 399).squareRoot()
        XCTAssertGreaterThan(sd, 0.1, "one Gaussian probe per point is noisy")
        XCTAssertEqual(mean, 0, accuracy: 4 * sd / 20, "but unbiased")
    }

    func testSamplingThenInvertingReturnsTheNoise() throws {
        let g = RandomGenerator(seed: 4)
        let w = Tensor.randn([16, 3], generator: g), v = Tensor.randn([2, 16], generator: g) * 0.7
        let field: VectorField = { x, t in
            Tensor.concat([x, Tensor.full([x.shape[0], 1], Float(t))], axis: 1).linear(weight: w).tanh().linear(weight: v)
        }
        let flow = ContinuousFlow(velocity: field, base: base)
        let solver = DormandPrince(relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
        let z = Tensor.randn([64, 2], generator: RandomGenerator(seed: 5))
        let data = try flow.transport(z, from: 0, to: 1, solver: solver)
        XCTAssertGreaterThan(ODEClosedForm.maxError(data.value, z), 0.1, "the field moves the points")
        let back = try flow.transport(data.value, from: 1, to: 0, solver: solver)
        XCTAssertLessThan(ODEClosedForm.maxError(back.value, z), 1e-4)
        let drawn = try flow.sample(64, solver: solver, generator: RandomGenerator(seed: 5))
        XCTAssertLessThan(ODEClosedForm.maxError(drawn, data.value), 1e-6, "sample = transport of the base draws")
    }
}
