import LatentTensor
import LatentNN

/// A bijector with its directions swapped: forward is `bijector`'s inverse and vice versa, with
/// the matching log-determinants (log|det ∂f⁻¹/∂y| forward).
///
/// Use it to turn a data → latent map into the latent → data map a `TransformedDistribution`
/// expects (`TransformedDistribution(base:, bijector: Inverse(glow))`), or for maps like
/// `Inverse(Squeeze())` (unsqueeze) and `Inverse(Sigmoid())` (logit).
public final class Inverse: Module, Bijector {
    /// The wrapped bijector; its parameters are named `bijector.…`.
    public let bijector: any Bijector

    /// `bijector` run backwards.
    public init(_ bijector: any Bijector) { self.bijector = bijector }

    public func forwardAndLogDet(_ x: Tensor, context: Tensor?) -> (y: Tensor, logDet: Tensor) {
        let (y, logDet) = bijector.inverseAndLogDet(x, context: context)
        return (y, logDet)
    }

    public func inverseAndLogDet(_ y: Tensor, context: Tensor?) -> (x: Tensor, logDet: Tensor) {
        let (x, logDet) = bijector.forwardAndLogDet(y, context: context)
        return (x, logDet)
    }
}
