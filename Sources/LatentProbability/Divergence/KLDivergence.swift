import LatentTensor

/// KL(p ‖ q) = E_p[log p(x) − log q(x)] in nats, per batch element (shape: the broadcast batch shape).
///
/// Pairs of distribution types with a closed form are looked up in a table keyed on the two types
/// (`AnalyticKL.swift`; extend it with `register`); any other pair falls back to a Monte Carlo
/// estimate from draws of p — reparameterized when p has `rsample`, so it is differentiable in
/// p's parameters as the VAE objective needs.
public enum KLDivergence {
    typealias Rule = (any Distribution, any Distribution) -> Tensor
    private nonisolated(unsafe) static var table: [Pair: Rule] = AnalyticKL.rules()

    struct Pair: Hashable {
        let p: ObjectIdentifier, q: ObjectIdentifier
        init(_ p: Any.Type, _ q: Any.Type) { (self.p, self.q) = (ObjectIdentifier(p), ObjectIdentifier(q)) }
    }

    /// Adds (or replaces) the closed form for the pair (P, Q).
    public static func register<P: Distribution, Q: Distribution>(_: P.Type, _: Q.Type, _ rule: @escaping (P, Q) -> Tensor) {
        table[Pair(P.self, Q.self)] = { rule($0 as! P, $1 as! Q) }
    }

    /// Whether KL(p ‖ q) has a registered closed form.
    public static func hasClosedForm(_ p: any Distribution, _ q: any Distribution) -> Bool {
        table[Pair(type(of: p), type(of: q))] != nil
    }

    /// KL(p ‖ q): the closed form when registered, else a `samples`-draw Monte Carlo estimate.
    public static func compute(_ p: any Distribution, _ q: any Distribution, samples: Int = 64,
                                      generator: RandomGenerator = .global) -> Tensor {
        if let rule = table[Pair(type(of: p), type(of: q))] { return rule(p, q) }
        return monteCarlo(p, q, samples: samples, generator: generator)
    }

    /// (1/n) Σ [log p(xᵢ) − log q(xᵢ)], xᵢ ~ p (reparameterized when possible). Unbiased; its
    /// standard error shrinks as 1/√n.
    public static func monteCarlo(_ p: any Distribution, _ q: any Distribution, samples: Int,
                                  generator: RandomGenerator = .global) -> Tensor {
        require(samples > 0, "KLDivergence.monteCarlo: samples must be positive, got \(samples)")
        require(p.eventShape == q.eventShape,
                "KLDivergence: event shapes differ: p \(p.eventShape) vs q \(q.eventShape)")
        let x = p.hasRSample ? p.rsample([samples], generator: generator) : p.sample([samples], generator: generator)
        return (p.logProb(x) - q.logProb(x)).mean(axis: 0)
    }
}

/// KL(p ‖ q) in nats per batch element: the closed form when the pair of types has one, else a
/// Monte Carlo estimate from `samples` draws of p (see `KLDivergence`).
public func klDivergence(_ p: any Distribution, _ q: any Distribution, samples: Int = 64,
                         generator: RandomGenerator = .global) -> Tensor {
    KLDivergence.compute(p, q, samples: samples, generator: generator)
}
