import LatentTensor
import LatentNN

/// RealNVP/Glow's squeeze (space-to-depth): each f×f block of pixels becomes f² channels,
/// `[N, C, H, W]` → `[N, C·f², H/f, W/f]`, with output channel c·f² + i·f + j holding pixel
/// (i, j) of the block of input channel c. A permutation: log|det| = 0 (shape `[N]`).
/// `Inverse(Squeeze())` is the unsqueeze (depth-to-space).
public final class Squeeze: Module, Bijector {
    /// The block size f.
    public let factor: Int

    /// A squeeze of f×f blocks (f = 2 in RealNVP and Glow).
    public init(factor: Int = 2) {
        require(factor >= 1, "Squeeze: factor must be ≥ 1, got \(factor)")
        self.factor = factor
    }

    public func forwardAndLogDet(_ x: Tensor, context: Tensor?) -> (y: Tensor, logDet: Tensor) {
        let f = factor
        require(x.rank == 4 && x.shape[2] % f == 0 && x.shape[3] % f == 0,
                "Squeeze: input must be [N, C, H, W] with H and W divisible by \(f), got \(x.shape)")
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let y = x.reshaped([n, c, h / f, f, w / f, f]).permuted([0, 1, 3, 5, 2, 4]).reshaped([n, c * f * f, h / f, w / f])
        return (y, FlowSupport.zeroLogDet(batch: n))
    }

    public func inverseAndLogDet(_ y: Tensor, context: Tensor?) -> (x: Tensor, logDet: Tensor) {
        let f = factor
        require(y.rank == 4 && y.shape[1] % (f * f) == 0,
                "Squeeze.inverse: input must be [N, C·\(f * f), H, W], got \(y.shape)")
        let (n, c, h, w) = (y.shape[0], y.shape[1] / (f * f), y.shape[2], y.shape[3])
        let x = y.reshaped([n, c, f, f, h, w]).permuted([0, 1, 4, 2, 5, 3]).reshaped([n, c, h * f, w * f])
        return (x, FlowSupport.zeroLogDet(batch: n))
    }
}
