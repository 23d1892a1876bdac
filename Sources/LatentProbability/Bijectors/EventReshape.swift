import LatentTensor
import LatentNN

/// Reshapes every event, keeping the batch axis: `[N] + from` ↔ `[N] + to` (same element
/// count). log|det| = 0. Use it to run vector bijectors on images (`[1, 28, 28]` → `[784]`) or
/// image bijectors on vectors.
public final class EventReshape: Module, Bijector {
    /// Event shape of the forward input.
    public let from: [Int]
    /// Event shape of the forward output.
    public let to: [Int]

    /// Reshapes events of shape `from` to `to` (forward) and back (inverse).
    public init(from: [Int], to: [Int]) {
        require(from.reduce(1, *) == to.reduce(1, *) && (from + to).allSatisfy { $0 > 0 },
                "EventReshape: event shapes \(from) and \(to) must be positive and hold the same number of elements")
        (self.from, self.to) = (from, to)
    }

    private func move(_ v: Tensor, _ source: [Int], _ target: [Int]) -> Tensor {
        require(v.rank == source.count + 1 && Array(v.shape.dropFirst()) == source,
                "EventReshape: input must be [N] + \(source), got \(v.shape)")
        return v.reshaped([v.shape[0]] + target)
    }

    public func forwardAndLogDet(_ x: Tensor, context: Tensor?) -> (y: Tensor, logDet: Tensor) {
        (move(x, from, to), FlowSupport.zeroLogDet(batch: x.shape[0]))
    }

    public func inverseAndLogDet(_ y: Tensor, context: Tensor?) -> (x: Tensor, logDet: Tensor) {
        (move(y, to, from), FlowSupport.zeroLogDet(batch: y.shape[0]))
    }
}
