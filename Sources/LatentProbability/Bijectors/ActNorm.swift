import LatentTensor
import LatentNN

/// Glow's activation normalization (Kingma & Dhariwal 2018): a per-channel affine map
///
///     y = (x + b) ⊙ exp(log s),   log|det| = P · Σ_c log s_c   (shape [N]),
///     x = y ⊙ exp(−log s) − b,
///
/// on `[N, C]` or `[N, C, H, W]` (channels on axis 1), where P is the number of positions per
/// channel (1, or H·W).
///
/// Data-dependent initialization: the first call, in either direction, sets log s and b from
/// that batch so that its *output* has zero mean and unit variance per channel — with
/// forward-first (a data → latent stack, as in Glow) b = −mean(x), log s = −log std(x); with
/// inverse-first (the data side of a `TransformedDistribution`, whose `logProb` runs bijectors
/// in reverse) log s = log std(y), b = mean(y)/std(y). Afterwards both are ordinary trainable
/// parameters, and the `initialized` buffer (0 or 1) is saved with them in checkpoints, so a
/// loaded model is not re-initialized. The initialization is not recorded for autodiff.
public final class ActNorm: Module, Bijector {
    /// Number of channels C.
    public let channels: Int
    /// log s, `[C]`.
    public let logScale: Parameter
    /// b, `[C]`.
    public let bias: Parameter
    /// 1 once the data-dependent initialization has run, else 0 (`[1]`).
    public let initialized: Buffer

    /// An uninitialized layer (the identity until its first call).
    public init(channels: Int) {
        require(channels > 0, "ActNorm: channels must be positive, got \(channels)")
        self.channels = channels
        logScale = Parameter(Tensor.zeros([channels]))
        bias = Parameter(Tensor.zeros([channels]))
        initialized = Buffer(Tensor.zeros([1]))
    }

    /// Whether the data-dependent initialization has run.
    public var isInitialized: Bool { initialized.value[0] != 0 }

    /// Sets the parameters from `batch` (the input of the first call).
    private func initialize(from batch: Tensor, forwardFirst: Bool) {
        withoutGrad {
            let axes = [0] + Array(2..<batch.rank)
            let n = batch.count / channels
            require(n > 1, "ActNorm: data-dependent initialization needs more than one value per channel, got input \(batch.shape)")
            let mean = batch.mean(axes: axes), std = batch.variance(axes: axes).sqrt() + 1e-6
            if forwardFirst {
                FlowSupport.assign(logScale, -std.log())
                FlowSupport.assign(bias, -mean)
            } else {
                FlowSupport.assign(logScale, std.log())
                FlowSupport.assign(bias, mean / std)
            }
            initialized.value = Tensor.ones([1])
        }
    }

    private func logDet(_ v: Tensor) -> Tensor {
        FlowSupport.perSample(logScale.value.sum() * Float(FlowSupport.positionsPerChannel(v.shape)), batch: v.shape[0])
    }

    public func forwardAndLogDet(_ x: Tensor, context: Tensor?) -> (y: Tensor, logDet: Tensor) {
        FlowSupport.requireChannels(x, channels, "ActNorm")
        if !isInitialized { initialize(from: x, forwardFirst: true) }
        let shape = FlowSupport.channelShape(channels, rank: x.rank)
        let y = (x + bias.value.reshaped(shape)) * logScale.value.exp().reshaped(shape)
        return (y, logDet(x))
    }

    public func inverseAndLogDet(_ y: Tensor, context: Tensor?) -> (x: Tensor, logDet: Tensor) {
        FlowSupport.requireChannels(y, channels, "ActNorm")
        if !isInitialized { initialize(from: y, forwardFirst: false) }
        let shape = FlowSupport.channelShape(channels, rank: y.rank)
        let x = y * (-logScale.value).exp().reshaped(shape) - bias.value.reshaped(shape)
        return (x, -logDet(y))
    }
}
