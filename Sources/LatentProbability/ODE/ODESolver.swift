import LatentTensor

/// The right-hand side f(y, t) of an ordinary differential equation dy/dt = f(y, t): a state
/// tensor of any shape and the time in, a tensor of the state's shape out.
public typealias VectorField = (_ state: Tensor, _ time: Double) -> Tensor

/// The end state of one integration and what it cost.
public struct ODESolution {
    /// y(t₁), the state's shape.
    public var value: Tensor
    /// Calls of the vector field f.
    public var evaluations: Int
    /// Steps taken (accepted steps for adaptive solvers).
    public var steps: Int
    /// Steps an adaptive solver tried and rejected (0 for fixed-step solvers).
    public var rejectedSteps: Int

    /// A solution with its cost counters.
    public init(value: Tensor, evaluations: Int, steps: Int, rejectedSteps: Int = 0) {
        (self.value, self.evaluations, self.steps, self.rejectedSteps) = (value, evaluations, steps, rejectedSteps)
    }
}

/// Why an integration stopped without reaching t₁.
public enum ODEError: Error, CustomStringConvertible, Equatable {
    /// The state or the field became NaN or ±∞ at time `time`.
    case nonFinite(time: Double)
    /// An adaptive solver used `steps` steps and stood at `time`, short of its end.
    case tooManySteps(steps: Int, time: Double, end: Double)
    /// An adaptive solver's step shrank below `step` at `time` (the field is too stiff or not smooth).
    case stepTooSmall(step: Double, time: Double)
    /// The arguments were unusable (named in the message).
    case invalid(String)

    /// One line naming the time and what to change.
    public var description: String {
        switch self {
        case let .nonFinite(t): return "the ODE state became NaN or infinite at t = \(t)"
        case let .tooManySteps(n, t, end): return "the adaptive ODE solver took \(n) steps and reached only t = \(t) of \(end); loosen the tolerance or raise the step limit"
        case let .stepTooSmall(h, t): return "the adaptive ODE solver's step shrank to \(h) at t = \(t); the field is too stiff or not smooth there"
        case let .invalid(message): return message
        }
    }
}

/// A method that integrates dy/dt = f(y, t) from t₀ to t₁, forward (t₁ > t₀) or backward in time
/// (t₁ < t₀), on tensor states. The state is one tensor, so augmented systems (a flow's points
/// with their log-density) are concatenated along an axis.
public protocol ODESolver {
    /// y(t₁) from y(t₀) = `initial`. Throws `ODEError` when the state becomes non-finite or an
    /// adaptive method cannot reach t₁.
    func integrate(_ field: VectorField, from initial: Tensor, t0: Double, t1: Double) throws -> ODESolution
}

extension Tensor {
    /// True when the sum of the entries is finite: false for any NaN or ±∞ entry (and for values
    /// so large their sum overflows, which no solver can use either). One C reduction.
    var sumIsFinite: Bool { withoutGrad { sum().item.isFinite } }
}
