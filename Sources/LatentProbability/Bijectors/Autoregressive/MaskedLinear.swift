import LatentTensor
import LatentNN

/// A fully connected layer whose weight is multiplied by a fixed binary mask:
/// y = x·(W ⊙ M)ᵀ + b, input `[..., inFeatures]`, output `[..., outFeatures]`.
///
/// `M[o, i] = 1` lets input unit i reach output unit o; a zero cuts the connection for good —
/// the masked weight entries receive zero gradient, so training never reconnects them. MADE
/// builds its autoregressive networks from these layers.
public final class MaskedLinear: Module, Layer {
    /// `[outFeatures, inFeatures]`, PyTorch layout like `Linear.weight`.
    public let weight: Parameter
    /// `[outFeatures]`.
    public let bias: Parameter
    /// `[outFeatures, inFeatures]` of zeros and ones; saved with checkpoints, never trained.
    public let mask: Buffer

    /// A masked layer. `mask` is `[outFeatures, inFeatures]` of 0/1 values; weights and biases are
    /// drawn from the initializers (PyTorch's `nn.Linear` defaults unless given).
    public init(mask: Tensor, weightInit: Initializer = .pytorchDefault, biasInit: Initializer? = nil,
                generator: RandomGenerator = .global) {
        require(mask.rank == 2 && mask.shape[0] > 0 && mask.shape[1] > 0,
                "MaskedLinear: mask must be [outFeatures, inFeatures] with positive sizes, got shape \(mask.shape)")
        require(mask.scalars.allSatisfy { $0 == 0 || $0 == 1 }, "MaskedLinear: mask must hold only 0 and 1")
        let (outFeatures, inFeatures) = (mask.shape[0], mask.shape[1])
        weight = Parameter(weightInit.make([outFeatures, inFeatures], generator: generator))
        bias = Parameter((biasInit ?? .fanInUniform(fanIn: inFeatures)).make([outFeatures], generator: generator))
        self.mask = Buffer(mask)
    }

    /// Number of input units.
    public var inFeatures: Int { weight.shape[1] }
    /// Number of output units.
    public var outFeatures: Int { weight.shape[0] }

    /// x·(W ⊙ M)ᵀ + b: `[..., inFeatures]` → `[..., outFeatures]`.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        require(input.shape.last == inFeatures,
                "MaskedLinear: input of shape \(input.shape) must end in \(inFeatures) features")
        return input.linear(weight: weight.value * mask.value, bias: bias.value)
    }
}
