import LatentTensor

/// Fully connected layer: y = x·Wᵀ + b, input `[..., inFeatures]`, output `[..., outFeatures]`.
///
/// `weight` is `[outFeatures, inFeatures]` like PyTorch's, so weights load across frameworks.
public final class Linear: Module, Layer {
    /// `[outFeatures, inFeatures]`.
    public let weight: Parameter
    /// `[outFeatures]`, absent when built with `bias: false`.
    public let bias: Parameter?

    /// A layer initialized like PyTorch's `nn.Linear` unless other initializers are given.
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true,
                weightInit: Initializer = .pytorchDefault, biasInit: Initializer? = nil,
                generator: RandomGenerator = .global) {
        require(inFeatures > 0 && outFeatures > 0, "Linear: feature counts must be positive, got \(inFeatures) → \(outFeatures)")
        weight = Parameter(weightInit.make([outFeatures, inFeatures], generator: generator))
        self.bias = bias ? Parameter((biasInit ?? .fanInUniform(fanIn: inFeatures)).make([outFeatures], generator: generator)) : nil
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        input.linear(weight: weight.value, bias: bias?.value)
    }

    /// max(0, layer(x)) as one fused op (what `Sequential` runs for Linear → ReLU).
    public func withReLU(_ input: Tensor) -> Tensor {
        input.linearReLU(weight: weight.value, bias: bias?.value)
    }
}
