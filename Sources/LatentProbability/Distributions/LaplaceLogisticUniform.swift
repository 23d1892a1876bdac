import Foundation
import LatentTensor

/// Laplace(μ, b): density exp(−|x − μ| / b) / 2b, elementwise.
public struct Laplace: Distribution {
    /// μ.
    public let loc: Tensor
    /// b > 0.
    public let scale: Tensor
    public let batchShape: [Int]
    public var eventShape: [Int] { [] }

    public init(loc: Tensor, scale: Tensor) {
        require(withoutGrad { scale.gt(0).min().item } == 1 || scale.count == 0, "Laplace: scale must be positive")
        (self.loc, self.scale) = (loc, scale)
        batchShape = Dist.batchShape("Laplace", loc, scale)
    }

    /// −|x − μ| / b − log 2b.
    public func logProb(_ x: Tensor) -> Tensor {
        Dist.checkValue(x, batchShape, "Laplace")
        return -(x - loc).abs() / scale - (scale * 2).log()
    }

    public var hasRSample: Bool { true }

    /// μ − b·sign(u)·log(1 − 2|u|), u ~ U(−½, ½).
    public func rsample(_ sampleShape: [Int], generator: RandomGenerator) -> Tensor {
        let u = Dist.openUniform(drawShape(sampleShape), generator) - 0.5
        return loc - scale * u.sign() * (1 - u.abs() * 2).log()
    }

    public var mean: Tensor { loc.expanded(to: batchShape) }
    public var variance: Tensor { (scale.square() * 2).expanded(to: batchShape) }
    /// 1 + log 2b.
    public func entropy() -> Tensor { ((scale * 2).log() + 1).expanded(to: batchShape) }
}

/// Logistic(μ, s): CDF σ((x − μ)/s), elementwise.
public struct Logistic: Distribution {
    /// μ.
    public let loc: Tensor
    /// s > 0.
    public let scale: Tensor
    public let batchShape: [Int]
    public var eventShape: [Int] { [] }

    public init(loc: Tensor, scale: Tensor) {
        require(withoutGrad { scale.gt(0).min().item } == 1 || scale.count == 0, "Logistic: scale must be positive")
        (self.loc, self.scale) = (loc, scale)
        batchShape = Dist.batchShape("Logistic", loc, scale)
    }

    /// −z − 2·softplus(−z) − log s, z = (x − μ)/s (stable for any z).
    public func logProb(_ x: Tensor) -> Tensor {
        Dist.checkValue(x, batchShape, "Logistic")
        let z = (x - loc) / scale
        return -z - (-z).softplus() * 2 - scale.log()
    }

    public var hasRSample: Bool { true }

    /// μ + s·(log u − log(1 − u)).
    public func rsample(_ sampleShape: [Int], generator: RandomGenerator) -> Tensor {
        let u = Dist.openUniform(drawShape(sampleShape), generator)
        return loc + scale * (u.log() - (1 - u).log())
    }

    public var mean: Tensor { loc.expanded(to: batchShape) }
    /// s²π²/3.
    public var variance: Tensor { (scale.square() * Float(Double.pi * Double.pi / 3)).expanded(to: batchShape) }
    /// log s + 2.
    public func entropy() -> Tensor { (scale.log() + 2).expanded(to: batchShape) }
}

/// Uniform on [low, high), elementwise.
public struct Uniform: Distribution {
    public let low: Tensor, high: Tensor
    public let batchShape: [Int]
    public var eventShape: [Int] { [] }

    public init(low: Tensor, high: Tensor) {
        require(withoutGrad { high.gt(low).min().item } == 1 || low.count == 0, "Uniform: high must exceed low")
        (self.low, self.high) = (low, high)
        batchShape = Dist.batchShape("Uniform", low, high)
    }

    /// −log(high − low) inside the support, −∞ outside.
    public func logProb(_ x: Tensor) -> Tensor {
        Dist.checkValue(x, batchShape, "Uniform")
        let inside = x.ge(low) * x.lt(high)
        return Tensor.where(inside, -(high - low).log(), Tensor(-.infinity))
    }

    public var hasRSample: Bool { true }

    /// low + (high − low)·u.
    public func rsample(_ sampleShape: [Int], generator: RandomGenerator) -> Tensor {
        low + (high - low) * Tensor.uniform(drawShape(sampleShape), generator: generator)
    }

    public var mean: Tensor { ((low + high) * 0.5).expanded(to: batchShape) }
    public var variance: Tensor { ((high - low).square() / 12).expanded(to: batchShape) }
    public func entropy() -> Tensor { (high - low).log().expanded(to: batchShape) }
}
