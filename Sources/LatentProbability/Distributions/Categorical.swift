import LatentTensor

/// Categorical over K classes from unnormalized log-probabilities `logits` `[..., K]`: batch shape
/// `[...]`, event `[]`, values are class indices (whole numbers stored as Float).
public struct Categorical: Distribution {
    /// Normalized log-probabilities, `[..., K]`.
    public let logProbabilities: Tensor
    public var batchShape: [Int] { Array(logProbabilities.shape.dropLast()) }
    public var eventShape: [Int] { [] }
    /// K.
    public var classCount: Int { logProbabilities.shape.last ?? 0 }

    public init(logits: Tensor) {
        require(logits.rank >= 1 && (logits.shape.last ?? 0) > 0, "Categorical: logits must be [..., K] with K > 0, got \(logits.shape)")
        logProbabilities = logits.logSoftmax(axis: -1)
    }

    /// Class probabilities `[..., K]`.
    public var probabilities: Tensor { logProbabilities.exp() }

    /// log p(x) for class indices x of shape `[..., batch...]`.
    public func logProb(_ x: Tensor) -> Tensor {
        let shape = Dist.broadcast(x.shape, batchShape, "Categorical.logProb (value \(x.shape) against batch shape \(batchShape))")
        let table = logProbabilities.expanded(to: shape + [classCount])
        return table.gather(axis: -1, index: x.expanded(to: shape).unsqueezed(axis: -1)).squeezed(axis: -1)
    }

    /// Class indices by inverse-CDF sampling (not differentiable).
    public func sample(_ sampleShape: [Int], generator: RandomGenerator) -> Tensor {
        withoutGrad {
            let k = classCount
            let cdf = probabilities.cumsum(axis: -1).expanded(to: sampleShape + batchShape + [k])
            let u = Tensor.uniform(sampleShape + batchShape + [1], generator: generator)
            // The count of CDF values ≤ u, capped at K − 1 against rounding in the last CDF value.
            return cdf.le(u).sum(axis: -1).clamp(max: Float(k - 1))
        }
    }

    /// Categorical values have no meaningful mean (PyTorch returns NaN too).
    public var mean: Tensor { Tensor.full(batchShape, .nan) }
    /// See `mean`.
    public var variance: Tensor { Tensor.full(batchShape, .nan) }

    /// −Σ p log p, with 0·log 0 = 0 for impossible classes.
    public func entropy() -> Tensor {
        let p = probabilities
        return -Tensor.where(p.gt(0), p * logProbabilities, Tensor(0)).sum(axis: -1)
    }
}
