import LatentTensor
import LatentNN

/// The sizes of a VAE's PixelCNN decoder (`VAEConfiguration.pixelCNN`): z → `hidden` ReLU →
/// a conditioning map of `conditionChannels`×H×W, read by a gated `PixelCNN` of `layers` layers
/// and `channels` hidden channels (first kernel `firstKernelSize`, then `kernelSize`).
public struct PixelCNNDecoderConfiguration: Codable, Equatable, Sendable {
    /// Gated layers (the first is the type-A one).
    public var layers: Int
    /// Hidden channels C.
    public var channels: Int
    /// Side of the type-B kernels (odd).
    public var kernelSize: Int
    /// Side of the first, type-A kernel (odd).
    public var firstKernelSize: Int
    /// Channels K of the conditioning map computed from z.
    public var conditionChannels: Int

    /// The defaults: 5 layers of 32 channels, 5×5 then 3×3 masks, a 4-channel map.
    public init(layers: Int = 5, channels: Int = 32, kernelSize: Int = 3, firstKernelSize: Int = 5, conditionChannels: Int = 4) {
        (self.layers, self.channels, self.kernelSize, self.firstKernelSize, self.conditionChannels) =
            (layers, channels, kernelSize, firstKernelSize, conditionChannels)
    }

    /// The problems of these sizes for images `imageShape` (empty when they can be built).
    public func problems(imageShape: [Int]) -> [String] {
        var p: [String] = []
        if layers < 1 { p.append("pixelCNN.layers \(layers): need ≥ 1") }
        if channels < 1 { p.append("pixelCNN.channels \(channels): need ≥ 1") }
        if conditionChannels < 1 { p.append("pixelCNN.conditionChannels \(conditionChannels): need ≥ 1") }
        for (name, k) in [("kernelSize", kernelSize), ("firstKernelSize", firstKernelSize)] where k < 1 || k % 2 == 0 {
            p.append("pixelCNN.\(name) \(k): need an odd size ≥ 1")
        }
        if imageShape.first != 1 { p.append("imageShape \(imageShape): the PixelCNN decoder models one-channel images") }
        return p
    }

    /// The decoder for `inputs` values per row (latents, or latents and a condition) and images `[1, H, W]`.
    public func decoder(imageShape: [Int], inputs: Int, hidden: Int, generator: RandomGenerator) -> Decoder {
        let map = conditionChannels * imageShape[1] * imageShape[2]
        let body = Sequential(Linear(inputs, hidden, generator: generator), Activation.relu, Linear(hidden, map, generator: generator))
        let pixelCNN = PixelCNN(channels: channels, layers: layers, kernelSize: kernelSize, firstKernelSize: firstKernelSize,
                                conditionChannels: conditionChannels, generator: generator)
        return Decoder(body: body, outputShape: imageShape, pixelCNN: pixelCNN)
    }
}
