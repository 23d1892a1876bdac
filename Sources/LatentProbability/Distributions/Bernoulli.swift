import LatentTensor

/// Bernoulli(p) with p = σ(logits), elementwise. `logProb` is the negative binary cross-entropy,
/// computed stably from the logits as x·l − softplus(l) (no log of a probability that rounded to
/// 0 or 1); it also accepts x in [0, 1] (the usual "Bernoulli decoder" on gray-level MNIST).
public struct Bernoulli: Distribution {
    /// Log-odds l = log p − log(1 − p).
    public let logits: Tensor
    public var batchShape: [Int] { logits.shape }
    public var eventShape: [Int] { [] }

    public init(logits: Tensor) { self.logits = logits }

    /// Bernoulli(p) from probabilities in (0, 1) (converted to logits).
    public init(probabilities p: Tensor) {
        let q = p.clamp(min: 1e-7, max: 1 - 1e-7)
        self.init(logits: q.log() - (1 - q).log())
    }

    /// p = σ(l).
    public var probabilities: Tensor { logits.sigmoid() }

    /// x·l − softplus(l) = x·log p + (1 − x)·log(1 − p), in one fused pass
    /// (`Tensor.bernoulliLogProb`).
    public func logProb(_ x: Tensor) -> Tensor {
        Dist.checkValue(x, batchShape, "Bernoulli")
        return Tensor.bernoulliLogProb(logits: logits, x)
    }

    /// 0/1 draws (not differentiable).
    public func sample(_ sampleShape: [Int], generator: RandomGenerator) -> Tensor {
        withoutGrad { Tensor.bernoulli(probabilities.expanded(to: drawShape(sampleShape)), generator: generator) }
    }

    public var mean: Tensor { probabilities }
    public var variance: Tensor { let p = probabilities; return p * (1 - p) }

    /// softplus(l) − l·σ(l) = −p log p − (1 − p) log(1 − p).
    public func entropy() -> Tensor { logits.softplus() - logits * logits.sigmoid() }
}
