import Foundation
import LatentTensor
import LatentNN

/// A feedback controller on β that makes the KL ("rate") settle at a requested value, in the spirit
/// of ControlVAE (Shao et al., 2020): after each training step,
///
///     log β ← clamp(log β + gain · (KL − target) / target, log βmin, log βmax)
///
/// so β grows while the KL is above the target and shrinks while it is below. log β lives in a
/// `Buffer`, hence in checkpoints, so a resumed run continues with the same β.
public final class TargetRateController: Module {
    /// The requested KL per example (nats).
    public let target: Double
    /// Step size of the log-β update (per unit relative error).
    public let gain: Double
    /// Bounds on β.
    public let betaRange: ClosedRange<Double>
    /// log β, a one-element buffer.
    public let logBeta: Buffer

    /// A controller aiming at `target` nats, starting from `initialBeta`.
    public init(target: Double, gain: Double = 0.05, initialBeta: Double = 1, betaRange: ClosedRange<Double> = 1e-3...1e3) {
        require(target > 0 && gain > 0, "TargetRateController: need target > 0 and gain > 0, got \(target), \(gain)")
        require(betaRange.contains(initialBeta), "TargetRateController: initial β \(initialBeta) outside \(betaRange)")
        self.target = target
        self.gain = gain
        self.betaRange = betaRange
        logBeta = Buffer(Tensor([Float(Foundation.log(initialBeta))]))
    }

    /// The current β.
    public var beta: Double { Foundation.exp(Double(logBeta.value.scalars[0])) }

    /// Moves log β after a training step that measured `kl` nats per example.
    public func update(observedKL kl: Double) {
        guard kl.isFinite else { return }
        let next = Double(logBeta.value.scalars[0]) + gain * (kl - target) / target
        let bounded = min(max(next, Foundation.log(betaRange.lowerBound)), Foundation.log(betaRange.upperBound))
        logBeta.value = Tensor([Float(bounded)])
    }
}
