import Foundation
import LatentTensor

/// The continuous Bernoulli (Loaiza-Ganem & Cunningham, 2019): p(x | λ) = C(λ)·λˣ(1 − λ)¹⁻ˣ on
/// x ∈ [0, 1], λ = σ(logits) — the properly normalized likelihood for gray-level pixels that a
/// "Bernoulli" decoder on non-binary data only approximates.
///
/// In logits, log C = log(l / tanh(l/2)) (→ log 2 at l = 0), evaluated by its series near 0.
public struct ContinuousBernoulli: Distribution {
    /// Log-odds of λ.
    public let logits: Tensor
    public var batchShape: [Int] { logits.shape }
    public var eventShape: [Int] { [] }

    /// Below this |l| the closed forms cancel in Float32; their Taylor series take over.
    static let seriesBound: Float = 1e-2

    public init(logits: Tensor) { self.logits = logits }

    /// log C(λ) as a differentiable function of the logits.
    var logNormalizer: Tensor {
        let small = logits.abs().lt(ContinuousBernoulli.seriesBound)
        // Away from 0: log|l| − log tanh(|l|/2); the safe value keeps the unused branch finite.
        let a = Tensor.where(small, Tensor(1), logits.abs())
        let exact = a.log() - (a * 0.5).tanh().log()
        let series = logits.square() / 12 + Float(Foundation.log(2.0))
        return Tensor.where(small, series, exact)
    }

    /// x·l − softplus(l) + log C.
    public func logProb(_ x: Tensor) -> Tensor {
        Dist.checkValue(x, batchShape, "ContinuousBernoulli")
        return x * logits - logits.softplus() + logNormalizer
    }

    /// Inverse CDF x = log1p(u·(eˡ − 1)) / l (→ u as l → 0), computed in Double; not differentiable.
    public func sample(_ sampleShape: [Int], generator: RandomGenerator) -> Tensor {
        let shape = drawShape(sampleShape)
        let l = withoutGrad { logits.expanded(to: shape) }.scalars
        let u = Tensor.uniform(shape, generator: generator).scalars
        let x = zip(l, u).map { l, u -> Float in
            let ld = Double(l), ud = Double(u)
            if Swift.abs(ld) < 1e-6 { return u }
            return Float(Foundation.log1p(ud * Foundation.expm1(ld)) / ld)
        }
        return Tensor(shape: shape, scalars: x)
    }

    /// E[x] = λ/(2λ − 1) − 1/l (series ½ + l/12 near 0), in Double.
    public var mean: Tensor { elementwise { l in Swift.abs(l) < 1e-3 ? 0.5 + l / 12 : Self.sigma(l) / (2 * Self.sigma(l) - 1) - 1 / l } }

    /// Var[x] = λ(λ − 1)/(1 − 2λ)² + 1/l² (series 1/12 − l²/240 near 0), in Double.
    public var variance: Tensor {
        elementwise { l in
            if Swift.abs(l) < 0.05 { return 1.0 / 12 - l * l / 240 }
            let s = Self.sigma(l)
            return s * (s - 1) / ((1 - 2 * s) * (1 - 2 * s)) + 1 / (l * l)
        }
    }

    /// H = softplus(l) − l·E[x] − log C.
    public func entropy() -> Tensor {
        withoutGrad { logits.softplus() - logits * mean - logNormalizer }
    }

    private static func sigma(_ l: Double) -> Double { 1 / (1 + Foundation.exp(-l)) }

    private func elementwise(_ f: (Double) -> Double) -> Tensor {
        Tensor(shape: logits.shape, scalars: withoutGrad { logits.scalars }.map { Float(f(Double($0))) })
    }
}
