import LatentTensor

/// 2-d convolution layer (groups = 1): input `[N, inChannels, H, W]`, output `[N, outChannels, H', W']`.
///
/// `weight` is `[outChannels, inChannels, kh, kw]`, initialized like PyTorch's `nn.Conv2d`.
public final class Conv2d: Module, Layer {
    /// `[outChannels, inChannels, kh, kw]`.
    public let weight: Parameter
    /// `[outChannels]`, absent when built with `bias: false`.
    public let bias: Parameter?
    /// Step between windows.
    public let stride: Size2D
    /// Zero padding on each side.
    public let padding: Size2D
    /// Spacing between kernel taps.
    public let dilation: Size2D

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Size2D, stride: Size2D = 1, padding: Size2D = 0,
                dilation: Size2D = 1, bias: Bool = true, weightInit: Initializer = .pytorchDefault,
                generator: RandomGenerator = .global) {
        require(inChannels > 0 && outChannels > 0 && kernelSize.h > 0 && kernelSize.w > 0,
                "Conv2d: channels and kernel size must be positive, got \(inChannels) → \(outChannels), kernel \(kernelSize)")
        let shape = [outChannels, inChannels, kernelSize.h, kernelSize.w]
        weight = Parameter(weightInit.make(shape, generator: generator))
        self.bias = bias ? Parameter(Initializer.fanInUniform(fanIn: Initializer.fans(shape).fanIn).make([outChannels], generator: generator)) : nil
        (self.stride, self.padding, self.dilation) = (stride, padding, dilation)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        input.conv2d(weight: weight.value, bias: bias?.value, stride: stride, padding: padding, dilation: dilation)
    }

    /// max(0, layer(x)) as one fused op where the convolution allows it (what `Sequential` runs
    /// for Conv2d → ReLU).
    public func withReLU(_ input: Tensor) -> Tensor {
        input.conv2dReLU(weight: weight.value, bias: bias?.value, stride: stride, padding: padding, dilation: dilation)
    }
}

/// 2-d transposed convolution layer (groups = 1), the upsampling step of convolutional decoders:
/// input `[N, inChannels, H, W]`, output `[N, outChannels, (H−1)s − 2p + d(k−1) + outputPadding + 1, …]`.
///
/// `weight` is `[inChannels, outChannels, kh, kw]` (PyTorch's layout and initialization).
public final class ConvTranspose2d: Module, Layer {
    /// `[inChannels, outChannels, kh, kw]`.
    public let weight: Parameter
    /// `[outChannels]`, absent when built with `bias: false`.
    public let bias: Parameter?
    /// Upsampling factor.
    public let stride: Size2D
    /// Rows/columns removed from each side of the full output.
    public let padding: Size2D
    /// Extra rows/columns at the bottom/right, to reach sizes a stride leaves ambiguous.
    public let outputPadding: Size2D
    /// Spacing between kernel taps.
    public let dilation: Size2D

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Size2D, stride: Size2D = 1, padding: Size2D = 0,
                outputPadding: Size2D = 0, dilation: Size2D = 1, bias: Bool = true,
                weightInit: Initializer = .pytorchDefault, generator: RandomGenerator = .global) {
        require(inChannels > 0 && outChannels > 0 && kernelSize.h > 0 && kernelSize.w > 0,
                "ConvTranspose2d: channels and kernel size must be positive, got \(inChannels) → \(outChannels), kernel \(kernelSize)")
        let shape = [inChannels, outChannels, kernelSize.h, kernelSize.w]
        weight = Parameter(weightInit.make(shape, generator: generator))
        // PyTorch computes the fan-in from the weight tensor: shape[1]·kh·kw = outChannels·kh·kw.
        self.bias = bias ? Parameter(Initializer.fanInUniform(fanIn: Initializer.fans(shape).fanIn).make([outChannels], generator: generator)) : nil
        (self.stride, self.padding, self.outputPadding, self.dilation) = (stride, padding, outputPadding, dilation)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        input.convTranspose2d(weight: weight.value, bias: bias?.value, stride: stride, padding: padding,
                              outputPadding: outputPadding, dilation: dilation)
    }
}
