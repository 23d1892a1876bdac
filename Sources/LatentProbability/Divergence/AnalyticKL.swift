import LatentTensor

/// The closed-form KL divergences, keyed on the pair of types.
enum AnalyticKL {
    static func rules() -> [KLDivergence.Pair: KLDivergence.Rule] {
        var t: [KLDivergence.Pair: KLDivergence.Rule] = [:]
        func add<P: Distribution, Q: Distribution>(_: P.Type, _: Q.Type, _ f: @escaping (P, Q) -> Tensor) {
            t[KLDivergence.Pair(P.self, Q.self)] = { f($0 as! P, $1 as! Q) }
        }
        add(Normal.self, Normal.self, normalNormal)
        add(Independent.self, Independent.self, independentIndependent)
        add(Independent.self, StandardNormal.self, independentStandardNormal)
        add(StandardNormal.self, StandardNormal.self) { p, q in
            require(p.eventShape == q.eventShape, "KL(StandardNormal ‖ StandardNormal): event shapes differ: \(p.eventShape) vs \(q.eventShape)")
            return Tensor(0)
        }
        add(Bernoulli.self, Bernoulli.self, bernoulliBernoulli)
        add(Categorical.self, Categorical.self) { p, q in
            (p.probabilities * (p.logProbabilities - q.logProbabilities)).sum(axis: -1)
        }
        add(Laplace.self, Laplace.self, laplaceLaplace)
        add(Uniform.self, Uniform.self, uniformUniform)
        return t
    }

    /// log(σq/σp) + (σp² + (μp − μq)²) / (2σq²) − ½.
    static func normalNormal(_ p: Normal, _ q: Normal) -> Tensor {
        let ratio = (p.logScale - q.logScale) * 2   // log(σp²/σq²)
        let mean = (p.loc - q.loc) * (-q.logScale).exp()
        return (ratio.exp() + mean.square() - 1 - ratio) * 0.5
    }

    /// Both reinterpret the same axes: KL of the bases summed over them (closed form or Monte Carlo).
    static func independentIndependent(_ p: Independent, _ q: Independent) -> Tensor {
        require(p.reinterpretedBatchDims == q.reinterpretedBatchDims && p.eventShape == q.eventShape,
                "KL(Independent ‖ Independent): event shapes differ: \(p.eventShape) vs \(q.eventShape)")
        let inner = klDivergence(p.base, q.base)
        let n = p.reinterpretedBatchDims
        return n == 0 ? inner : inner.sum(axes: Array((inner.rank - n)..<inner.rank))
    }

    /// A diagonal Normal against N(0, I): ½ Σ (σ² + μ² − 1 − log σ²) — the VAE's KL term.
    static func independentStandardNormal(_ p: Independent, _ q: StandardNormal) -> Tensor {
        require(p.eventShape == q.eventShape, "KL(Independent ‖ StandardNormal): event shapes differ: \(p.eventShape) vs \(q.eventShape)")
        let axes = Array((p.batchShape.count)..<(p.batchShape.count + p.eventShape.count))
        if let n = p.base as? Normal {
            let ls2 = n.logScale.expanded(to: n.batchShape) * 2
            let terms = (ls2.exp() + n.loc.expanded(to: n.batchShape).square() - 1 - ls2) * 0.5
            return axes.isEmpty ? terms : terms.sum(axes: axes)
        }
        return KLDivergence.monteCarlo(p, q, samples: 64)
    }

    /// p log(p/q) + (1 − p) log((1 − p)/(1 − q)) from logits: log p = l − softplus(l), log(1 − p) = −softplus(l).
    static func bernoulliBernoulli(_ p: Bernoulli, _ q: Bernoulli) -> Tensor {
        let pp = p.logits.sigmoid()
        let logP = p.logits - p.logits.softplus(), log1mP = -p.logits.softplus()
        let logQ = q.logits - q.logits.softplus(), log1mQ = -q.logits.softplus()
        return pp * (logP - logQ) + (1 - pp) * (log1mP - log1mQ)
    }

    /// log(bq/bp) + |μp − μq|/bq + (bp/bq)·exp(−|μp − μq|/bp) − 1.
    static func laplaceLaplace(_ p: Laplace, _ q: Laplace) -> Tensor {
        let d = (p.loc - q.loc).abs()
        return (q.scale / p.scale).log() + d / q.scale + (p.scale / q.scale) * (-(d / p.scale)).exp() - 1
    }

    /// log((hq − lq)/(hp − lp)) when p's support lies inside q's, else +∞.
    static func uniformUniform(_ p: Uniform, _ q: Uniform) -> Tensor {
        let inside = p.low.ge(q.low) * p.high.le(q.high)
        return Tensor.where(inside, ((q.high - q.low) / (p.high - p.low)).log(), Tensor(.infinity))
    }
}
