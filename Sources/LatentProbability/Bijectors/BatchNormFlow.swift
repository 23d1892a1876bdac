import LatentTensor
import LatentNN

/// RealNVP's batch-normalization bijector (Dinh et al. 2017), per channel (axis 1) of `[N, C]`
/// or `[N, C, H, W]`:
///
///     y = (x − μ) / √(σ² + ε) ⊙ exp(log γ) + β,
///     log|det| = P · Σ_c (log γ_c − ½ log(σ_c² + ε))   (shape [N], P positions per channel),
///
/// Forward normalizes, so it belongs to the data → latent direction. In training mode, forward
/// uses the batch's mean and (biased) variance — the log-determinant treats them as constants,
/// as RealNVP does — and updates the running estimates r ← (1 − momentum)·r + momentum·batch
/// (unbiased variance, like PyTorch). In evaluation mode, and always in the inverse
/// x = (y − β) ⊙ exp(−log γ) ⊙ √(σ² + ε) + μ, it uses the running estimates, so forward and
/// inverse are exact inverses in evaluation mode. In a `TransformedDistribution` (latent → data)
/// use `Inverse(BatchNormFlow(…))`, or build the stack data → latent and wrap it in `Inverse`.
public final class BatchNormFlow: Module, Bijector {
    /// Number of channels C.
    public let channels: Int
    /// Weight of the newest batch in the running estimates.
    public let momentum: Float
    /// ε, added to the variance.
    public let eps: Float
    /// log γ, `[C]`.
    public let logGamma: Parameter
    /// β, `[C]`.
    public let beta: Parameter
    /// Running mean, `[C]`.
    public let runningMean: Buffer
    /// Running (unbiased) variance, `[C]`.
    public let runningVar: Buffer

    /// A layer starting with γ = 1, β = 0 and running estimates (0, 1).
    public init(channels: Int, momentum: Float = 0.1, eps: Float = 1e-5) {
        require(channels > 0, "BatchNormFlow: channels must be positive, got \(channels)")
        require(momentum >= 0 && momentum <= 1, "BatchNormFlow: momentum must be in [0, 1], got \(momentum)")
        require(eps > 0, "BatchNormFlow: eps must be positive, got \(eps)")
        self.channels = channels
        self.momentum = momentum
        self.eps = eps
        logGamma = Parameter(Tensor.zeros([channels]))
        beta = Parameter(Tensor.zeros([channels]))
        runningMean = Buffer(Tensor.zeros([channels]))
        runningVar = Buffer(Tensor.ones([channels]))
    }

    /// log|det| for per-channel variance `variance` `[C]`, as `[N]`.
    private func logDet(_ variance: Tensor, _ v: Tensor) -> Tensor {
        let perChannel = logGamma.value - (variance + eps).log() * 0.5
        return FlowSupport.perSample(perChannel.sum() * Float(FlowSupport.positionsPerChannel(v.shape)), batch: v.shape[0])
    }

    public func forwardAndLogDet(_ x: Tensor, context: Tensor?) -> (y: Tensor, logDet: Tensor) {
        FlowSupport.requireChannels(x, channels, "BatchNormFlow")
        let shape = FlowSupport.channelShape(channels, rank: x.rank)
        let mean: Tensor, variance: Tensor
        if isTraining {
            let axes = [0] + Array(2..<x.rank)
            let n = x.count / channels
            require(n > 1, "BatchNormFlow: training needs more than one value per channel, got input \(x.shape)")
            mean = x.mean(axes: axes)
            variance = (x - mean.reshaped(shape)).square().mean(axes: axes)
            withoutGrad {
                runningMean.value = runningMean.value * (1 - momentum) + mean * momentum
                runningVar.value = runningVar.value * (1 - momentum) + variance * (momentum * Float(n) / Float(n - 1))
            }
        } else {
            (mean, variance) = (runningMean.value, runningVar.value)
        }
        let scale = (logGamma.value - (variance + eps).log() * 0.5).exp()
        let y = (x - mean.reshaped(shape)) * scale.reshaped(shape) + beta.value.reshaped(shape)
        return (y, logDet(variance, x))
    }

    public func inverseAndLogDet(_ y: Tensor, context: Tensor?) -> (x: Tensor, logDet: Tensor) {
        FlowSupport.requireChannels(y, channels, "BatchNormFlow")
        let shape = FlowSupport.channelShape(channels, rank: y.rank)
        let (mean, variance) = (runningMean.value, runningVar.value)
        let inverseScale = ((variance + eps).log() * 0.5 - logGamma.value).exp()
        let x = (y - beta.value.reshaped(shape)) * inverseScale.reshaped(shape) + mean.reshaped(shape)
        return (x, -logDet(variance, y))
    }
}
