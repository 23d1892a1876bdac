import Foundation
import LatentTensor

/// The normal distribution N(μ, σ²), elementwise over its parameters (batch shape = their
/// broadcast shape, event shape `[]`; wrap it in `Independent` to sum over feature axes — a
/// diagonal Gaussian). Stored by log σ so that log-densities and KL never take the log of a
/// scale that underflowed.
public struct Normal: Distribution {
    /// μ.
    public let loc: Tensor
    /// log σ.
    public let logScale: Tensor
    public let batchShape: [Int]
    public var eventShape: [Int] { [] }

    /// N(loc, scale²); `scale` must be positive.
    public init(loc: Tensor, scale: Tensor) {
        require(withoutGrad { scale.gt(0).min().item } == 1 || scale.count == 0, "Normal: scale must be positive")
        self.init(loc: loc, logScale: scale.log())
    }

    /// N(loc, exp(logScale)²): the usual output of an encoder head.
    public init(loc: Tensor, logScale: Tensor) {
        self.loc = loc
        self.logScale = logScale
        batchShape = Dist.batchShape("Normal", loc, logScale)
    }

    /// N(loc, exp(logVariance)): the other common encoder parameterization (σ = exp(½·logVariance)).
    public init(loc: Tensor, logVariance: Tensor) {
        self.init(loc: loc, logScale: logVariance * 0.5)
    }

    /// σ.
    public var scale: Tensor { logScale.exp() }

    /// −(x − μ)² / (2σ²) − log σ − ½ log 2π.
    public func logProb(_ x: Tensor) -> Tensor {
        Dist.checkValue(x, batchShape, "Normal")
        let z = (x - loc) * (-logScale).exp()
        return z.square() * -0.5 - logScale - 0.5 * Dist.log2Pi
    }

    public var hasRSample: Bool { true }

    /// z = μ + σ·ε with ε ~ N(0, 1): differentiable in μ and σ (the reparameterization trick).
    public func rsample(_ sampleShape: [Int], generator: RandomGenerator) -> Tensor {
        loc + scale * Tensor.randn(drawShape(sampleShape), generator: generator)
    }

    public var mean: Tensor { loc.expanded(to: batchShape) }
    public var variance: Tensor { (logScale * 2).exp().expanded(to: batchShape) }

    /// ½ + ½ log 2π + log σ.
    public func entropy() -> Tensor { (logScale + 0.5 + 0.5 * Dist.log2Pi).expanded(to: batchShape) }
}
