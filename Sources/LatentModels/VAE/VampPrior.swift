import Foundation
import LatentTensor
import LatentNN

/// The VampPrior of Tomczak & Welling (2018, "VAE with a VampPrior"): the prior is the
/// variational posterior averaged over K learned pseudo-inputs u_k,
///
///     p(z) = (1/K) Σ_k q(z | u_k),
///
/// so the prior follows the aggregate posterior the encoder actually produces. The pseudo-inputs
/// are a `Parameter` `[K] + inputShape` (e.g. `[K, 1, 28, 28]`) passed through a hard clamp to
/// [0, 1] — the hardtanh of the paper and of pythae, keeping them in the pixel range — before the
/// shared encoder reads them; they get gradients through the encoder and are trained with the
/// rest of the model. There is no closed-form KL from q(z|x): the VAE uses the one-sample
/// estimate log q(z|x) − log p(z). Each evaluation of log p(z) encodes the K pseudo-inputs once.
public final class VampPrior: Module, LatentPrior {
    /// Latent dimensions L.
    public let latentDimension: Int
    /// The pseudo-inputs before clamping, `[K] + inputShape`.
    public let pseudoInputs: Parameter
    /// The shared encoder, held as a closure so that its parameters stay named only once (under
    /// the VAE's `encoder.`) in the parameter tree and in checkpoints.
    private let encode: (Tensor) -> DiagonalGaussian

    /// A VampPrior over `encoder`'s latent space whose pseudo-inputs start at `pseudoInputs`
    /// (`[K] + inputShape`, K ≥ 1; e.g. uniform noise or training images).
    public init(encoder: GaussianEncoder, pseudoInputs initial: Tensor) {
        require(initial.rank >= 2 && initial.shape[0] > 0,
                "VampPrior: pseudo-inputs must be [K, …] with K ≥ 1, got \(initial.shape)")
        latentDimension = encoder.latentDimension
        pseudoInputs = Parameter(initial)
        encode = { encoder($0) }
    }

    /// A VampPrior with `components` pseudo-inputs of shape `inputShape` drawn uniformly from
    /// [0, 1] with `generator`.
    public convenience init(encoder: GaussianEncoder, inputShape: [Int], components: Int, generator: RandomGenerator) {
        require(components > 0 && !inputShape.isEmpty && inputShape.allSatisfy { $0 > 0 },
                "VampPrior: need components ≥ 1 and a positive input shape, got \(components), \(inputShape)")
        self.init(encoder: encoder, pseudoInputs: Tensor.uniform([components] + inputShape, low: 0, high: 1, generator: generator))
    }

    /// Components K.
    public var componentCount: Int { pseudoInputs.shape[0] }

    /// Sets the pseudo-inputs to K images drawn without replacement from `images` `[N] + inputShape`
    /// (values in [0, 1]; when N < K every image is used once before any is repeated), so that
    /// every component starts at the posterior of a real example — Tomczak & Welling's alternative
    /// to random pseudo-inputs.
    public func initialize(from images: Tensor, generator: RandomGenerator) {
        require(images.rank == pseudoInputs.value.rank && Array(images.shape.dropFirst()) == Array(pseudoInputs.shape.dropFirst()) && images.shape[0] > 0,
                "VampPrior.initialize: images must be [N] + \(Array(pseudoInputs.shape.dropFirst())) with N ≥ 1, got \(images.shape)")
        let n = images.shape[0]
        var order = Array(0..<n)
        var chosen: [Int] = []
        while chosen.count < componentCount {
            for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, generator.nextInt(below: i + 1)) }
            chosen += order.prefix(componentCount - chosen.count)
        }
        pseudoInputs.value = images.indexSelect(axis: 0, indices: chosen).detached()
    }

    /// The K components q(z | u_k): μ and log σ `[K, L]`.
    public func components() -> DiagonalGaussian { components(pseudoInputs: pseudoInputs.value) }

    /// The components at pseudo-inputs `u` (before clamping), `[K, L]`.
    func components(pseudoInputs u: Tensor) -> DiagonalGaussian { encode(u.clamp(min: 0, max: 1)) }

    /// log p(z) = log Σ_k q(z | u_k) − log K for z `[..., L]`: `[...]` (nats; log-sum-exp over k).
    public func logProb(_ z: Tensor) -> Tensor { logProb(z, pseudoInputs: pseudoInputs.value) }

    /// log p(z) with the pseudo-inputs `u`, differentiable in both (what the gradient tests check).
    func logProb(_ z: Tensor, pseudoInputs u: Tensor) -> Tensor {
        require(z.rank >= 1 && z.shape[z.rank - 1] == latentDimension,
                "VampPrior.logProb: z must be [..., \(latentDimension)], got \(z.shape)")
        let q = components(pseudoInputs: u)
        let zk = z.unsqueezed(axis: z.rank - 1)                                 // [..., 1, L]
        let standardized = (zk - q.loc) * (-q.logScale).exp()                   // [..., K, L]
        let perComponent = (standardized.square() * -0.5 - q.logScale - Float(0.5 * Foundation.log(2 * Double.pi))).sum(axis: -1)
        return perComponent.logSumExp(axis: -1) - Float(Foundation.log(Double(u.shape[0])))
    }

    /// n draws `[n, L]`: a pseudo-input k uniformly per draw, then z ~ q(z | u_k) (no gradients).
    public func sample(_ n: Int, generator: RandomGenerator) -> Tensor {
        withoutGrad {
            let q = components()
            let chosen = (0..<n).map { _ in generator.nextInt(below: componentCount) }
            let mu = q.loc.indexSelect(axis: 0, indices: chosen)
            let sigma = q.logScale.indexSelect(axis: 0, indices: chosen).exp()
            return mu + sigma * Tensor.randn([n, latentDimension], generator: generator)
        }
    }

    /// nil: the KL from q(z|x) to a mixture has no closed form (Monte Carlo instead).
    public func klPerDimension(from q: DiagonalGaussian) -> Tensor? { nil }
}
