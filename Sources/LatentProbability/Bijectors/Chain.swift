import LatentTensor
import LatentNN

/// The composition of bijectors: forward applies `bijectors[0]` first, then `bijectors[1]`, …
///
///     y = f_K ∘ … ∘ f_1 (x),   log|det ∂y/∂x| = Σ_k log|det ∂f_k/∂x_{k−1}|
///
/// and the inverse undoes them in reverse order, adding the inverse log-determinants. Each
/// bijector receives the same `context`. Shapes may change along the way (e.g. `Squeeze`); every
/// log-determinant is `[N]`. Parameters are named `bijectors.0.…`, `bijectors.1.…`.
public final class Chain: Module, Bijector {
    /// The bijectors, first applied first in the forward direction.
    public let bijectors: [any Bijector]

    /// The composition of `bijectors` (an empty chain is the identity).
    public init(_ bijectors: [any Bijector]) {
        self.bijectors = bijectors
    }

    /// The composition of the listed bijectors.
    public convenience init(_ bijectors: any Bijector...) { self.init(bijectors) }

    public func forwardAndLogDet(_ x: Tensor, context: Tensor?) -> (y: Tensor, logDet: Tensor) {
        var y = x
        var logDet = Tensor.zeros([x.shape.first ?? 1])
        for b in bijectors {
            let (next, ld) = b.forwardAndLogDet(y, context: context)
            y = next
            logDet = logDet + ld
        }
        return (y, logDet)
    }

    public func inverseAndLogDet(_ y: Tensor, context: Tensor?) -> (x: Tensor, logDet: Tensor) {
        var x = y
        var logDet = Tensor.zeros([y.shape.first ?? 1])
        for b in bijectors.reversed() {
            let (previous, ld) = b.inverseAndLogDet(x, context: context)
            x = previous
            logDet = logDet + ld
        }
        return (x, logDet)
    }
}
