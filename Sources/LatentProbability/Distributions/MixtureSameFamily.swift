import LatentTensor

/// A finite mixture p(x) = Σₖ πₖ pₖ(x) whose K components are the last batch axis of one
/// distribution (`torch.distributions.MixtureSameFamily`). Examples: a mixture of Gaussians prior
/// (`Independent(Normal(loc: [K, D], …), 1)`, batch `[K]`, event `[D]`) as in VampPrior-style VAEs;
/// a mixture of discretized logistics per pixel (PixelCNN++).
///
/// log p(x) = logΣₖ exp(log πₖ + log pₖ(x)), evaluated with a stable logsumexp.
public struct MixtureSameFamily: Distribution {
    /// log πₖ, `[..., K]` (normalized).
    public let logWeights: Tensor
    /// Components with batch shape `[..., K]`.
    public let components: any Distribution

    /// - Parameters:
    ///   - mixtureLogits: unnormalized log πₖ, `[..., K]`, matching the components' batch shape.
    ///   - components: the K components as the last batch axis.
    public init(mixtureLogits: Tensor, components: any Distribution) {
        require(mixtureLogits.rank >= 1 && mixtureLogits.shape == components.batchShape,
                "MixtureSameFamily: mixture logits \(mixtureLogits.shape) must equal the components' batch shape \(components.batchShape) ([..., K])")
        logWeights = mixtureLogits.logSoftmax(axis: -1)
        self.components = components
    }

    public var batchShape: [Int] { Array(components.batchShape.dropLast()) }
    public var eventShape: [Int] { components.eventShape }
    /// K.
    public var componentCount: Int { components.batchShape.last! }

    public func logProb(_ x: Tensor) -> Tensor {
        // Insert the component axis just before the event axes: [..., batch, 1, event...].
        let axis = x.rank - eventShape.count
        require(axis >= 0, "MixtureSameFamily.logProb: value \(x.shape) is shorter than the event shape \(eventShape)")
        let perComponent = components.logProb(x.unsqueezed(axis: axis))
        return (perComponent + logWeights).logSumExp(axis: -1)
    }

    /// Picks a component per draw from π, then draws from it (not differentiable).
    public func sample(_ sampleShape: [Int], generator: RandomGenerator) -> Tensor {
        withoutGrad {
            let choice = Categorical(logits: logWeights).sample(sampleShape, generator: generator)   // [S..., batch...]
            let all = components.sample(sampleShape, generator: generator)                          // [S..., batch..., K, event...]
            let axis = sampleShape.count + batchShape.count
            let indexShape = choice.shape + [1] + eventShape.map { _ in 1 }
            var target = all.shape
            target[axis] = 1
            let index = choice.reshaped(indexShape).expanded(to: target)
            return all.gather(axis: axis, index: index).squeezed(axis: axis)
        }
    }

    /// Σ πₖ μₖ.
    public var mean: Tensor {
        let w = weightsBroadcastable
        return (components.mean * w).sum(axis: batchShape.count)
    }

    /// Σ πₖ (σₖ² + μₖ²) − mean².
    public var variance: Tensor {
        let w = weightsBroadcastable
        let second = ((components.variance + components.mean.square()) * w).sum(axis: batchShape.count)
        return second - mean.square()
    }

    /// π reshaped to `[..., K, 1…]` so it broadcasts over the event axes.
    private var weightsBroadcastable: Tensor {
        logWeights.exp().reshaped(logWeights.shape + eventShape.map { _ in 1 })
    }
}
