import Foundation
import LatentTensor
import LatentNN
import LatentProbability

/// A conditional gated PixelCNN (van den Oord et al., 2016) over one-channel binary images: the
/// logits of p(x_i = 1 | x_<i, c) for every pixel i at once, from the image x `[N, 1, H, W]` and a
/// conditioning map c `[N, K, H, W]` (in a VAE, a function of z).
///
/// Layers: a type-A masked k₀×k₀ convolution of x to 2C channels, then `layers − 1` type-B
/// masked k×k convolutions of the C hidden channels, each followed by the gate
/// h ← h + tanh(a₁ + V₁c) ⊙ σ(a₂ + V₂c) (a = the convolution's 2C outputs, V a 1×1 convolution of
/// the map; the first layer has no residual), and a 1×1 convolution of ReLU(h) to one logit per
/// pixel. A single stack of square masks has the PixelCNN's blind spot: pixels above-right of
/// the receptive field's cone are never seen. The likelihood is still exact and normalized —
/// log p(x|c) = Σ_i log p(x_i | x_<i, c) in one pass (teacher forcing) — only its context is
/// smaller than all of x_<i.
public final class PixelCNN: Module {
    /// Type-A masked convolution of the image, 1 → 2C.
    public let input: MaskedConv2d
    /// Type-B masked convolutions, C → 2C.
    public let hidden: [MaskedConv2d]
    /// 1×1 convolutions of the conditioning map, K → 2C, one per gated layer (no bias).
    public let conditioning: [Conv2d]
    /// 1×1 convolution of ReLU(h), C → 1 logit.
    public let output: Conv2d
    /// Hidden channels C.
    public let channels: Int
    /// Channels K of the conditioning map.
    public let conditionChannels: Int

    /// A PixelCNN with `layers` gated layers (≥ 1) of `channels` hidden channels, a first kernel of
    /// side `firstKernelSize` and later ones of side `kernelSize` (both odd).
    public init(channels: Int, layers: Int, kernelSize: Int = 3, firstKernelSize: Int = 5, conditionChannels: Int,
                generator: RandomGenerator = .global) {
        require(channels > 0 && layers > 0 && conditionChannels > 0,
                "PixelCNN: channels, layers and conditionChannels must be positive, got \(channels), \(layers), \(conditionChannels)")
        input = MaskedConv2d(1, 2 * channels, kernelSize: firstKernelSize, maskType: .a, generator: generator)
        hidden = (1..<layers).map { _ in MaskedConv2d(channels, 2 * channels, kernelSize: kernelSize, maskType: .b, generator: generator) }
        conditioning = (0..<layers).map { _ in Conv2d(conditionChannels, 2 * channels, kernelSize: 1, bias: false, generator: generator) }
        output = Conv2d(channels, 1, kernelSize: 1, generator: generator)
        self.channels = channels
        self.conditionChannels = conditionChannels
    }

    /// Rows above a pixel that its logit depends on: the sum of the layers' k/2.
    public var reach: Int { input.reach + hidden.reduce(0) { $0 + $1.reach } }

    /// Each gated layer's conditioning term V·c `[N, 2C, H, W]` for the map c `[N, K, H, W]`.
    public func conditioningTerms(_ condition: Tensor) -> [Tensor] {
        require(condition.rank == 4 && condition.shape[1] == conditionChannels,
                "PixelCNN: the conditioning map must be [N, \(conditionChannels), H, W], got \(condition.shape)")
        return conditioning.map { $0(condition) }
    }

    /// Logits `[N, 1, H, W]` of p(x_i = 1 | x_<i, c) for images `[N, 1, H, W]` and the map c.
    public func logits(_ x: Tensor, condition: Tensor) -> Tensor {
        logits(x, terms: conditioningTerms(condition))
    }

    /// Logits for images `[N, 1, H, W]` and precomputed `conditioningTerms` of the same N, H, W.
    public func logits(_ x: Tensor, terms: [Tensor]) -> Tensor {
        require(x.rank == 4 && x.shape[1] == 1, "PixelCNN: images must be [N, 1, H, W], got \(x.shape)")
        require(terms.count == hidden.count + 1 && terms.allSatisfy { $0.shape == [x.shape[0], 2 * channels, x.shape[2], x.shape[3]] },
                "PixelCNN: conditioning terms \(terms.map(\.shape)) do not match images \(x.shape)")
        var h = gate(input(x) + terms[0])
        for (l, conv) in hidden.enumerated() { h = h + gate(conv(h) + terms[l + 1]) }
        return output(h.relu())
    }

    /// tanh(a₁) ⊙ σ(a₂) for a = [a₁, a₂] split along the channels.
    private func gate(_ a: Tensor) -> Tensor {
        a.slice(axis: 1, from: 0, to: channels).tanh() * a.slice(axis: 1, from: channels, to: 2 * channels).sigmoid()
    }

    /// log p(x|c) = Σ_i log p(x_i | x_<i, c) for binary images `[N, 1, H, W]`: `[N]` nats.
    public func logProb(_ x: Tensor, condition: Tensor) -> Tensor {
        Bernoulli(logits: logits(x, condition: condition)).independent(3).logProb(x)
    }

    /// Ancestral sampling for the map c `[N, K, H, W]`, pixel by pixel in raster order (H·W
    /// network passes, no gradients): the binary images `[N, 1, H, W]` and the probabilities
    /// p(x_i = 1 | x_<i, c) each pixel was drawn with. Pixel i's logit depends only on the `reach`
    /// rows above it, so with `cropRows` each pass runs on those rows alone (same result, about
    /// H/(reach + 1) times less work).
    public func sample(condition: Tensor, generator: RandomGenerator, cropRows: Bool = true) -> (images: Tensor, probabilities: Tensor) {
        withoutGrad {
            let terms = conditioningTerms(condition)
            let (n, h, w) = (condition.shape[0], condition.shape[2], condition.shape[3])
            var pixels = [Float](repeating: 0, count: n * h * w)
            var probabilities = pixels
            for r in 0..<h {
                let top = cropRows ? max(0, r - reach) : 0, bottom = cropRows ? r + 1 : h, rows = bottom - top
                let rowTerms = terms.map { $0.slice(axis: 2, from: top, to: bottom) }
                for c in 0..<w {
                    var crop = [Float](repeating: 0, count: n * rows * w)
                    for i in 0..<n {
                        for q in 0..<rows { for k in 0..<w { crop[(i * rows + q) * w + k] = pixels[(i * h + top + q) * w + k] } }
                    }
                    let l = logits(Tensor(shape: [n, 1, rows, w], scalars: crop), terms: rowTerms)
                        .slice(axis: 2, from: r - top, to: r - top + 1).slice(axis: 3, from: c, to: c + 1).scalars
                    for i in 0..<n {
                        let p = 1 / (1 + Foundation.exp(-l[i]))
                        probabilities[(i * h + r) * w + c] = p
                        pixels[(i * h + r) * w + c] = generator.nextUniform() < p ? 1 : 0
                    }
                }
            }
            return (Tensor(shape: [n, 1, h, w], scalars: pixels), Tensor(shape: [n, 1, h, w], scalars: probabilities))
        }
    }
}
