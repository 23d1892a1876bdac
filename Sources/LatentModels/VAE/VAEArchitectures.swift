import LatentTensor
import LatentNN

/// Ready-made encoder/decoder pairs for image VAEs.
public enum VAEArchitectures {
    /// The classic MLP (Kingma & Welling): x `[B, …]` flattened to D → `hidden` ReLU → (μ, log σ) of
    /// `latent`; z → `hidden` ReLU → D parameters, reshaped to `imageShape`. Default 784-400-20.
    public static func mlp(imageShape: [Int] = [1, 28, 28], hidden: Int = 400, latent: Int = 20,
                           likelihood: Likelihood = .bernoulli, conditionFeatures: Int = 0,
                           generator: RandomGenerator = .global) -> (encoder: GaussianEncoder, decoder: Decoder) {
        let d = imageShape.reduce(1, *)
        let encoder = GaussianEncoder(body: Sequential(
            Flatten(), Linear(d + conditionFeatures, hidden, generator: generator), Activation.relu,
            Linear(hidden, 2 * latent, generator: generator)), latentDimension: latent)
        let decoder = Decoder(body: Sequential(
            Linear(latent + conditionFeatures, hidden, generator: generator), Activation.relu,
            Linear(hidden, d, generator: generator)), outputShape: imageShape, likelihood: likelihood)
        return (encoder, decoder)
    }

    /// A convolutional pair for `[B, channels, 28, 28]` images: two 4×4 stride-2 convolutions
    /// (32, 64 channels, padding 1: 28 → 14 → 7), ReLU, a linear map to (μ, log σ); the decoder mirrors
    /// it with a linear map to 64×7×7 and two 4×4 stride-2 transposed convolutions. Latent 16 by default.
    /// With `hidden`, a fully connected ReLU layer of that width sits between the convolutions and
    /// (μ, log σ), and between z and the decoder's 64×7×7 map.
    public static func convolutional28(channels: Int = 1, latent: Int = 16, hidden: Int? = nil, likelihood: Likelihood = .bernoulli,
                                       generator: RandomGenerator = .global) -> (encoder: GaussianEncoder, decoder: Decoder) {
        convolutional(channels: channels, size: 28, widths: [32, 64], latent: latent, hidden: hidden,
                      likelihood: likelihood, generator: generator)
    }

    /// A convolutional pair for `[B, channels, 32, 32]` images (CIFAR-10: channels 3): three 4×4
    /// stride-2 convolutions (32, 64, 128 channels, padding 1: 32 → 16 → 8 → 4), ReLU, a linear map
    /// from 128×4×4 to (μ, log σ); the decoder mirrors it with three transposed convolutions back
    /// to `channels`×32×32 likelihood parameters. Latent 16 by default; `hidden` as in `convolutional28`.
    public static func convolutional32(channels: Int = 3, latent: Int = 16, hidden: Int? = nil, likelihood: Likelihood = .bernoulli,
                                       generator: RandomGenerator = .global) -> (encoder: GaussianEncoder, decoder: Decoder) {
        convolutional(channels: channels, size: 32, widths: [32, 64, 128], latent: latent, hidden: hidden,
                      likelihood: likelihood, generator: generator)
    }

    /// A convolutional pair for `[B, channels, 64, 64]` images (sprites): four 4×4 stride-2
    /// convolutions (32, 32, 64, 64 channels: 64 → 32 → 16 → 8 → 4), a 256-unit hidden layer, then
    /// (μ, log σ); the decoder mirrors it. Latent 10 by default.
    public static func convolutional64(channels: Int = 1, latent: Int = 10, likelihood: Likelihood = .bernoulli,
                                       generator: RandomGenerator = .global) -> (encoder: GaussianEncoder, decoder: Decoder) {
        convolutional(channels: channels, size: 64, widths: [32, 32, 64, 64], latent: latent, hidden: 256,
                      likelihood: likelihood, generator: generator)
    }

    /// A convolutional pair for `[B, channels, size, size]` images: stride-2 4×4 convolutions of the
    /// given `widths` (each halves the side; `size` must be divisible by 2^widths.count), an
    /// optional hidden layer of `hidden` units, a linear map to (μ, log σ) of `latent` dimensions,
    /// and the mirrored decoder. The named pairs above are instances of it.
    public static func convolutional(channels: Int, size: Int, widths: [Int], latent: Int, hidden: Int?,
                              likelihood: Likelihood, generator: RandomGenerator) -> (encoder: GaussianEncoder, decoder: Decoder) {
        let side = size >> widths.count
        require(side << widths.count == size, "VAEArchitectures: image side \(size) is not divisible by 2^\(widths.count)")
        let flat = widths.last! * side * side
        var down: [any Layer] = []
        var inChannels = channels
        for w in widths {
            down += [Conv2d(inChannels, w, kernelSize: 4, stride: 2, padding: 1, generator: generator), Activation.relu]
            inChannels = w
        }
        down.append(Flatten())
        var up: [any Layer] = []
        if let h = hidden {
            down += [Linear(flat, h, generator: generator), Activation.relu, Linear(h, 2 * latent, generator: generator)]
            up += [Linear(latent, h, generator: generator), Activation.relu, Linear(h, flat, generator: generator), Activation.relu]
        } else {
            down.append(Linear(flat, 2 * latent, generator: generator))
            up += [Linear(latent, flat, generator: generator), Activation.relu]
        }
        up.append(Reshape([widths.last!, side, side]))
        let outs = Array(widths.dropLast().reversed()) + [channels]
        for (i, w) in outs.enumerated() {
            up.append(ConvTranspose2d(inChannels, w, kernelSize: 4, stride: 2, padding: 1, generator: generator))
            if i < outs.count - 1 { up.append(Activation.relu) }
            inChannels = w
        }
        return (GaussianEncoder(body: Sequential(down), latentDimension: latent),
                Decoder(body: Sequential(up), outputShape: [channels, size, size], likelihood: likelihood))
    }
}
