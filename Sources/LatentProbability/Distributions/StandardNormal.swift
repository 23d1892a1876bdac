import Foundation
import LatentTensor

/// The standard normal N(0, I) over events of a fixed shape — the usual prior p(z) of a VAE and
/// base distribution of a flow. Batch shape `[]`: `logProb` of `[N, event...]` is `[N]`.
public struct StandardNormal: Distribution {
    public let eventShape: [Int]
    public var batchShape: [Int] { [] }

    /// N(0, I) over events of shape `eventShape` (e.g. `[20]` for a 20-d latent, `[1, 28, 28]` for images).
    public init(eventShape: [Int]) {
        require(eventShape.allSatisfy { $0 > 0 }, "StandardNormal: event shape must be positive, got \(eventShape)")
        self.eventShape = eventShape
    }

    /// −½‖x‖² − (D/2)·log 2π, summed over the event axes.
    public func logProb(_ x: Tensor) -> Tensor {
        let k = eventShape.count
        require(x.rank >= k && Array(x.shape.suffix(k)) == eventShape,
                "StandardNormal.logProb: value of shape \(x.shape) must end in the event shape \(eventShape)")
        let d = Float(eventShape.reduce(1, *))
        let axes = Array((x.rank - k)..<x.rank)
        let sq = k == 0 ? x.square() : x.square().sum(axes: axes)
        return sq * -0.5 - 0.5 * d * Float(Foundation.log(2 * Double.pi))
    }

    public var hasRSample: Bool { true }

    /// ε ~ N(0, I): no parameters, so `rsample` and `sample` coincide.
    public func rsample(_ sampleShape: [Int], generator: RandomGenerator) -> Tensor {
        Tensor.randn(sampleShape + eventShape, generator: generator)
    }

    public var mean: Tensor { Tensor.zeros(eventShape) }
    public var variance: Tensor { Tensor.ones(eventShape) }

    /// (D/2)·(1 + log 2π).
    public func entropy() -> Tensor {
        Tensor(Float(eventShape.reduce(1, *)) * 0.5 * Float(1 + Foundation.log(2 * Double.pi)))
    }
}
