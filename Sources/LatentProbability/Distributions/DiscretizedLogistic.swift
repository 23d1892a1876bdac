import Foundation
import LatentTensor

/// A logistic distribution discretized to the 256 levels of 8-bit images (Kingma et al. 2016,
/// Salimans et al. 2017, PixelCNN++), elementwise. Values are pixel intensities x = k/255 in [0, 1];
/// each gets the logistic mass of its bin [x − ½·Δ, x + ½·Δ], Δ = 1/255, with the edge bins
/// extended to ∓∞ so the 256 masses sum to 1. Where a bin's mass underflows (< 10⁻⁵) the density at
/// its center times Δ is used instead, as in PixelCNN++.
public struct DiscretizedLogistic: Distribution {
    /// μ, in the [0, 1] intensity scale.
    public let loc: Tensor
    /// log s, clamped below at −7 (PixelCNN++) so masses stay representable.
    public let logScale: Tensor
    /// Number of levels (256 for 8-bit images).
    public let levels: Int
    public let batchShape: [Int]
    public var eventShape: [Int] { [] }

    public init(loc: Tensor, logScale: Tensor, levels: Int = 256) {
        require(levels >= 2, "DiscretizedLogistic: needs at least 2 levels, got \(levels)")
        self.loc = loc
        self.logScale = logScale.clamp(min: -7)
        self.levels = levels
        batchShape = Dist.batchShape("DiscretizedLogistic", loc, logScale)
    }

    /// log P(bin of x): values must be k/(levels − 1).
    public func logProb(_ x: Tensor) -> Tensor {
        Dist.checkValue(x, batchShape, "DiscretizedLogistic")
        let halfBin = 0.5 / Float(levels - 1)
        let invScale = (-logScale).exp()
        let centered = x - loc
        let plus = (centered + halfBin) * invScale
        let minus = (centered - halfBin) * invScale
        let logCdfPlus = plus.logSigmoid()                      // log σ(plus): lowest bin
        let logOneMinusCdfMinus = (-minus).logSigmoid()         // log(1 − σ(minus)): highest bin
        let delta = plus.sigmoid() - minus.sigmoid()
        let mid = centered * invScale
        let logDensityMid = mid - logScale - mid.softplus() * 2  // log logistic pdf at the center
        let interior = Tensor.where(delta.gt(1e-5), delta.clamp(min: 1e-12).log(),
                                    logDensityMid + Float(-Foundation.log(Double(levels - 1))))
        let low = x.lt(halfBin), high = x.gt(1 - halfBin)
        return Tensor.where(low, logCdfPlus, Tensor.where(high, logOneMinusCdfMinus, interior))
    }

    /// A logistic draw rounded to the nearest level in [0, 1] (not differentiable).
    public func sample(_ sampleShape: [Int], generator: RandomGenerator) -> Tensor {
        withoutGrad {
            let u = Dist.openUniform(drawShape(sampleShape), generator)
            let x = loc + logScale.exp() * (u.log() - (1 - u).log())
            let k = Float(levels - 1)
            return Tensor(shape: x.shape, scalars: x.clamp(min: 0, max: 1).scalars.map { ($0 * k).rounded() / k })
        }
    }

    /// The mean of the continuous logistic, clamped to [0, 1] (exact up to the edge-bin mass).
    public var mean: Tensor { loc.clamp(min: 0, max: 1).expanded(to: batchShape) }
    /// The continuous logistic's variance s²π²/3 (ignores the quantization).
    public var variance: Tensor { ((logScale * 2).exp() * Float(Double.pi * Double.pi / 3)).expanded(to: batchShape) }
}
