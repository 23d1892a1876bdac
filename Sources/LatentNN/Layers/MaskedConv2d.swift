import LatentTensor

/// A 2-d convolution whose kernel is multiplied by a fixed causal mask on every forward pass
/// (van den Oord et al., 2016, PixelCNN): the output at pixel (r, c) sees only input pixels that
/// come before it in raster order — rows above, and the same row to the left — and, for type B,
/// the pixel itself. Input `[N, inChannels, H, W]`, output `[N, outChannels, H, W]` (stride 1,
/// "same" padding k/2, odd kernel sizes).
///
/// Because the weight is multiplied by the mask inside the graph, the gradient of every masked
/// tap is exactly zero, so the masked taps stay at their (irrelevant) initial values. The mask is
/// a constant of the kernel size and type, not a parameter: checkpoints hold only `weight`/`bias`.
/// Channels are not grouped: use type A on the image (one channel) and type B on hidden features.
public final class MaskedConv2d: Module, Layer {
    /// Which taps the mask keeps.
    public enum MaskType: String, Codable, Sendable {
        /// Strictly before the centre: the first layer, so a pixel never sees itself.
        case a
        /// Up to and including the centre: every later layer.
        case b
    }

    /// `[outChannels, inChannels, k, k]` (masked taps kept but unused).
    public let weight: Parameter
    /// `[outChannels]`, absent when built with `bias: false`.
    public let bias: Parameter?
    /// The mask type.
    public let maskType: MaskType
    /// `[1, 1, k, k]` of 0/1, broadcast over the channels.
    public let mask: Tensor
    /// Side k of the square kernel.
    public let kernelSize: Int

    /// A masked k×k convolution (k odd), initialized like `Conv2d` (PyTorch's default).
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, maskType: MaskType, bias: Bool = true,
                generator: RandomGenerator = .global) {
        require(inChannels > 0 && outChannels > 0, "MaskedConv2d: channels must be positive, got \(inChannels) → \(outChannels)")
        require(kernelSize > 0 && kernelSize % 2 == 1, "MaskedConv2d: the kernel size must be odd and positive, got \(kernelSize)")
        let shape = [outChannels, inChannels, kernelSize, kernelSize]
        weight = Parameter(Initializer.pytorchDefault.make(shape, generator: generator))
        self.bias = bias ? Parameter(Initializer.fanInUniform(fanIn: Initializer.fans(shape).fanIn).make([outChannels], generator: generator)) : nil
        self.maskType = maskType
        self.kernelSize = kernelSize
        mask = Tensor(shape: [1, 1, kernelSize, kernelSize], scalars: MaskedConv2d.maskValues(kernelSize: kernelSize, type: maskType))
    }

    /// The k·k mask values in row-major order: 1 for rows above the centre, for the centre row left
    /// of the centre, and (type B) the centre itself; 0 elsewhere.
    public static func maskValues(kernelSize k: Int, type: MaskType) -> [Float] {
        let centre = k / 2
        return (0..<(k * k)).map { i in
            let (r, c) = (i / k, i % k)
            return r < centre || (r == centre && (c < centre || (c == centre && type == .b))) ? 1 : 0
        }
    }

    /// Rows above a pixel that its output can see through this layer (k/2).
    public var reach: Int { kernelSize / 2 }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        input.conv2d(weight: weight.value * mask, bias: bias?.value, padding: Size2D(kernelSize / 2, kernelSize / 2))
    }
}
