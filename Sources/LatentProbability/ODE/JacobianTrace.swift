import LatentTensor

/// The trace of the Jacobian ∂f/∂x of a batched map f: `[N, D]` → `[N, D]` (each row mapped on
/// its own, as a velocity field maps points), computed with the autodiff tape — the divergence
/// term of the instantaneous change of variables, d log p/dt = −tr(∂v/∂x).
///
/// - `exact`: D vector-Jacobian products, one backward pass per dimension (seed eᵢ in every row
///   gives row n's eᵢᵀJₙ); tr J = Σᵢ (eᵢᵀJ)ᵢ. Exact; fine for D up to ~10.
/// - `hutchinson`: one backward pass with a probe ε, `[N, D]` with E[εεᵀ] = I (Rademacher ±1 or
///   Gaussian): εᵀJε is an unbiased estimate of tr J (Hutchinson 1989; FFJORD, Grathwohl et al.
///   2019). Rademacher probes have the smaller variance, 2·Σᵢ≠ⱼ ((J + Jᵀ)/2)ᵢⱼ².
///
/// Parameters that require gradients and feed f also receive the backward passes' gradients:
/// freeze them (or clear their gradients) when that is not wanted.
public enum JacobianTrace {
    /// The distribution of Hutchinson's probe vector.
    public enum Probe: String, Codable, CaseIterable {
        /// Independent ±1 entries with probability ½.
        case rademacher
        /// Independent N(0, 1) entries.
        case gaussian

        /// A probe `[rows, features]` drawn with `generator`.
        public func draw(rows: Int, features: Int, generator: RandomGenerator) -> Tensor {
            switch self {
            case .rademacher: return Tensor.bernoulli([rows, features], p: 0.5, generator: generator) * 2 - 1
            case .gaussian: return Tensor.randn([rows, features], generator: generator)
            }
        }
    }

    /// f(x) `[N, D]` (detached) and the exact tr ∂f/∂x per row, `[N]`.
    public static func exact(_ f: (Tensor) -> Tensor, at x: Tensor) -> (value: Tensor, trace: Tensor) {
        require(x.rank == 2, "JacobianTrace.exact: points must be [N, D], got \(x.shape)")
        let (n, d) = (x.shape[0], x.shape[1])
        return withGrad {
            let leaf = x.detached().requiringGrad()
            let v = f(leaf)
            require(v.shape == x.shape, "JacobianTrace.exact: f maps [N, D] = \(x.shape) to \(v.shape); expected the same shape")
            guard v.requiresGrad else { return (v, Tensor.zeros([n])) }
            let eye = Tensor.eye(d)
            var trace = Tensor.zeros([n])
            for i in 0..<d {
                v.backward(eye.slice(axis: 0, from: i, to: i + 1).expanded(to: [n, d]), retainGraph: i < d - 1)
                if let g = leaf.grad { trace = trace + g.slice(axis: 1, from: i, to: i + 1).reshaped([n]) }
                leaf.zeroGrad()
            }
            return (v.detached(), trace)
        }
    }

    /// f(x) `[N, D]` (detached) and Hutchinson's estimate εₙᵀ(∂f/∂x)ₙεₙ per row, `[N]`, for the
    /// given probe ε `[N, D]`.
    public static func hutchinson(_ f: (Tensor) -> Tensor, at x: Tensor, probe: Tensor) -> (value: Tensor, trace: Tensor) {
        require(x.rank == 2, "JacobianTrace.hutchinson: points must be [N, D], got \(x.shape)")
        require(probe.shape == x.shape, "JacobianTrace.hutchinson: probe must match the points' shape \(x.shape), got \(probe.shape)")
        return withGrad {
            let leaf = x.detached().requiringGrad()
            let v = f(leaf)
            require(v.shape == x.shape, "JacobianTrace.hutchinson: f maps [N, D] = \(x.shape) to \(v.shape); expected the same shape")
            guard v.requiresGrad else { return (v, Tensor.zeros([x.shape[0]])) }
            v.backward(probe)
            let trace = leaf.grad.map { g in withoutGrad { (g * probe).sum(axis: 1) } } ?? Tensor.zeros([x.shape[0]])
            return (v.detached(), trace)
        }
    }
}
