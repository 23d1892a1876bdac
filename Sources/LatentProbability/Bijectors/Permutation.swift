import LatentTensor
import LatentNN

/// A fixed reordering of the features (or channels) on axis 1: y[:, i] = x[:, σ(i)].
/// Volume-preserving: log|det| = 0, shape `[N]`. Works on `[N, D]` and `[N, C, …]`.
///
/// Flows interleave permutations with coupling or autoregressive layers so that every
/// dimension gets transformed and conditions the others. The order is a buffer, so checkpoints
/// keep a random permutation.
public final class Permutation: Module, Bijector {
    /// σ as whole numbers, `[D]`, fixed.
    public let order: Buffer

    /// The permutation with y[:, i] = x[:, indices[i]]; `indices` must be a permutation of 0..<D.
    public init(indices: [Int]) {
        require(!indices.isEmpty && Set(indices) == Set(0..<indices.count),
                "Permutation: \(indices) is not a permutation of 0..<\(indices.count)")
        order = Buffer(Tensor(indices.map { Float($0) }))
    }

    /// σ read from the buffer (so a loaded checkpoint's order is the one used).
    private var forwardIndices: [Int] { order.value.scalars.map { Int($0) } }

    /// σ⁻¹.
    private var inverseIndices: [Int] {
        var inverse = [Int](repeating: 0, count: order.value.count)
        for (i, j) in forwardIndices.enumerated() { inverse[j] = i }
        return inverse
    }

    /// Reverses the order of `features` features (RealNVP / Glow's "reverse").
    public static func reverse(features: Int) -> Permutation {
        Permutation(indices: Array((0..<features).reversed()))
    }

    /// A uniformly random order of `features` features, the same for the same generator state
    /// on every platform (Glow's "shuffle").
    public static func random(features: Int, generator: RandomGenerator = .global) -> Permutation {
        Permutation(indices: generator.permutation(features))
    }

    private func apply(_ v: Tensor, _ indices: [Int]) -> Tensor {
        FlowSupport.requireChannels(v, indices.count, "Permutation")
        return v.indexSelect(axis: 1, indices: indices)
    }

    public func forwardAndLogDet(_ x: Tensor, context: Tensor?) -> (y: Tensor, logDet: Tensor) {
        (apply(x, forwardIndices), FlowSupport.zeroLogDet(batch: x.shape[0]))
    }

    public func inverseAndLogDet(_ y: Tensor, context: Tensor?) -> (x: Tensor, logDet: Tensor) {
        (apply(y, inverseIndices), FlowSupport.zeroLogDet(batch: y.shape[0]))
    }
}
