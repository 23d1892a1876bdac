import Foundation
import LatentTensor
import LatentData

/// How a flow sees 8-bit images, and how its density is reported back on the 8-bit data.
///
/// Data arrive as k/(L − 1) ∈ [0, 1] (`Transforms.scaleToUnit`, L = `levels` = 256 for 8-bit
/// images) and are
/// 1. dequantized: y = (k + u)/L, u ~ U[0, 1)ᴰ (`Transforms.dequantize`) — a continuous density
///    p(y) on [0, 1]ᴰ then gives the discrete model P(k) = ∫ p((k + u)/L) L⁻ᴰ du, and by Jensen
///    log P(k) ≥ E_u[log p(y)] − D·log L (Theis et al. 2016): the −D·log L is the Jacobian of the
///    scaling by 1/L;
/// 2. mapped to ℝᴰ by `Logit(alpha:)`, v = logit(α + (1 − 2α)y), inside the model's bijector, so
///    its log-determinant is part of log p(y) (`FlowModel.logProb` is always the density of y).
///
/// Reported numbers: NLL in nats = −log p(y) + D·log L, and bits/dim = NLL/(D·ln 2)
/// = −log p(y)/(D·ln 2) + log₂ L (the "+8" of DESIGN.md for L = 256).
public struct ImagePreprocessing: Codable, Equatable, Sendable {
    /// L, the number of discrete values per dimension (256 for 8-bit data).
    public var levels: Int
    /// α of the logit transform, in [0, ½) (1e-6 is common for MNIST; 0 is the plain logit).
    public var logitAlpha: Float

    /// Dequantization to `levels` values and a logit with margin `logitAlpha`.
    public init(levels: Int = 256, logitAlpha: Float = 1e-6) {
        require(levels >= 2, "ImagePreprocessing: levels must be at least 2, got \(levels)")
        require(logitAlpha >= 0 && logitAlpha < 0.5, "ImagePreprocessing: logitAlpha must lie in [0, 0.5), got \(logitAlpha)")
        self.levels = levels
        self.logitAlpha = logitAlpha
    }

    /// y = (k + u)/L for data k/(L − 1), `[N, D]` → `[N, D]`.
    public func dequantize(_ x: Tensor, generator: RandomGenerator) -> Tensor {
        Transforms.dequantize(x, levels: levels, generator: generator)
    }

    /// The discrete NLL in nats, −log p(y) + D·log L, from log p(y) of dequantized data (nats).
    public func discreteNLL(logDensity: Double, dimensions: Int) -> Double {
        -logDensity + Double(dimensions) * Foundation.log(Double(levels))
    }

    /// Bits per dimension on the discrete data: (−log p(y) + D·log L)/(D·ln 2).
    public func bitsPerDimension(logDensity: Double, dimensions: Int) -> Double {
        require(dimensions > 0, "ImagePreprocessing.bitsPerDimension: dimensions must be positive, got \(dimensions)")
        return discreteNLL(logDensity: logDensity, dimensions: dimensions) / (Double(dimensions) * Foundation.log(2.0))
    }
}
