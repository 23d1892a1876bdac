import Foundation
import LatentTensor
import LatentNN

// Parameter-free elementwise bijectors. Each maps every element independently, so the Jacobian
// is diagonal and log|det| = Σ over the event of log|f′(xᵢ)|, shape `[N]`. Inputs are
// `[N, event...]` of any event shape. Every direction whose domain is not all of ℝ checks its
// input and stops with a message naming the bijector, the value and the domain — never NaN.

/// The logistic sigmoid y = σ(x) = 1 / (1 + e⁻ˣ), ℝ → (0, 1).
///
/// log|det| = Σ log σ(x) + log σ(−x). Inverse: x = log y − log(1 − y) on (0, 1).
/// For |x| ≳ 17 Float32 rounds σ(x) to 0 or 1, which the inverse then rejects.
public final class Sigmoid: Module, Bijector {
    public func forwardAndLogDet(_ x: Tensor, context: Tensor?) -> (y: Tensor, logDet: Tensor) {
        (x.sigmoid(), FlowSupport.eventSum(x.logSigmoid() + (-x).logSigmoid()))
    }

    public func inverseAndLogDet(_ y: Tensor, context: Tensor?) -> (x: Tensor, logDet: Tensor) {
        FlowSupport.requireDomain(y, "Sigmoid.inverse", "(0, 1)") { $0 > 0 && $0 < 1 }
        let logY = y.log(), logOneMinusY = (-y).log1p()
        return (logY - logOneMinusY, -FlowSupport.eventSum(logY + logOneMinusY))
    }
}

/// The flow literature's data transform (RealNVP, Glow): y = logit(α + (1 − 2α)x), mapping pixel
/// intensities x ∈ [0, 1] to ℝ. α ∈ [0, ½) keeps the logit away from ±∞ at 0 and 1; with α = 0
/// the domain is the open (0, 1) and this is the plain logit, the inverse of `Sigmoid`.
///
/// With p = α + (1 − 2α)x: log|det| = Σ log(1 − 2α) − log p − log(1 − p).
/// Inverse: x = (σ(y) − α) / (1 − 2α) on all of ℝ. Report bits/dim of the data, not of y:
/// the log-determinant of this transform is what converts one into the other.
public final class Logit: Module, Bijector {
    /// The margin α ∈ [0, ½).
    public let alpha: Float

    /// y = logit(α + (1 − 2α)x); RealNVP uses α = 0.05, Glow-style models often 1e-6.
    public init(alpha: Float = 0.05) {
        require(alpha >= 0 && alpha < 0.5, "Logit: alpha must be in [0, 0.5), got \(alpha)")
        self.alpha = alpha
    }

    public func forwardAndLogDet(_ x: Tensor, context: Tensor?) -> (y: Tensor, logDet: Tensor) {
        if alpha > 0 {
            FlowSupport.requireDomain(x, "Logit(alpha: \(alpha)).forward", "[0, 1]") { $0 >= 0 && $0 <= 1 }
        } else {
            FlowSupport.requireDomain(x, "Logit(alpha: 0).forward", "(0, 1)") { $0 > 0 && $0 < 1 }
        }
        let p = x * (1 - 2 * alpha) + alpha
        let logP = p.log(), logOneMinusP = (-p).log1p()
        let constant = Float(Foundation.log(1 - 2 * Double(alpha)))
        return (logP - logOneMinusP, FlowSupport.eventSum(constant - logP - logOneMinusP))
    }

    public func inverseAndLogDet(_ y: Tensor, context: Tensor?) -> (x: Tensor, logDet: Tensor) {
        let constant = Float(Foundation.log(1 - 2 * Double(alpha)))
        let x = (y.sigmoid() - alpha) / (1 - 2 * alpha)
        return (x, FlowSupport.eventSum(y.logSigmoid() + (-y).logSigmoid() - constant))
    }
}

/// y = eˣ, ℝ → (0, ∞). log|det| = Σ x. Inverse: x = log y on (0, ∞).
public final class Exp: Module, Bijector {
    public func forwardAndLogDet(_ x: Tensor, context: Tensor?) -> (y: Tensor, logDet: Tensor) {
        (x.exp(), FlowSupport.eventSum(x))
    }

    public func inverseAndLogDet(_ y: Tensor, context: Tensor?) -> (x: Tensor, logDet: Tensor) {
        FlowSupport.requireDomain(y, "Exp.inverse (log)", "(0, ∞)") { $0 > 0 && $0.isFinite }
        let x = y.log()
        return (x, -FlowSupport.eventSum(x))
    }
}

/// y = tanh x, ℝ → (−1, 1).
///
/// log|det| = Σ log(1 − tanh²x) = Σ 2(log 2 − x − softplus(−2x)) (stable for any x).
/// Inverse: x = atanh y = ½(log1p(y) − log1p(−y)) on (−1, 1); Float32 rounds tanh x to ±1 for
/// |x| ≳ 9, which the inverse rejects.
public final class Tanh: Module, Bijector {
    public func forwardAndLogDet(_ x: Tensor, context: Tensor?) -> (y: Tensor, logDet: Tensor) {
        let log2 = Float(Foundation.log(2.0))
        return (x.tanh(), FlowSupport.eventSum((log2 - x - (x * -2).softplus()) * 2))
    }

    public func inverseAndLogDet(_ y: Tensor, context: Tensor?) -> (x: Tensor, logDet: Tensor) {
        FlowSupport.requireDomain(y, "Tanh.inverse (atanh)", "(-1, 1)") { $0 > -1 && $0 < 1 }
        let plus = y.log1p(), minus = (-y).log1p()
        return ((plus - minus) * 0.5, -FlowSupport.eventSum(plus + minus))
    }
}

/// y = softplus(x) = log(1 + eˣ), ℝ → (0, ∞).
///
/// log|det| = Σ log σ(x). Inverse: x = log(eʸ − 1) = y + log(1 − e⁻ʸ) on (0, ∞), with the
/// series log y + log(1 + y/2 + y²/6) below y = 10⁻³ where 1 − e⁻ʸ loses precision.
public final class Softplus: Module, Bijector {
    public func forwardAndLogDet(_ x: Tensor, context: Tensor?) -> (y: Tensor, logDet: Tensor) {
        (x.softplus(), FlowSupport.eventSum(x.logSigmoid()))
    }

    public func inverseAndLogDet(_ y: Tensor, context: Tensor?) -> (x: Tensor, logDet: Tensor) {
        FlowSupport.requireDomain(y, "Softplus.inverse", "(0, ∞)") { $0 > 0 && $0.isFinite }
        let threshold: Float = 1e-3
        let large = y.clamp(min: threshold), small = y.clamp(max: threshold)
        let general = large + (-(-large).exp()).log1p()
        let series = small.log() + (small * 0.5 + small.square() / 6).log1p()
        let x = Tensor.where(y.lt(threshold), series, general)
        return (x, FlowSupport.eventSum(y - x))
    }
}
