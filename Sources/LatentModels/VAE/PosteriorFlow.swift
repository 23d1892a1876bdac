import LatentTensor
import LatentNN
import LatentProbability

/// A normalizing flow refining a VAE's Gaussian posterior: z₀ ~ q₀(z|x) = N(μ(x), σ(x)²), then
/// z_T = f_T ∘ … ∘ f₁(z₀; h(x)) with each fₜ a `Bijector` given the context h(x), so that
///
///     log q_T(z_T|x) = log q₀(z₀|x) − Σₜ log|det ∂fₜ/∂z_{t−1}|.
///
/// With inverse autoregressive layers (Kingma et al., 2016) each step is one network pass; with
/// planar layers (Rezende & Mohamed, 2015) each step is a cheap rank-one update whose parameters
/// are amortized over x. The richer posterior narrows the gap between the ELBO and log p(x).
public final class PosteriorFlow: Module {
    /// h: inputs `[B, …]` → context `[B, C]` (nil: the layers get no context).
    public let context: (any Layer)?
    /// The bijectors f₁ … f_T over `[N, L]`, applied in order (their forward direction).
    public let layers: [any Bijector]

    /// A flow from its context network and layers.
    public init(context: (any Layer)?, layers: [any Bijector]) {
        require(!layers.isEmpty, "PosteriorFlow: needs at least one layer")
        (self.context, self.layers) = (context, layers)
    }

    /// `count` IAF layers over `latent` dimensions (MADE `hidden` widths, orderings alternating), each
    /// conditioned on h(x) = ReLU(Linear(flatten(x))) of width `contextFeatures`.
    public static func inverseAutoregressive(latent: Int, inputFeatures: Int, count: Int = 2, hidden: [Int] = [64],
                                             contextFeatures: Int = 64, generator: RandomGenerator = .global) -> PosteriorFlow {
        let h = Sequential(Flatten(), Linear(inputFeatures, contextFeatures, generator: generator), Activation.relu)
        let layers: [any Bijector] = (0..<count).map { i in
            MaskedAutoregressiveFlow(features: latent, hiddenFeatures: hidden, contextFeatures: contextFeatures,
                                     ordering: i % 2 == 0 ? .sequential : .reversed, arrangement: .inverseAutoregressive,
                                     generator: generator)
        }
        return PosteriorFlow(context: h, layers: layers)
    }

    /// `count` planar layers over `latent` dimensions, each conditioned on h(x) = ReLU(Linear(flatten(x)))
    /// of width `contextFeatures` (Rezende & Mohamed's amortized planar posterior): layer t maps
    /// z `[N, L]` to z + ûₜ(x)·tanh(wₜ(x)ᵀz + bₜ(x)), with (wₜ, uₜ, bₜ)(x) = its own parameters plus a
    /// zero-initialized `Linear(contextFeatures, 2L + 1)` of h(x) (`Planar(contextFeatures:)`), and
    /// wₜᵀûₜ > −1 for every x. The layers start input-independent (a fixed planar stack, not the identity).
    public static func planar(latent: Int, inputFeatures: Int, count: Int, contextFeatures: Int = 64,
                              generator: RandomGenerator = .global) -> PosteriorFlow {
        require(count >= 1, "PosteriorFlow.planar: count must be positive, got \(count)")
        let h = Sequential(Flatten(), Linear(inputFeatures, contextFeatures, generator: generator), Activation.relu)
        let layers: [any Bijector] = (0..<count).map { _ in
            Planar(features: latent, contextFeatures: contextFeatures, generator: generator)
        }
        return PosteriorFlow(context: h, layers: layers)
    }

    /// z_T and Σ log-determinants for z₀ `[..., B, L]` given inputs x `[B, …]`: shapes `[..., B, L]` and `[..., B]`.
    public func callAsFunction(_ z0: Tensor, input x: Tensor) -> (z: Tensor, logDet: Tensor) {
        let lead = Array(z0.shape.dropLast()), l = z0.shape.last!
        let rows = lead.reduce(1, *)
        var c: Tensor? = nil
        if let context = context {
            let h = context(x)
            c = h.expanded(to: lead + [h.shape[1]]).reshaped([rows, h.shape[1]])
        }
        var z = z0.reshaped([rows, l])
        var logDet = Tensor.zeros([rows])
        for layer in layers {
            let (y, ld) = layer.forwardAndLogDet(z, context: c)
            z = y
            logDet = logDet + ld
        }
        return (z.reshaped(lead + [l]), logDet.reshaped(lead))
    }
}
