import LatentTensor

/// A factor w(step) ∈ [0, 1] multiplying β: KL annealing ("warm-up").
public enum KLWarmup: Equatable {
    /// w = 1 throughout.
    case none
    /// w = min(1, step / steps) (Bowman et al., 2016; Sønderby et al., 2016).
    case linear(steps: Int)
    /// Cyclical annealing (Fu et al., 2019): within each cycle of `period` steps, w rises linearly
    /// from 0 to 1 over the first `rampFraction` of the cycle, then stays at 1.
    case cyclical(period: Int, rampFraction: Double)

    /// The factor at optimizer step `step` (0-based).
    public func factor(atStep step: Int) -> Double {
        switch self {
        case .none:
            return 1
        case let .linear(steps):
            return steps <= 0 ? 1 : min(1, Double(step) / Double(steps))
        case let .cyclical(period, ramp):
            require(period > 0 && ramp > 0 && ramp <= 1,
                         "KLWarmup.cyclical: need period > 0 and 0 < rampFraction ≤ 1, got \(period), \(ramp)")
            let position = Double(step % period) / Double(period)
            return min(1, position / ramp)
        }
    }
}
