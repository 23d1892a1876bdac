import Foundation
import LatentTensor

/// The adaptive Dormand–Prince 5(4) method (Hairer, Nørsett & Wanner, *Solving ODEs I*, II.4–5;
/// `ode45`/`dopri5`): seven stages per step, the fifth-order solution propagated, the embedded
/// fourth-order one giving the local error estimate
///
///     err = h·Σⱼ (bⱼ − b̂ⱼ)·kⱼ,   ‖err‖ = √(mean((errᵢ / (atol + rtol·max(|y₀ᵢ|, |y₁ᵢ|)))²))
///
/// A step is accepted when ‖err‖ ≤ 1; the next step is h·min(10, max(0.2, 0.9·‖err‖^(−1/5)))
/// (no growth right after a rejection). First-same-as-last: the seventh stage of an accepted step
/// is f at its end, reused as the next step's first, so an accepted step costs six evaluations.
/// The first step is chosen by Hairer's estimate from f(t₀) and one Euler trial. Works forward
/// and backward in time. Float32 states: tolerances below ~1e-6 are not meaningful.
public struct DormandPrince: ODESolver {
    /// Relative tolerance of the local error.
    public let relativeTolerance: Double
    /// Absolute tolerance of the local error.
    public let absoluteTolerance: Double
    /// The most steps (accepted and rejected) before `ODEError.tooManySteps`.
    public let maxSteps: Int

    /// Dormand–Prince with the given tolerances (finite, ≥ 0, not both 0) and step limit (≥ 1).
    public init(relativeTolerance: Double = 1e-5, absoluteTolerance: Double = 1e-5, maxSteps: Int = 10_000) {
        require(relativeTolerance >= 0 && absoluteTolerance >= 0 && relativeTolerance + absoluteTolerance > 0
                    && relativeTolerance.isFinite && absoluteTolerance.isFinite,
                "DormandPrince: tolerances must be finite, non-negative and not both 0, got rtol \(relativeTolerance), atol \(absoluteTolerance)")
        require(maxSteps >= 1, "DormandPrince: maxSteps must be at least 1, got \(maxSteps)")
        (self.relativeTolerance, self.absoluteTolerance, self.maxSteps) = (relativeTolerance, absoluteTolerance, maxSteps)
    }

    // The Butcher tableau.
    static let c: [Double] = [0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1]
    static let a: [[Double]] = [
        [],
        [1.0 / 5],
        [3.0 / 40, 9.0 / 40],
        [44.0 / 45, -56.0 / 15, 32.0 / 9],
        [19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729],
        [9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656],
        [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84],
    ]
    /// b − b̂: fifth-order weights (the last row of `a`, then 0) minus the embedded fourth-order ones.
    static let errorWeights: [Double] = [71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40]

    /// Σⱼ wⱼ·kⱼ over the non-zero weights.
    static func combination(_ k: [Tensor], _ w: [Double]) -> Tensor {
        var total: Tensor? = nil
        for (kj, wj) in zip(k, w) where wj != 0 {
            let term = kj * Float(wj)
            total = total.map { $0 + term } ?? term
        }
        return total!
    }

    /// The RMS norm of `x / scale`.
    static func norm(_ x: Tensor, _ scale: Tensor) -> Double {
        withoutGrad { Double((x / scale).square().mean().item).squareRoot() }
    }

    /// atol + rtol·max(|a|, |b|).
    func scale(_ a: Tensor, _ b: Tensor) -> Tensor {
        withoutGrad { Tensor.maximum(a.abs(), b.abs()) * Float(relativeTolerance) + Float(absoluteTolerance) }
    }

    /// Hairer's starting step from f(y₀) and one explicit Euler trial (one evaluation).
    func initialStep(_ field: VectorField, _ y0: Tensor, _ f0: Tensor, t0: Double, direction: Double, span: Double) -> Double {
        let sc = scale(y0, y0)
        let d0 = DormandPrince.norm(y0, sc), d1 = DormandPrince.norm(f0, sc)
        let h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1
        let f1 = field(y0 + f0 * Float(direction * h0), t0 + direction * h0)
        let d2 = DormandPrince.norm(f1 - f0, sc) / h0
        let h1 = max(d1, d2) <= 1e-15 ? max(1e-6, h0 * 1e-3) : Foundation.pow(0.01 / max(d1, d2), 1.0 / 5)
        let h = min(100 * h0, h1, span)
        return h.isFinite && h > 0 ? h : span
    }

    public func integrate(_ field: VectorField, from initial: Tensor, t0: Double, t1: Double) throws -> ODESolution {
        guard t0.isFinite && t1.isFinite else { throw ODEError.invalid("DormandPrince: times must be finite, got t0 = \(t0), t1 = \(t1)") }
        let span = abs(t1 - t0)
        guard span > 0 else { return ODESolution(value: initial, evaluations: 0, steps: 0) }
        let direction: Double = t1 > t0 ? 1 : -1
        var y = initial, t = t0
        var k1 = field(y, t)
        guard k1.sumIsFinite else { throw ODEError.nonFinite(time: t) }
        var evaluations = 2
        var h = initialStep(field, y, k1, t0: t0, direction: direction, span: span)
        var accepted = 0, rejected = 0, justRejected = false
        while direction * (t1 - t) > 0 {
            guard accepted + rejected < maxSteps else { throw ODEError.tooManySteps(steps: accepted + rejected, time: t, end: t1) }
            let remaining = abs(t1 - t)
            // Step onto t₁ exactly when it is within reach (or nearly so: no sliver of a last step).
            let last = h > 0.99 * remaining
            if last { h = remaining }
            guard h > 1e-12 * max(1, abs(t)) else { throw ODEError.stepTooSmall(step: h, time: t) }
            let signed = direction * h
            var k = [k1]
            for stage in 1..<7 {
                let increment = DormandPrince.combination(k, DormandPrince.a[stage])
                k.append(field(y + increment * Float(signed), stage == 6 && last ? t1 : t + DormandPrince.c[stage] * signed))
            }
            evaluations += 6
            // The fifth-order solution is the seventh stage's argument: y + h·Σ a₇ⱼ kⱼ.
            let next = y + DormandPrince.combination(Array(k.prefix(6)), DormandPrince.a[6]) * Float(signed)
            let error = DormandPrince.combination(k, DormandPrince.errorWeights) * Float(signed)
            let errorNorm = DormandPrince.norm(error, scale(y, next))
            guard errorNorm.isFinite else {
                // A NaN or ∞ trial: shrink hard and retry; a finite state cannot stay stuck here long.
                rejected += 1
                justRejected = true
                h *= 0.2
                if !(y.sumIsFinite) { throw ODEError.nonFinite(time: t) }
                continue
            }
            if errorNorm <= 1 {
                y = next
                t = last ? t1 : t + signed
                k1 = k[6]
                accepted += 1
                let growth = errorNorm == 0 ? 10 : min(10, max(0.2, 0.9 * Foundation.pow(errorNorm, -0.2)))
                h *= justRejected ? min(1, growth) : growth
                justRejected = false
            } else {
                rejected += 1
                justRejected = true
                h *= max(0.2, 0.9 * Foundation.pow(errorNorm, -0.2))
            }
        }
        return ODESolution(value: y, evaluations: evaluations, steps: accepted, rejectedSteps: rejected)
    }
}
