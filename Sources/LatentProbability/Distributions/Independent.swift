import LatentTensor

/// Reinterprets the last `reinterpretedBatchDims` batch axes of `base` as event axes: log-densities
/// and entropies are summed over them. `Independent(Normal(loc: μ, logScale: s), 1)` with μ of shape
/// `[N, D]` is the diagonal Gaussian q(z|x) of a VAE: batch `[N]`, event `[D]`.
public struct Independent: Distribution {
    /// The elementwise distribution.
    public let base: any Distribution
    /// How many trailing batch axes become event axes.
    public let reinterpretedBatchDims: Int

    public init(_ base: any Distribution, reinterpretedBatchDims: Int) {
        require(reinterpretedBatchDims >= 0 && reinterpretedBatchDims <= base.batchShape.count,
                "Independent: cannot reinterpret \(reinterpretedBatchDims) axes of batch shape \(base.batchShape)")
        self.base = base
        self.reinterpretedBatchDims = reinterpretedBatchDims
    }

    public var batchShape: [Int] { Array(base.batchShape.dropLast(reinterpretedBatchDims)) }
    public var eventShape: [Int] { Array(base.batchShape.suffix(reinterpretedBatchDims)) + base.eventShape }

    private func sumLast(_ t: Tensor) -> Tensor {
        guard reinterpretedBatchDims > 0 else { return t }
        return t.sum(axes: Array((t.rank - reinterpretedBatchDims)..<t.rank))
    }

    public func logProb(_ x: Tensor) -> Tensor { sumLast(base.logProb(x)) }
    public func sample(_ sampleShape: [Int], generator: RandomGenerator) -> Tensor { base.sample(sampleShape, generator: generator) }
    public var hasRSample: Bool { base.hasRSample }
    public func rsample(_ sampleShape: [Int], generator: RandomGenerator) -> Tensor { base.rsample(sampleShape, generator: generator) }
    public var mean: Tensor { base.mean }
    public var variance: Tensor { base.variance }
    public func entropy() -> Tensor { sumLast(base.entropy()) }
}

extension Distribution {
    /// This distribution with its last `dims` batch axes treated as one event (see `Independent`).
    public func independent(_ dims: Int) -> Independent { Independent(self, reinterpretedBatchDims: dims) }
}
