import LatentTensor

/// How a parameter tensor is filled at construction.
///
/// The defaults of `Linear`, `Conv2d` and `ConvTranspose2d` match PyTorch's, so an architecture
/// starts from the same distribution as the reference implementations people compare against:
/// weights `kaimingUniform(a: √5)` = U(−1/√fanIn, 1/√fanIn), biases `fanInUniform` with the
/// weight's fan-in.
public enum Initializer {
    /// All zeros.
    case zeros
    /// All ones.
    case ones
    /// Every element equal to the value.
    case constant(Float)
    /// U(low, high).
    case uniform(low: Float, high: Float)
    /// N(mean, std²).
    case normal(mean: Float, std: Float)
    /// He et al. uniform: U(−b, b) with b = gain·√(3 / fanIn), gain = √(2 / (1 + a²)).
    /// a = √5 is PyTorch's default for Linear and Conv weights.
    case kaimingUniform(a: Float)
    /// He et al. normal: N(0, (gain / √fanIn)²), gain = √(2 / (1 + a²)); a = 0 suits ReLU.
    case kaimingNormal(a: Float)
    /// Glorot & Bengio uniform: U(−b, b) with b = gain·√(6 / (fanIn + fanOut)).
    case xavierUniform(gain: Float)
    /// Glorot & Bengio normal: N(0, (gain·√(2 / (fanIn + fanOut)))²).
    case xavierNormal(gain: Float)
    /// U(−1/√fanIn, 1/√fanIn), PyTorch's bias initialization (fanIn of the layer's weight).
    case fanInUniform(fanIn: Int)

    /// PyTorch's default for Linear/Conv weights.
    public static let pytorchDefault = Initializer.kaimingUniform(a: Float(5).squareRoot())

    /// Fan-in and fan-out of a weight shape as PyTorch computes them: for rank ≥ 2,
    /// fanIn = shape[1]·receptive field, fanOut = shape[0]·receptive field (receptive field = the
    /// product of the trailing axes). For rank 1 both are the length.
    public static func fans(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        if shape.count < 2 { return (shape.first ?? 1, shape.first ?? 1) }
        let receptive = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptive, shape[0] * receptive)
    }

    /// A tensor of `shape` drawn from this initializer.
    public func make(_ shape: [Int], generator: RandomGenerator = .global) -> Tensor {
        let (fanIn, fanOut) = Initializer.fans(shape)
        func bounded(_ b: Float) -> Tensor { Tensor.uniform(shape, low: -b, high: b, generator: generator) }
        switch self {
        case .zeros: return Tensor.zeros(shape)
        case .ones: return Tensor.ones(shape)
        case .constant(let v): return Tensor.full(shape, v)
        case .uniform(let low, let high): return Tensor.uniform(shape, low: low, high: high, generator: generator)
        case .normal(let mean, let std): return Tensor.normal(shape, mean: mean, std: std, generator: generator)
        case .kaimingUniform(let a):
            let gain = (2 / (1 + a * a)).squareRoot()
            return bounded(gain * (3 / Float(Swift.max(fanIn, 1))).squareRoot())
        case .kaimingNormal(let a):
            let gain = (2 / (1 + a * a)).squareRoot()
            return Tensor.normal(shape, std: gain / Float(Swift.max(fanIn, 1)).squareRoot(), generator: generator)
        case .xavierUniform(let gain):
            return bounded(gain * (6 / Float(Swift.max(fanIn + fanOut, 1))).squareRoot())
        case .xavierNormal(let gain):
            return Tensor.normal(shape, std: gain * (2 / Float(Swift.max(fanIn + fanOut, 1))).squareRoot(), generator: generator)
        case .fanInUniform(let n):
            return bounded(n > 0 ? 1 / Float(n).squareRoot() : 0)
        }
    }
}
