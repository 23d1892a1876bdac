import LatentTensor
import LatentNN

/// One level of RealNVP/Glow's multi-scale architecture: half of the channels are factored out
/// (left as final latent variables) and `inner` — the rest of the flow, at the next scale —
/// transforms the other half, squeezed:
///
///     x = [x₁, x₂] (channels ⌊C/2⌋ and the rest),
///     y = [unsqueeze(inner(squeeze(x₁))), x₂],   log|det| = inner's log|det|  (shape [N]).
///
/// Shapes: `[N, C, H, W]` in and out (H, W even); `inner` must map `[N, 2C, H/2, W/2]` (C even)
/// to the same shape. With `squeeze: false`, inputs may be `[N, D]` or images and `inner` acts on
/// the first ⌊D/2⌋ features (or channels) as they are.
///
/// Why this is exact and enough: the factored-out x₂ passes through unchanged, so with a
/// standard normal base over the whole output, log p(x) = Σ log N(every factored-out part) +
/// log N(final output) + Σ log|det| — Glow's multi-scale likelihood, while later levels only
/// process half the dimensions. The map is the same in both directions, so it works in a data →
/// latent stack (Glow's convention; wrap the whole stack in `Inverse` for a
/// `TransformedDistribution`) as well as in a latent → data stack. A Glow with three levels and one
/// step per level, on `[N, C, H, W]` data, data → latent:
///
///     func step(_ c: Int) -> [any Bijector] {
///         [ActNorm(channels: c), InvertibleConv1x1(channels: c), AffineCoupling(channels: c, mask: .channelWise)]
///     }
///     let glow = Chain([Squeeze()] + step(4 * C) + [
///         MultiScale(Chain(step(8 * C) + [MultiScale(Chain(step(16 * C)))]))])
///     let model = TransformedDistribution(base: StandardNormal(eventShape: [4 * C, H / 2, W / 2]),
///                                         bijector: Inverse(glow), eventShape: [C, H, W])
///
/// Glow's learned prior for the factored-out half, N(μ(x₁), σ(x₁)), is a `SplitPrior` placed just
/// before the `MultiScale`: it maps x₂ to (x₂ − μ)/σ given x₁, in the data → latent direction, so
/// the standard-normal base scores exactly the conditional Gaussian.
public final class MultiScale: Module, Bijector {
    /// The flow applied to the kept half (at the next scale when squeezing).
    public let inner: any Bijector
    /// Whether the kept half is squeezed (2×2 space-to-depth) before `inner`.
    public let squeeze: Bool
    private let squeezer = Squeeze(factor: 2)

    /// Factors out the second half of the channels and runs `inner` on the (squeezed) first half.
    public init(_ inner: any Bijector, squeeze: Bool = true) {
        self.inner = inner
        self.squeeze = squeeze
    }

    /// Splits `v`, runs `transform` on the squeezed kept half and reassembles.
    private func route(_ v: Tensor, _ transform: (Tensor) -> (Tensor, Tensor)) -> (Tensor, Tensor) {
        require(v.rank >= 2 && v.shape[1] >= 2, "MultiScale: input must be [N, C, …] with C ≥ 2, got \(v.shape)")
        require(!squeeze || (v.rank == 4 && v.shape[1] % 2 == 0),
                "MultiScale: with squeeze, input must be [N, C, H, W] with C even, got \(v.shape)")
        let kept = v.shape[1] / 2
        let parts = v.split(sizes: [kept, v.shape[1] - kept], axis: 1)
        let start = squeeze ? squeezer.forward(parts[0]) : parts[0]
        let (out, logDet) = transform(start)
        require(out.shape == start.shape,
                "MultiScale: the inner flow must keep the shape \(start.shape) of the kept half, it returned \(out.shape)")
        let back = squeeze ? squeezer.inverse(out) : out
        return (Tensor.concat([back, parts[1]], axis: 1), logDet)
    }

    public func forwardAndLogDet(_ x: Tensor, context: Tensor?) -> (y: Tensor, logDet: Tensor) {
        let (y, logDet) = route(x) { inner.forwardAndLogDet($0, context: context) }
        return (y, logDet)
    }

    public func inverseAndLogDet(_ y: Tensor, context: Tensor?) -> (x: Tensor, logDet: Tensor) {
        let (x, logDet) = route(y) { inner.inverseAndLogDet($0, context: context) }
        return (x, logDet)
    }
}
