import LatentTensor

/// An elementwise nonlinearity as a layer, for use in `Sequential`.
public final class Activation: Module, Layer {
    /// The available functions (see the `Tensor` methods of the same names).
    public enum Kind: Equatable {
        case relu
        case leakyRelu(negativeSlope: Float)
        case elu(alpha: Float)
        case gelu
        case tanh
        case sigmoid
        case softplus
        case logSigmoid
    }

    /// Which function this layer applies.
    public let kind: Kind

    public init(_ kind: Kind) { self.kind = kind }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        switch kind {
        case .relu: return input.relu()
        case .leakyRelu(let s): return input.leakyRelu(negativeSlope: s)
        case .elu(let a): return input.elu(alpha: a)
        case .gelu: return input.gelu()
        case .tanh: return input.tanh()
        case .sigmoid: return input.sigmoid()
        case .softplus: return input.softplus()
        case .logSigmoid: return input.logSigmoid()
        }
    }

    /// max(x, 0).
    public static var relu: Activation { Activation(.relu) }
    /// tanh.
    public static var tanh: Activation { Activation(.tanh) }
    /// Logistic sigmoid.
    public static var sigmoid: Activation { Activation(.sigmoid) }
    /// Exact GELU.
    public static var gelu: Activation { Activation(.gelu) }
    /// softplus.
    public static var softplus: Activation { Activation(.softplus) }
    /// Leaky ReLU with PyTorch's default slope 0.01.
    public static var leakyRelu: Activation { Activation(.leakyRelu(negativeSlope: 0.01)) }
    /// ELU with α = 1.
    public static var elu: Activation { Activation(.elu(alpha: 1)) }
}
