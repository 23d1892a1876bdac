import Foundation
import LatentTensor

/// The preprocessing steps of the VAE and flow literature, as functions of whole tensors.
///
/// Static steps (scaling, thresholding, a once-sampled binarization, flattening, one-hot labels)
/// are applied to a dataset once; random ones (dynamic binarization, dequantization noise) are
/// applied per batch by a `DataLoader` through `BatchTransform`. State the binarization used
/// next to every binarized-MNIST likelihood: the numbers differ by several nats.
public enum Transforms {
    /// `x / maximum`: raw pixel values 0…255 to [0, 1].
    public static func scaleToUnit(_ x: Tensor, maximum: Float = 255) -> Tensor {
        x / maximum
    }

    /// 1 where `x > threshold`, else 0 (deterministic thresholding).
    public static func threshold(_ x: Tensor, at threshold: Float = 0.5) -> Tensor {
        x.gt(threshold)
    }

    /// One Bernoulli draw per element with probability `x` (values must lie in [0, 1]).
    ///
    /// Drawn once with a fixed seed and kept, this is *static* binarization (the fixed binarized
    /// MNIST of Salakhutdinov & Murray, 2008); redrawn for every batch it is *dynamic* binarization
    /// (`BatchTransform.dynamicBinarization`), which regularizes and gives lower test NLLs.
    public static func binarize(_ x: Tensor, generator: RandomGenerator) -> Tensor {
        Tensor.bernoulli(x, generator: generator)
    }

    /// Uniform dequantization of data in [0, 1] with `levels` discrete values (x = k / (levels − 1)):
    /// y = (k + u) / levels with u ~ U[0, 1), so y ∈ [0, 1) has a density and a continuous model's
    /// log-likelihood of y lower-bounds the discrete log-likelihood of k (Theis et al., 2016).
    public static func dequantize(_ x: Tensor, levels: Int = 256, generator: RandomGenerator) -> Tensor {
        require(levels >= 2, "Transforms.dequantize: levels must be at least 2, got \(levels)")
        let l = Float(levels)
        return x * ((l - 1) / l) + Tensor.uniform(x.shape, low: 0, high: 1 / l, generator: generator)
    }

    /// The logit transform of the flow literature: y = logit(α + (1 − 2α)·x) for x in [0, 1],
    /// mapping to the real line while keeping away from ±∞ (RealNVP uses α = 0.05, Glow-style
    /// models often 1e-6).
    public static func logit(_ x: Tensor, alpha: Float = 0.05) -> Tensor {
        require(alpha > 0 && alpha < 0.5, "Transforms.logit: alpha must lie in (0, 0.5), got \(alpha)")
        let p = alpha + (1 - 2 * alpha) * x
        return p.log() - (1 - p).log()
    }

    /// The inverse of `logit`: x = (sigmoid(y) − α) / (1 − 2α), to show samples as images.
    public static func inverseLogit(_ y: Tensor, alpha: Float = 0.05) -> Tensor {
        require(alpha > 0 && alpha < 0.5, "Transforms.inverseLogit: alpha must lie in (0, 0.5), got \(alpha)")
        return (y.sigmoid() - alpha) / (1 - 2 * alpha)
    }

    /// log |det ∂y/∂x| of `logit` per example, `[N]` for `x` of shape `[N, …]`:
    /// Σ_d [log(1 − 2α) − log p_d − log(1 − p_d)], p = α + (1 − 2α)x.
    ///
    /// Add it to a flow's log-density of y to get the log-density of x, as needed for nats and
    /// bits per dimension in data space.
    public static func logitLogDeterminant(_ x: Tensor, alpha: Float = 0.05) -> Tensor {
        require(alpha > 0 && alpha < 0.5, "Transforms.logitLogDeterminant: alpha must lie in (0, 0.5), got \(alpha)")
        require(x.rank >= 1, "Transforms.logitLogDeterminant: x needs an example axis, got shape \(x.shape)")
        let p = alpha + (1 - 2 * alpha) * x
        let perElement = Float(Foundation.log(Double(1 - 2 * alpha))) - p.log() - (1 - p).log()
        return perElement.reshaped([x.shape[0], -1]).sum(axis: 1)
    }

    /// `[N, …]` to `[N, D]` with D the product of the other axes (images to vectors).
    public static func flatten(_ x: Tensor) -> Tensor {
        require(x.rank >= 1, "Transforms.flatten: x needs an example axis, got shape \(x.shape)")
        return x.reshaped([x.shape[0], x.count / Swift.max(x.shape[0], 1)])
    }

    /// `[N]` class indices (whole numbers in 0..<classes) to `[N, classes]` rows of 0s with one 1.
    public static func oneHot(_ labels: Tensor, classes: Int) -> Tensor {
        require(labels.rank == 1, "Transforms.oneHot: labels must be [N], got shape \(labels.shape)")
        require(classes > 0, "Transforms.oneHot: classes must be positive, got \(classes)")
        var out = Tensor.zeros([labels.count, classes])
        labels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for (i, v) in src.enumerated() {
                    let k = Int(exactly: v) ?? -1
                    require(k >= 0 && k < classes, "Transforms.oneHot: label \(v) at index \(i) is not a class index in 0..<\(classes)")
                    dst[i * classes + k] = 1
                }
            }
        }
        return out
    }
}

/// A per-batch preprocessing step, given the loader's generator for any randomness, so that
/// batches are reproducible from the loader's seed.
public struct BatchTransform {
    /// Maps a batch of inputs to the transformed batch.
    public let apply: (Tensor, RandomGenerator) -> Tensor

    /// A transform from a closure.
    public init(_ apply: @escaping (Tensor, RandomGenerator) -> Tensor) {
        self.apply = apply
    }

    /// Fresh Bernoulli draws for every batch (dynamic binarization); inputs in [0, 1].
    public static let dynamicBinarization = BatchTransform { Transforms.binarize($0, generator: $1) }

    /// Fresh uniform dequantization noise for every batch (see `Transforms.dequantize`).
    public static func dequantization(levels: Int = 256) -> BatchTransform {
        BatchTransform { Transforms.dequantize($0, levels: levels, generator: $1) }
    }

    /// The logit transform (deterministic; usually after `dequantization`).
    public static func logit(alpha: Float = 0.05) -> BatchTransform {
        BatchTransform { x, _ in Transforms.logit(x, alpha: alpha) }
    }

    /// `[B, …]` to `[B, D]`.
    public static let flatten = BatchTransform { x, _ in Transforms.flatten(x) }

    /// This step followed by `next`, e.g. `.dequantization().then(.logit())`.
    public func then(_ next: BatchTransform) -> BatchTransform {
        let first = apply
        return BatchTransform { next.apply(first($0, $1), $1) }
    }
}
