import Foundation
import LatentTensor
import LatentNN
import LatentProbability
import LatentData

/// A ready-made normalizing flow: the `TransformedDistribution` of a base p(z) under the
/// bijector stack a `FlowConfiguration` describes (RealNVP, MAF, IAF, spline flows, planar and
/// radial stacks, residual flows), optionally conditioned on a context and optionally fitted to 8-bit images
/// through `ImagePreprocessing`.
///
///     log p(x | c) = log p_base(f⁻¹(x; c)) + log|det ∂f⁻¹/∂x|      (nats, summed over D)
///
/// Shapes: data `[N, D]` (images `[N, C, H, W]` are flattened to D = C·H·W), context `[N, F]`
/// (or class indices `[N]`, one-hot encoded to F = `contextFeatures` classes), log-densities `[N]`.
/// For image models, data are k/(L − 1) ∈ [0, 1] and `logProb` is the density of dequantized
/// values y ∈ [0, 1]ᴰ; `evaluationMetrics` reports the 8-bit NLL and bits/dim with every
/// pre-processing Jacobian counted (see `ImagePreprocessing`).
///
/// Training: `trainingLoss` is the mean NLL in nats (DESIGN.md's convention), so the model
/// trains through the shared loop like any `TrainableModel`. Parameters are named `flow.bijectors.k.…`.
public final class FlowModel: Module, TrainableModel {
    /// The description the model was built from (saved in checkpoints).
    public let configuration: FlowConfiguration
    /// f: z ↦ x, noise to data.
    public let flow: Chain
    /// p(z), over `[D]`.
    public let base: any Distribution

    /// A new model with weights drawn from `configuration.seed` (coupling and autoregressive layers
    /// start at the identity, so a new model's density is the base's, seen through any logit).
    public init(configuration: FlowConfiguration) {
        self.configuration = configuration
        flow = FlowArchitecture.bijector(configuration, generator: RandomGenerator(seed: configuration.seed))
        base = FlowArchitecture.base(configuration)
    }

    /// The model as a distribution over `[D]` (pass contexts to its `logProb(_:context:)`).
    public var distribution: TransformedDistribution {
        TransformedDistribution(base: base, bijector: flow)
    }

    /// D, the number of data dimensions.
    public var features: Int { configuration.features }

    /// log p(x | context) in nats, `[N]`, for x `[N, D]` (or `[N, C, H, W]`, flattened). For image
    /// models x must be the dequantized values in [0, 1].
    public func logProb(_ x: Tensor, context: Tensor? = nil) -> Tensor {
        let flat = flatten(x, "logProb")
        return distribution.logProb(flat, context: contextMatrix(context, rows: flat.shape[0], "logProb"))
    }

    /// `count` draws x = f(T·z), z ~ p(z), as `[count, D]` (image models: y ∈ [0, 1]ᴰ), without
    /// gradients. T = `temperature` scales the base draws (T < 1 trades diversity for quality);
    /// `context` needs `count` rows. Throws `FlowModelError.nonFiniteSamples` (naming how many)
    /// instead of returning NaN or ±∞.
    public func sample(_ count: Int, context: Tensor? = nil, temperature: Float = 1,
                       generator: RandomGenerator = .global) throws -> Tensor {
        require(count > 0, "FlowModel.sample: count must be positive, got \(count)")
        require(temperature > 0 && temperature.isFinite, "FlowModel.sample: temperature must be positive and finite, got \(temperature)")
        let c = contextMatrix(context, rows: count, "sample")
        let x = withoutGrad { flow.forward(base.sample([count], generator: generator) * temperature, context: c).detached() }
        try ResidualFlow.checkInverses(of: self, total: count)
        let bad = FlowModel.nonFiniteRows(x)
        if bad > 0 { throw FlowModelError.nonFiniteSamples(count: bad, total: count, temperature: temperature) }
        return x
    }

    /// Mean negative log-likelihood of one batch in nats per example (for image models: of the
    /// 8-bit data, −log p(y) + D·log L, y freshly dequantized with `generator`).
    public func trainingLoss(_ batch: Batch, step: Int, generator: RandomGenerator) -> TrainingLoss {
        let nll = negativeLogLikelihood(batch, generator: generator)
        var parts = ["nll": Double(nll.item)]
        if configuration.image != nil { parts[MetricNames.bitsPerDim] = parts["nll"]! / (Double(features) * Foundation.log(2.0)) }
        return TrainingLoss(loss: nll, parts: parts)
    }

    /// `nll` (nats per example) and, for image models, `bits_per_dim` on the 8-bit data.
    public func evaluationMetrics(_ batch: Batch, generator: RandomGenerator) -> [String: Double] {
        let nll = Double(withoutGrad { negativeLogLikelihood(batch, generator: generator).item })
        var metrics = ["nll": nll]
        if configuration.image != nil { metrics[MetricNames.bitsPerDim] = nll / (Double(features) * Foundation.log(2.0)) }
        return metrics
    }

    /// The scalar mean NLL of a batch (differentiable).
    private func negativeLogLikelihood(_ batch: Batch, generator: RandomGenerator) -> Tensor {
        var x = flatten(batch.x, "trainingLoss")
        var offset: Float = 0
        if let image = configuration.image {
            x = image.dequantize(x, generator: generator)
            offset = Float(image.discreteNLL(logDensity: 0, dimensions: features))
        }
        let context = contextMatrix(batch.y, rows: x.shape[0], "trainingLoss")
        ResidualFlow.useGenerator(generator, in: self)
        return -distribution.logProb(x, context: context).mean() + offset
    }

    /// `[N, …]` with D elements per example → `[N, D]`.
    private func flatten(_ x: Tensor, _ name: String) -> Tensor {
        require(x.rank >= 2 && x.count == x.shape[0] * features,
                "FlowModel.\(name): data must be [N, \(features)] (or [N, …] with \(features) values per example), got \(x.shape)")
        return x.rank == 2 ? x : x.reshaped([x.shape[0], features])
    }

    /// The context as `[rows, F]`: nil for unconditional models (any given context is ignored),
    /// class indices `[rows]` one-hot encoded, or a `[rows, F]` matrix as is.
    private func contextMatrix(_ context: Tensor?, rows: Int, _ name: String) -> Tensor? {
        let f = configuration.contextFeatures
        guard f > 0 else { return nil }
        guard let c = context else {
            fatalError("FlowModel.\(name): the model is conditional (contextFeatures \(f)) but no context was given")
        }
        if c.rank == 1 {
            require(c.shape[0] == rows, "FlowModel.\(name): \(c.shape[0]) class labels for \(rows) examples")
            return Transforms.oneHot(c, classes: f)
        }
        require(c.shape == [rows, f], "FlowModel.\(name): context must be [\(rows), \(f)] or class indices [\(rows)], got \(c.shape)")
        return c
    }

    /// The number of rows of `[N, D]` with a NaN or ±∞ entry.
    static func nonFiniteRows(_ x: Tensor) -> Int {
        let width = x.count / max(x.shape[0], 1)
        return x.withUnsafeBufferPointer { p in
            (0..<x.shape[0]).reduce(0) { bad, row in
                bad + ((0..<width).contains { !p[row * width + $0].isFinite } ? 1 : 0)
            }
        }
    }
}
