import LatentTensor
import LatentNN
import LatentProbability

/// The multi-scale image stacks (Glow and RealNVP's multi-scale architecture), written data →
/// latent as in the papers (`FlowArchitecture` wraps them in `Inverse`). For images `[C, H, W]`
/// flattened to `[D]`:
///
///     [D] → [C, H, W] → squeeze → [4C, H/2, W/2] → K steps → MultiScale(squeeze → K steps → …) → [D]
///
/// Every level but the last factors out half of its channels (`MultiScale`), which then pass
/// through unchanged to the standard normal base; the final latent has the same `[4C, H/2, W/2]`
/// layout, flattened. A Glow step is ActNorm → `InvertibleConv1x1` → `AffineCoupling` (channel-wise
/// mask, alternating flips); a RealNVP step is one `AffineCoupling` whose mask cycles checkerboard,
/// flipped checkerboard, channel-wise, flipped channel-wise (channel-wise only at 1×1 resolution,
/// where a checkerboard has nothing to transform). Couplings read the context
/// `[N, F]`, broadcast over pixels. The split-off channels are scored by the standard normal base,
/// or, with `learnedSplitPrior`, by Glow's learned conditional Gaussian: a `SplitPrior` just before
/// each `MultiScale` standardizes them given the kept channels (and the context).
enum ImageFlowArchitecture {
    /// The data → latent chain `[N, D]` → `[N, D]` of an image configuration.
    static func dataToLatent(_ c: FlowConfiguration, generator: RandomGenerator) -> Chain {
        guard let shape = c.imageShape else { fatalError("ImageFlowArchitecture: imageShape is required") }
        let squeezed = [4 * shape[0], shape[1] / 2, shape[2] / 2]
        return Chain([EventReshape(from: [c.features], to: shape), Squeeze()]
                     + level(c, index: 0, channels: squeezed[0], pixels: squeezed[1] * squeezed[2], generator: generator)
                     + [EventReshape(from: squeezed, to: [c.features])])
    }

    /// Level `index` with `channels` channels of `pixels` pixels: its K steps, then (unless last)
    /// the next level on half of the channels, squeezed.
    private static func level(_ c: FlowConfiguration, index: Int, channels: Int, pixels: Int,
                              generator: RandomGenerator) -> [any Bijector] {
        var steps: [any Bijector] = []
        for k in 0..<c.layers {
            steps += step(c, index: k, channels: channels, pixels: pixels, generator: generator)
        }
        if index + 1 < c.scales {
            if c.learnedSplitPrior == true {
                steps.append(SplitPrior(channels: channels, contextFeatures: c.contextFeatures))
            }
            steps.append(MultiScale(Chain(level(c, index: index + 1, channels: 2 * channels, pixels: pixels / 4,
                                                generator: generator))))
        }
        return steps
    }

    /// Step `index` of a level on `channels` channels.
    private static func step(_ c: FlowConfiguration, index: Int, channels: Int, pixels: Int,
                             generator: RandomGenerator) -> [any Bijector] {
        let coupling = { (mask: CouplingMask) in
            AffineCoupling(channels: channels, mask: mask, hidden: c.hidden[0], contextFeatures: c.contextFeatures,
                           logScaleBound: c.logScaleBound, generator: generator)
        }
        switch c.architecture {
        case .glow:
            return [ActNorm(channels: channels), InvertibleConv1x1(channels: channels, generator: generator),
                    coupling(index % 2 == 0 ? .channelWise : .channelWise.flipped)]
        default:
            let masks: [CouplingMask] = pixels > 1 ? [.checkerboard, .checkerboard.flipped, .channelWise, .channelWise.flipped]
                                                   : [.channelWise, .channelWise.flipped]
            return [coupling(masks[index % masks.count])]
        }
    }
}
