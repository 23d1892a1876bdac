import LatentTensor

/// The classical fourth-order Runge–Kutta method with `steps` equal steps h = (t₁ − t₀)/steps:
///
///     k₁ = f(y, t)            k₂ = f(y + h/2·k₁, t + h/2)
///     k₃ = f(y + h/2·k₂, t + h/2)   k₄ = f(y + h·k₃, t + h)
///     y ← y + h/6·(k₁ + 2k₂ + 2k₃ + k₄)
///
/// Global error O(h⁴): halving h divides it by ≈ 16. Costs exactly 4·steps evaluations of f,
/// whatever the field — the predictable choice for sampling and for training through the solver.
public struct RungeKutta4: ODESolver {
    /// Equal steps between t₀ and t₁ (at least 1).
    public let steps: Int

    /// RK4 with `steps` ≥ 1 equal steps (fewer stop with a message naming the value).
    public init(steps: Int) {
        require(steps >= 1, "RungeKutta4: steps must be at least 1, got \(steps)")
        self.steps = steps
    }

    public func integrate(_ field: VectorField, from initial: Tensor, t0: Double, t1: Double) throws -> ODESolution {
        guard t0.isFinite && t1.isFinite else { throw ODEError.invalid("RungeKutta4: times must be finite, got t0 = \(t0), t1 = \(t1)") }
        let h = (t1 - t0) / Double(steps)
        let hf = Float(h)
        var y = initial
        for i in 0..<steps {
            let t = t0 + Double(i) * h
            let k1 = field(y, t)
            let k2 = field(y + k1 * (hf / 2), t + h / 2)
            let k3 = field(y + k2 * (hf / 2), t + h / 2)
            let k4 = field(y + k3 * hf, i == steps - 1 ? t1 : t + h)
            y = y + (k1 + (k2 + k3) * 2 + k4) * (hf / 6)
            guard y.sumIsFinite else { throw ODEError.nonFinite(time: t + h) }
        }
        return ODESolution(value: y, evaluations: 4 * steps, steps: steps)
    }
}
