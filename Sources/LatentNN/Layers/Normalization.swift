import LatentTensor

/// Batch normalization (Ioffe & Szegedy) over the channel axis 1: every channel is standardized
/// with the batch's mean and (biased) variance in training, with running estimates in evaluation,
/// then scaled and shifted by learned γ (`weight`) and β (`bias`).
///
/// Running estimates follow PyTorch: r ← (1 − momentum)·r + momentum·batch statistic, using the
/// unbiased variance; `batchesTracked` counts updates.
public class BatchNorm: Module, Layer {
    /// Number of channels C.
    public let features: Int
    /// Added to the variance before the square root.
    public let eps: Float
    /// Weight of the newest batch in the running estimates.
    public let momentum: Float
    /// γ, `[C]` (absent without affine).
    public let weight: Parameter?
    /// β, `[C]` (absent without affine).
    public let bias: Parameter?
    /// Running mean, `[C]`.
    public let runningMean: Buffer
    /// Running (unbiased) variance, `[C]`.
    public let runningVar: Buffer
    /// How many training batches updated the running estimates.
    public let batchesTracked: Buffer
    private let ranks: Set<Int>

    init(features: Int, eps: Float, momentum: Float, affine: Bool, ranks: Set<Int>) {
        require(features > 0, "BatchNorm: features must be positive, got \(features)")
        self.features = features
        self.eps = eps
        self.momentum = momentum
        weight = affine ? Parameter(Tensor.ones([features])) : nil
        bias = affine ? Parameter(Tensor.zeros([features])) : nil
        runningMean = Buffer(Tensor.zeros([features]))
        runningVar = Buffer(Tensor.ones([features]))
        batchesTracked = Buffer(Tensor.zeros([1]))
        self.ranks = ranks
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        require(ranks.contains(input.rank) && input.shape[1] == features,
                "\(type(of: self)): input must have rank \(ranks.sorted()) with \(features) channels on axis 1, got shape \(input.shape)")
        let axes = [0] + Array(2..<input.rank)
        var statShape = [Int](repeating: 1, count: input.rank)
        statShape[1] = features
        let mean: Tensor, variance: Tensor
        if isTraining {
            let n = input.count / features
            require(n > 1, "\(type(of: self)): training needs more than one value per channel, got input \(input.shape)")
            mean = input.mean(axes: axes, keepDims: true)
            variance = (input - mean).square().mean(axes: axes, keepDims: true)
            withoutGrad {
                let m = momentum
                runningMean.value = runningMean.value * (1 - m) + mean.reshaped([features]) * m
                runningVar.value = runningVar.value * (1 - m) + variance.reshaped([features]) * (m * Float(n) / Float(n - 1))
                batchesTracked.value = batchesTracked.value + 1
            }
        } else {
            mean = runningMean.value.reshaped(statShape)
            variance = runningVar.value.reshaped(statShape)
        }
        var y = (input - mean) / (variance + eps).sqrt()
        if let w = weight, let b = bias { y = y * w.value.reshaped(statShape) + b.value.reshaped(statShape) }
        return y
    }
}

/// Batch normalization of `[N, C]` or `[N, C, L]` inputs.
public final class BatchNorm1d: BatchNorm {
    public init(_ features: Int, eps: Float = 1e-5, momentum: Float = 0.1, affine: Bool = true) {
        super.init(features: features, eps: eps, momentum: momentum, affine: affine, ranks: [2, 3])
    }
}

/// Batch normalization of `[N, C, H, W]` images.
public final class BatchNorm2d: BatchNorm {
    public init(_ features: Int, eps: Float = 1e-5, momentum: Float = 0.1, affine: Bool = true) {
        super.init(features: features, eps: eps, momentum: momentum, affine: affine, ranks: [4])
    }
}

/// Layer normalization (Ba et al.): each sample is standardized over its last axes
/// (`normalizedShape`), with learned elementwise γ and β of that shape. Same in training and evaluation.
public final class LayerNorm: Module, Layer {
    /// The trailing shape normalized over.
    public let normalizedShape: [Int]
    /// Added to the variance before the square root.
    public let eps: Float
    /// γ (absent without affine).
    public let weight: Parameter?
    /// β (absent without affine).
    public let bias: Parameter?

    public init(_ normalizedShape: [Int], eps: Float = 1e-5, elementwiseAffine: Bool = true) {
        require(!normalizedShape.isEmpty && normalizedShape.allSatisfy { $0 > 0 },
                "LayerNorm: normalizedShape must be non-empty and positive, got \(normalizedShape)")
        self.normalizedShape = normalizedShape
        self.eps = eps
        weight = elementwiseAffine ? Parameter(Tensor.ones(normalizedShape)) : nil
        bias = elementwiseAffine ? Parameter(Tensor.zeros(normalizedShape)) : nil
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        let k = normalizedShape.count
        require(input.rank >= k && Array(input.shape.suffix(k)) == normalizedShape,
                "LayerNorm: input \(input.shape) must end in \(normalizedShape)")
        let axes = Array((input.rank - k)..<input.rank)
        let mean = input.mean(axes: axes, keepDims: true)
        let variance = (input - mean).square().mean(axes: axes, keepDims: true)
        var y = (input - mean) / (variance + eps).sqrt()
        if let w = weight, let b = bias { y = y * w.value + b.value }
        return y
    }
}
