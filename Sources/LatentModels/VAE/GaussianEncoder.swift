import LatentTensor
import LatentNN

/// An amortized Gaussian posterior q(z|x) = N(μ(x), diag σ(x)²): any network `body` mapping inputs
/// `[B, …]` to `[B, 2L]`, read as (μ, log σ). log σ is soft-clamped to (−`logScaleBound`, `logScaleBound`)
/// by a scaled tanh, which keeps exp(log σ) finite early in training without killing gradients.
public final class GaussianEncoder: Module {
    /// Inputs `[B, …]` → `[B, 2L]`.
    public let body: any Layer
    /// Latent dimensions L.
    public let latentDimension: Int
    /// Bound on |log σ| (nats of scale).
    public let logScaleBound: Float

    /// An encoder whose `body` outputs 2·`latentDimension` features.
    public init(body: any Layer, latentDimension: Int, logScaleBound: Float = 8) {
        require(latentDimension > 0, "GaussianEncoder: latent dimension must be positive, got \(latentDimension)")
        self.body = body
        self.latentDimension = latentDimension
        self.logScaleBound = logScaleBound
    }

    /// q(z|x) for inputs `[B, …]`.
    public func callAsFunction(_ x: Tensor) -> DiagonalGaussian {
        let h = body(x)
        require(h.rank == 2 && h.shape[1] == 2 * latentDimension,
                "GaussianEncoder: body must output [B, \(2 * latentDimension)] (μ and log σ), got \(h.shape)")
        let parts = h.split(count: 2, axis: 1)
        let logScale = (parts[1] * (1 / logScaleBound)).tanh() * logScaleBound
        return DiagonalGaussian(loc: parts[0], logScale: logScale)
    }
}
