import LatentTensor

/// A continuous normalizing flow: points move along dx/dt = v(x, t) from noise at t = 0 to data
/// at t = 1, so the density p₀ of the base turns into the model's p₁. Sampling integrates the ODE
/// forward; the exact log-density comes from the instantaneous change of variables (Chen et al.
/// 2018), integrated backward from the data point with its log-density change,
///
///     d/dt [x, a] = [v(x, t), tr ∂v/∂x(x, t)],   x(1) = x₁, a(1) = 0,
///     log p₁(x₁) = log p₀(x(0)) + a(0)        (a(0) = −∫₀¹ tr ∂v/∂x dt)
///
/// with the trace exact (D backward passes) or by Hutchinson's estimator with one probe per
/// point held fixed along the path (FFJORD), so an adaptive solver sees a smooth field. States
/// are `[N, D]`; the augmented state is `[N, D + 1]`.
public struct ContinuousFlow {
    /// How tr ∂v/∂x is computed inside the likelihood ODE.
    public enum Trace: Equatable {
        /// D vector-Jacobian products: exact (small D).
        case exact
        /// One vector-Jacobian product with a probe of this kind: unbiased (any D).
        case hutchinson(JacobianTrace.Probe)
    }

    /// v(x, t) for x `[N, D]`, the same shape out.
    public let velocity: VectorField
    /// p₀, over `[D]`.
    public let base: any Distribution

    /// The flow of `velocity` over `base` (whose event shape is `[D]`).
    public init(velocity: @escaping VectorField, base: any Distribution) {
        self.velocity = velocity
        self.base = base
    }

    /// The points x(t₁) reached from x(t₀) = `x` `[N, D]` (t₀ = 0, t₁ = 1: noise to data;
    /// reversed: data to noise), with the solver's statistics.
    public func transport(_ x: Tensor, from t0: Double, to t1: Double, solver: any ODESolver) throws -> ODESolution {
        require(x.rank == 2, "ContinuousFlow.transport: points must be [N, D], got \(x.shape)")
        return try solver.integrate(velocity, from: x, t0: t0, t1: t1)
    }

    /// `count` draws x(1) from x(0) ~ p₀ scaled by `temperature`, `[count, D]`.
    public func sample(_ count: Int, temperature: Float = 1, solver: any ODESolver, generator: RandomGenerator) throws -> Tensor {
        require(count > 0, "ContinuousFlow.sample: count must be positive, got \(count)")
        return try transport(base.sample([count], generator: generator) * temperature, from: 0, to: 1, solver: solver).value
    }

    /// log p₁(x) in nats, `[N]`, for x `[N, D]`, and the solver's statistics (its value is the
    /// augmented end state `[N, D + 1]`: x(0) and a(0)). Hutchinson probes are drawn with `generator`.
    public func logProb(_ x: Tensor, trace: Trace, solver: any ODESolver,
                        generator: RandomGenerator) throws -> (logProb: Tensor, solution: ODESolution) {
        require(x.rank == 2, "ContinuousFlow.logProb: points must be [N, D], got \(x.shape)")
        let (n, d) = (x.shape[0], x.shape[1])
        let probe: Tensor?
        if case let .hutchinson(kind) = trace { probe = kind.draw(rows: n, features: d, generator: generator) } else { probe = nil }
        let velocity = self.velocity
        let augmented: VectorField = { state, t in
            let points = state.slice(axis: 1, from: 0, to: d)
            let f: (Tensor) -> Tensor = { velocity($0, t) }
            let (v, tr) = probe.map { JacobianTrace.hutchinson(f, at: points, probe: $0) } ?? JacobianTrace.exact(f, at: points)
            return Tensor.concat([v, tr.reshaped([n, 1])], axis: 1)
        }
        let start = Tensor.concat([x.detached(), Tensor.zeros([n, 1])], axis: 1)
        let solution = try solver.integrate(augmented, from: start, t0: 1, t1: 0)
        let end = solution.value
        let logProb = withoutGrad {
            base.logProb(end.slice(axis: 1, from: 0, to: d)) + end.slice(axis: 1, from: d, to: d + 1).reshaped([n])
        }
        return (logProb, solution)
    }
}
