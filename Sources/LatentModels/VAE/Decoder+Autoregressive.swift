import LatentTensor
import LatentNN
import LatentProbability

extension Decoder {
    /// Whether p(x|z) is autoregressive (a `PixelCNN`) rather than factorized.
    public var isAutoregressive: Bool { autoregressive != nil }

    /// log p(x|z) for data x `[B] + outputShape` and latents z `[..., B, L]`: `[..., B]` nats.
    /// Factorized decoders read the likelihood of `self(z)`; an autoregressive one runs its
    /// PixelCNN once on x (repeated for every leading index of z) with the conditioning map of z —
    /// the exact Σ_i log p(x_i | x_<i, z), so ELBOs and importance-sampled likelihoods stay valid.
    public func logProb(_ x: Tensor, given z: Tensor) -> Tensor {
        guard let pixelCNN = autoregressive else { return self(z).logProb(x) }
        let lead = Array(z.shape.dropLast())
        let rows = lead.reduce(1, *)
        let xs = x.expanded(to: lead + outputShape).reshaped([rows] + outputShape)
        return pixelCNN.logProb(xs, condition: conditionMap(z.reshaped([rows, z.shape.last!]))).reshaped(lead)
    }

    /// A picture of p(x|z) for latents `[N, L]`, `[N] + outputShape`, no gradients: the mean of
    /// a factorized decoder; for an autoregressive one, the binary image of an ancestral sample
    /// drawn pixel by pixel with `generator` (its conditionals' probabilities along the sampled path
    /// can look like one mean image for every z while the model still ignores its context, so the
    /// draws themselves are shown).
    public func decode(_ z: Tensor, generator: RandomGenerator) -> Tensor {
        guard let pixelCNN = autoregressive else { return withoutGrad { self(z).mean } }
        return pixelCNN.sample(condition: withoutGrad { conditionMap(z) }, generator: generator).images
    }

    /// The PixelCNN's conditioning map `[N, K, H, W]` for latents `[N, L]`.
    func conditionMap(_ z: Tensor) -> Tensor {
        let k = autoregressive!.conditionChannels
        let theta = body(z)
        let d = k * outputShape[1] * outputShape[2]
        require(theta.count == z.shape[0] * d,
                "Decoder: body must output \(d) values per latent (a \(k)×\(outputShape[1])×\(outputShape[2]) conditioning map), got shape \(theta.shape)")
        return theta.reshaped([z.shape[0], k, outputShape[1], outputShape[2]])
    }
}
