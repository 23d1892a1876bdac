import XCTest
import Foundation
import LatentTensor
import LatentProbability

/// RK4 and Dormand–Prince against exact solutions: exponential decay, the harmonic oscillator, a
/// linear system solved by the matrix exponential; RK4's order; Dormand–Prince's error control.
final class ODESolverTests: XCTestCase {
    let y0 = Tensor(shape: [3, 2], scalars: [1, 0, -0.5, 2, 0.3, -1.2])
    let a = [-0.5, 1.2, -0.7, 0.3]

    func testExponentialDecayBothSolvers() throws {
        let lambda = -1.3
        let y = Tensor([1, 2, -0.5, 4])
        let exact = y * Float(Foundation.exp(lambda * 1.5))
        let field: VectorField = { s, _ in s * Float(lambda) }
        let rk4 = try RungeKutta4(steps: 30).integrate(field, from: y, t0: 0, t1: 1.5)
        XCTAssertLessThan(ODEClosedForm.maxError(rk4.value, exact), 2e-6)
        XCTAssertEqual(rk4.evaluations, 120)
        let dopri = try DormandPrince(relativeTolerance: 1e-6, absoluteTolerance: 1e-7).integrate(field, from: y, t0: 0, t1: 1.5)
        XCTAssertLessThan(ODEClosedForm.maxError(dopri.value, exact), 1e-5)
        XCTAssertEqual(dopri.evaluations, 2 + 6 * (dopri.steps + dopri.rejectedSteps), "FSAL: six new evaluations per step, two to start")
    }

    func testHarmonicOscillatorOverOnePeriod() throws {
        // q' = p, p' = −ω²q: q(t) = q₀ cos ωt + p₀/ω sin ωt, p(t) = −q₀ω sin ωt + p₀ cos ωt.
        let omega = 2.0, t1 = 3.0
        let field: VectorField = { s, _ in
            Tensor.concat([s.slice(axis: 1, from: 1, to: 2), s.slice(axis: 1, from: 0, to: 1) * Float(-omega * omega)], axis: 1)
        }
        let (c, s) = (Foundation.cos(omega * t1), Foundation.sin(omega * t1))
        let exact = ODEClosedForm.apply([c, s / omega, -omega * s, c], y0)
        let rk4 = try RungeKutta4(steps: 200).integrate(field, from: y0, t0: 0, t1: t1)
        XCTAssertLessThan(ODEClosedForm.maxError(rk4.value, exact), 1e-5)
        let dopri = try DormandPrince(relativeTolerance: 1e-6, absoluteTolerance: 1e-6).integrate(field, from: y0, t0: 0, t1: t1)
        XCTAssertLessThan(ODEClosedForm.maxError(dopri.value, exact), 5e-5)
    }

    func testLinearSystemForwardAndBackwardMatchMatrixExponential() throws {
        let field = ODEClosedForm.linearField(a)
        let forward = ODEClosedForm.apply(ODEClosedForm.exp2x2(a), y0)
        for solver in [RungeKutta4(steps: 50) as any ODESolver, DormandPrince(relativeTolerance: 1e-6, absoluteTolerance: 1e-6)] {
            let y1 = try solver.integrate(field, from: y0, t0: 0, t1: 1).value
            XCTAssertLessThan(ODEClosedForm.maxError(y1, forward), 2e-5, "\(solver): y(1) = e^A y(0)")
            // Backward in time from the exact end returns the start: y(0) = e^{−A} y(1).
            let back = try solver.integrate(field, from: forward, t0: 1, t1: 0).value
            XCTAssertLessThan(ODEClosedForm.maxError(back, y0), 2e-5, "\(solver): integrating from 1 to 0 inverts")
        }
    }

    func testRK4ErrorFallsSixteenfoldWhenTheStepHalves() throws {
        // y' = y on [0, 2]: the RK4 errors at 8 and 16 steps have the ratio 14.42 in exact arithmetic.
        let y = Tensor([1])
        let exact = Foundation.exp(2.0)
        func error(_ steps: Int) throws -> Double {
            Swift.abs(Double(try RungeKutta4(steps: steps).integrate({ s, _ in s }, from: y, t0: 0, t1: 2).value.item) - exact)
        }
        let (e4, e8, e16) = (try error(4), try error(8), try error(16))
        XCTAssertEqual(e4 / e8, 13.01, accuracy: 0.3)
        XCTAssertEqual(e8 / e16, 14.42, accuracy: 0.8)
        XCTAssertEqual(Foundation.log2(e4 / e16), 7.55, accuracy: 0.15, "two halvings: order ≈ 4 each")
    }

    func testDormandPrinceMeetsTighterTolerancesWithMoreSteps() throws {
        let field = ODEClosedForm.linearField(a)
        let exact = ODEClosedForm.apply(ODEClosedForm.exp2x2([a[0] * 4, a[1] * 4, a[2] * 4, a[3] * 4]), y0)
        var previousSteps = 0
        for tolerance in [1e-2, 1e-3, 1e-4, 1e-5] {
            let solution = try DormandPrince(relativeTolerance: tolerance, absoluteTolerance: tolerance).integrate(field, from: y0, t0: 0, t1: 4)
            let error = ODEClosedForm.maxError(solution.value, exact)
            XCTAssertLessThan(error, 20 * tolerance, "global error within a small multiple of the tolerance \(tolerance)")
            XCTAssertGreaterThan(solution.steps, previousSteps, "tolerance \(tolerance) takes more steps")
            previousSteps = solution.steps
        }
        XCTAssertLessThan(previousSteps, 200)
    }

    func testDormandPrinceIsExactOnPolynomialsAndGrowsItsStep() throws {
        // y' = 3t² + 1: fifth-order exact, zero error estimate, so the steps grow tenfold.
        let field: VectorField = { s, t in Tensor.full(s.shape, Float(3 * t * t + 1)) }
        let solution = try DormandPrince().integrate(field, from: Tensor([2]), t0: 0, t1: 10)
        XCTAssertEqual(Double(solution.value.item), 2 + 1000 + 10, accuracy: 1e-3)
        XCTAssertEqual(solution.rejectedSteps, 0)
        XCTAssertLessThan(solution.steps, 10)
    }

    func testDormandPrinceReportsItsStepLimitAndNonFiniteStates() {
        let stiff = ODEClosedForm.linearField([-1e4, 0, 0, -1e4])
        XCTAssertThrowsError(try DormandPrince(maxSteps: 5).integrate(stiff, from: Tensor(shape: [1, 2], scalars: [1, 1]), t0: 0, t1: 1)) {
            guard case let .tooManySteps(steps, _, end)? = $0 as? ODEError else { return XCTFail("\($0)") }
            XCTAssertEqual(steps, 5)
            XCTAssertEqual(end, 1)
        }
        let blowUp: VectorField = { s, _ in s * s }  // y' = y², y(0) = 1: y = 1/(1 − t) → ∞ at t = 1.
        XCTAssertThrowsError(try RungeKutta4(steps: 10).integrate(blowUp, from: Tensor([1]), t0: 0, t1: 3)) {
            guard case .nonFinite? = $0 as? ODEError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try RungeKutta4(steps: 4).integrate(blowUp, from: Tensor([1]), t0: 0, t1: .nan))
    }
}
