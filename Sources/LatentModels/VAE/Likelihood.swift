import LatentTensor
import LatentProbability

/// The observation model p(x|z) a `Decoder` builds from its network's output θ (one value per
/// data element, same shape as x).
public enum Likelihood: Equatable {
    /// Bernoulli(logits θ); on data in [0, 1] this is the usual binary cross-entropy "likelihood"
    /// (not normalized for non-binary x).
    case bernoulli
    /// Continuous Bernoulli(logits θ) (Loaiza-Ganem & Cunningham, 2019): normalized on [0, 1].
    case continuousBernoulli
    /// Normal(μ = θ, σ = exp(logScale)) with one fixed log σ for every element.
    case gaussian(logScale: Float)
    /// Normal(μ = θ, σ) with a learned log σ per data element (independent of z).
    case gaussianLearnedScale
    /// Discretized logistic over `levels` bins of [0, 1] (loc θ, learned log scale per element).
    case discretizedLogistic(levels: Int)

    /// Whether the decoder holds a learned per-element log-scale parameter.
    var needsLogScale: Bool {
        switch self {
        case .gaussianLearnedScale, .discretizedLogistic: return true
        default: return false
        }
    }

    /// The distribution for parameters `theta` `[..., event...]` and the learned log-scale
    /// `[event...]` when there is one; its event covers the last `eventRank` axes.
    func distribution(_ theta: Tensor, logScale: Tensor?, eventRank: Int) -> Independent {
        switch self {
        case .bernoulli:
            return Bernoulli(logits: theta).independent(eventRank)
        case .continuousBernoulli:
            return ContinuousBernoulli(logits: theta).independent(eventRank)
        case let .gaussian(s):
            return Normal(loc: theta, logScale: Tensor.full(theta.shape, s)).independent(eventRank)
        case .gaussianLearnedScale:
            return Normal(loc: theta, logScale: logScale!.expanded(to: theta.shape)).independent(eventRank)
        case let .discretizedLogistic(levels):
            return DiscretizedLogistic(loc: theta, logScale: logScale!.expanded(to: theta.shape), levels: levels).independent(eventRank)
        }
    }
}
