import LatentTensor

/// Inverted dropout: in training each element is zeroed with probability p and the survivors are
/// scaled by 1/(1 − p), so evaluation (identity) needs no rescaling.
public final class Dropout: Module, Layer {
    /// Probability of zeroing an element.
    public let p: Float
    private let generator: RandomGenerator

    public init(_ p: Float = 0.5, generator: RandomGenerator = .global) {
        require(p >= 0 && p <= 1, "Dropout: p must lie in [0, 1], got \(p)")
        self.p = p
        self.generator = generator
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        guard isTraining && p > 0 else { return input }
        if p == 1 { return input * Tensor.zeros(input.shape) }
        let keep = Tensor.bernoulli(input.shape, p: 1 - p, generator: generator)
        return input * (keep * (1 / (1 - p)))
    }
}
