import Foundation
import LatentTensor
import LatentNN

/// Glow's invertible 1×1 convolution (Kingma & Dhariwal 2018), LU-parameterized: a learned
/// C×C matrix W mixes the channels at every position,
///
///     W = P · L · (U + diag(sign ⊙ exp(log|s|))),
///     y[n, :, h, w] = W · x[n, :, h, w],    log|det| = P_pos · Σ log|s|   (shape [N]),
///
/// with P a fixed permutation (buffer), L unit lower triangular and U strictly upper triangular
/// (parameters; entries outside their triangle are ignored), log|s| learnable and the signs
/// fixed (buffer). P_pos is the number of positions per channel: H·W for `[N, C, H, W]`, and 1
/// for `[N, C]`, where this is the dense invertible linear map y = W x (any rank ≥ 2 works,
/// channels on axis 1). The determinant costs O(C) instead of O(C³).
///
/// Starts from a random rotation (Glow's choice). The inverse uses W⁻¹ computed in Double and
/// written as 2A − A·W·A with A = W⁻¹ held constant: the same value, with the exact gradient
/// −W⁻¹ dW W⁻¹, so training through the inverse (a `TransformedDistribution`'s `logProb`) works.
public final class InvertibleConv1x1: Module, Bijector {
    /// Number of channels C.
    public let channels: Int
    /// P, `[C, C]`, fixed.
    public let permutation: Buffer
    /// L below its diagonal, `[C, C]`.
    public let lower: Parameter
    /// U above its diagonal, `[C, C]`.
    public let upper: Parameter
    /// log|s|, the log-magnitudes of U's diagonal, `[C]`.
    public let logDiagonal: Parameter
    /// The signs of U's diagonal (±1), `[C]`, fixed.
    public let signs: Buffer
    private let lowerMask: Tensor
    private let upperMask: Tensor

    /// A layer initialized to a random rotation drawn from `generator`.
    public init(channels: Int, generator: RandomGenerator = .global) {
        require(channels > 0, "InvertibleConv1x1: channels must be positive, got \(channels)")
        let c = channels
        self.channels = c
        let rotation = SmallLinearAlgebra.randomOrthogonal(c) { Double(Tensor.randn([1], generator: generator)[0]) }
        let (p, l, u) = SmallLinearAlgebra.luDecomposition(rotation, c)
        let diagonal = (0..<c).map { u[$0 * c + $0] }
        let strictUpper = (0..<(c * c)).map { $0 / c < $0 % c ? u[$0] : 0 }
        let strictLower = (0..<(c * c)).map { $0 / c > $0 % c ? l[$0] : 0 }
        permutation = Buffer(Tensor(shape: [c, c], scalars: p.map { Float($0) }))
        lower = Parameter(Tensor(shape: [c, c], scalars: strictLower.map { Float($0) }))
        upper = Parameter(Tensor(shape: [c, c], scalars: strictUpper.map { Float($0) }))
        logDiagonal = Parameter(Tensor(diagonal.map { Float(Foundation.log(abs($0))) }))
        signs = Buffer(Tensor(diagonal.map { $0 < 0 ? -1 : 1 }))
        lowerMask = Tensor(shape: [c, c], scalars: (0..<(c * c)).map { $0 / c > $0 % c ? 1 : 0 })
        upperMask = Tensor(shape: [c, c], scalars: (0..<(c * c)).map { $0 / c < $0 % c ? 1 : 0 })
    }

    /// W = P·L·U assembled from the parameters, `[C, C]` (differentiable).
    public var weight: Tensor {
        let eye = Tensor.eye(channels)
        let l = lower.value * lowerMask + eye
        let u = upper.value * upperMask + eye * (logDiagonal.value.exp() * signs.value).reshaped([1, channels])
        return permutation.value.matmul(l.matmul(u))
    }

    /// Applies `matrix` to the channel vector at every position of `v`.
    private func mixChannels(_ v: Tensor, _ matrix: Tensor) -> Tensor {
        FlowSupport.requireChannels(v, channels, "InvertibleConv1x1")
        if v.rank == 2 { return v.linear(weight: matrix) }
        let r = v.rank
        let channelsLast = v.permuted([0] + Array(2..<r) + [1]).linear(weight: matrix)
        return channelsLast.permuted([0, r - 1] + Array(1..<(r - 1)))
    }

    private func logDet(_ v: Tensor) -> Tensor {
        FlowSupport.perSample(logDiagonal.value.sum() * Float(FlowSupport.positionsPerChannel(v.shape)), batch: v.shape[0])
    }

    public func forwardAndLogDet(_ x: Tensor, context: Tensor?) -> (y: Tensor, logDet: Tensor) {
        (mixChannels(x, weight), logDet(x))
    }

    public func inverseAndLogDet(_ y: Tensor, context: Tensor?) -> (x: Tensor, logDet: Tensor) {
        let w = weight
        let a = withoutGrad {
            let inv = SmallLinearAlgebra.inverse(w.scalars.map { Double($0) }, channels)
            return Tensor(shape: [channels, channels], scalars: inv.map { Float($0) })
        }
        let inverseW = a * 2 - a.matmul(w).matmul(a)
        return (mixChannels(y, inverseW), -logDet(y))
    }
}
