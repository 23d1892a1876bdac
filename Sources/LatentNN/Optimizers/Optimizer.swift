import LatentTensor

/// Updates parameters from their gradients.
///
/// An optimizer is built from named parameters (`module.namedParameters()`), so that its
/// per-parameter state (momentum buffers, Adam moments) can be saved and restored by name.
public protocol Optimizer: AnyObject {
    /// Step size used by the next `step()`; set it from a `LearningRateSchedule` to anneal it.
    var learningRate: Float { get set }
    /// Number of `step()` calls so far (Adam's bias correction depends on it).
    var stepCount: Int { get }
    /// Applies one update to every parameter that has a gradient and is not frozen.
    func step()
    /// Clears the gradients of all parameters.
    func zeroGrad()
    /// The optimizer's state as named tensors, e.g. `"encoder.weight.exp_avg"`, plus
    /// `"step"` (a one-element tensor), for checkpoints.
    func stateTensors() -> [String: Tensor]
    /// Restores state saved by `stateTensors()`. Throws `OptimizerStateError` naming every
    /// missing, unexpected or wrongly shaped entry, and then changes nothing.
    func loadState(_ state: [String: Tensor]) throws
}

/// Why optimizer state could not be restored.
public struct OptimizerStateError: Error, CustomStringConvertible {
    /// One line per problem.
    public let problems: [String]
    public var description: String { "optimizer state does not match:\n" + problems.map { "  - " + $0 }.joined(separator: "\n") }
}
