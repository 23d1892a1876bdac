import LatentTensor
import LatentNN

/// An invertible, differentiable map y = f(x) with a tractable log-Jacobian determinant — the
/// building block of normalizing flows (distrax's design: one method per direction, each
/// returning the value and the log-determinant together, since they share work).
///
/// Shapes: inputs are `[N, event...]` — axis 0 is the batch, the rest is one event (`[N, D]` for
/// vectors, `[N, C, H, W]` for images) — and every log-determinant is per sample, shape `[N]`,
/// summed over the event axes. `context` (`[N, features]`, optional) conditions the map, for
/// conditional flows; bijectors that ignore it accept nil.
///
/// Bijectors are modules, so their parameters train and checkpoint like any layer's.
public protocol Bijector: Module {
    /// y = f(x) and log|det ∂f/∂x|, shape `[N]`.
    func forwardAndLogDet(_ x: Tensor, context: Tensor?) -> (y: Tensor, logDet: Tensor)
    /// x = f⁻¹(y) and log|det ∂f⁻¹/∂y| (= −log|det ∂f/∂x| at that x), shape `[N]`.
    /// Stops with a message naming the bijector and the offending value when y is outside f's range.
    func inverseAndLogDet(_ y: Tensor, context: Tensor?) -> (x: Tensor, logDet: Tensor)
}

extension Bijector {
    /// y = f(x).
    public func forward(_ x: Tensor, context: Tensor? = nil) -> Tensor { forwardAndLogDet(x, context: context).y }
    /// x = f⁻¹(y).
    public func inverse(_ y: Tensor, context: Tensor? = nil) -> Tensor { inverseAndLogDet(y, context: context).x }
}
