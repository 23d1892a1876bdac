import LatentTensor
import LatentNN

/// Affine autoregressive bijector: MAF (Papamakarios et al. 2017) or IAF (Kingma et al. 2016).
///
/// Forward (noise → data, z ↦ x) and inverse (data → noise, x ↦ z) per feature i:
///
///     x_i = z_i · exp(s_i) + μ_i,      z_i = (x_i − μ_i) · exp(−s_i),
///     log|det ∂x/∂z| = Σ_i s_i  (shape [N]),  inverse log-det = −Σ_i s_i,
///
/// where (μ_i, ŝ_i) are the two MADE outputs for feature i and s_i = B·tanh(ŝ_i / B) is the
/// log-scale softly clamped to (−B, B) (B = `logScaleBound`), so a layer scales by at most e^B
/// and cannot produce inf/NaN from a runaway log-scale.
///
/// The `arrangement` decides what the MADE reads (see `AutoregressiveArrangement`):
/// `.maskedAutoregressive` (MAF, default) conditions on x — `inverse` (density) is one pass,
/// `forward` (sampling) D passes; `.inverseAutoregressive` (IAF) conditions on z — `forward` is one
/// pass, `inverse` D passes. The MADE's output layer starts at zero, so a new layer is exactly the
/// identity (μ = 0, s = 0).
///
/// Shapes: `[N, D]` in and out, log-determinants `[N]`, optional context `[N, contextFeatures]`.
public final class MaskedAutoregressiveFlow: Module, Bijector {
    /// Outputs (μ_i, ŝ_i) per feature: `[N, D, 2]`.
    public let made: MADE
    /// MAF or IAF.
    public let arrangement: AutoregressiveArrangement
    /// B: log-scales lie in (−B, B).
    public let logScaleBound: Float

    /// An affine autoregressive layer over `features` dimensions.
    ///
    /// - Parameters:
    ///   - hiddenFeatures: the MADE's hidden widths (e.g. `[64, 64]`).
    ///   - contextFeatures: width of the conditioning input, 0 for none.
    ///   - ordering: the MADE's feature order (alternate `.sequential`/`.reversed` across a stack).
    ///   - arrangement: `.maskedAutoregressive` (MAF) or `.inverseAutoregressive` (IAF).
    ///   - logScaleBound: B > 0 of the soft clamp s = B·tanh(ŝ/B).
    public init(features: Int, hiddenFeatures: [Int], contextFeatures: Int = 0, ordering: MADE.Ordering = .sequential,
                arrangement: AutoregressiveArrangement = .maskedAutoregressive, activation: Activation.Kind = .relu,
                logScaleBound: Float = 3, generator: RandomGenerator = .global) {
        require(logScaleBound > 0, "MaskedAutoregressiveFlow: logScaleBound must be positive, got \(logScaleBound)")
        made = MADE(features: features, parametersPerFeature: 2, hiddenFeatures: hiddenFeatures,
                    contextFeatures: contextFeatures, ordering: ordering, activation: activation,
                    zeroInitOutput: true, generator: generator)
        self.arrangement = arrangement
        self.logScaleBound = logScaleBound
    }

    /// x = z·exp(s) + μ and Σ s, in one pass (IAF) or D passes (MAF).
    public func forwardAndLogDet(_ x: Tensor, context: Tensor?) -> (y: Tensor, logDet: Tensor) {
        checkShape(x, "forward")
        let (y, logDet) = arrangement.forward(x, context: context, made: made) { z, theta in
            let (shift, logScale) = self.shiftAndLogScale(theta)
            return (z * logScale.exp() + shift, logScale.sum(axis: 1))
        }
        return (y, logDet)
    }

    /// z = (x − μ)·exp(−s) and −Σ s, in one pass (MAF) or D passes (IAF).
    public func inverseAndLogDet(_ y: Tensor, context: Tensor?) -> (x: Tensor, logDet: Tensor) {
        checkShape(y, "inverse")
        let (x, logDet) = arrangement.inverse(y, context: context, made: made) { x, theta in
            let (shift, logScale) = self.shiftAndLogScale(theta)
            return ((x - shift) * (-logScale).exp(), -logScale.sum(axis: 1))
        }
        return (x, logDet)
    }

    /// μ and the clamped s, each `[N, D]`, from the MADE output `[N, D, 2]`.
    private func shiftAndLogScale(_ theta: Tensor) -> (Tensor, Tensor) {
        let n = theta.shape[0], d = theta.shape[1]
        let shift = theta.slice(axis: 2, from: 0, to: 1).reshaped([n, d])
        let raw = theta.slice(axis: 2, from: 1, to: 2).reshaped([n, d])
        return (shift, (raw / logScaleBound).tanh() * logScaleBound)
    }

    private func checkShape(_ t: Tensor, _ direction: String) {
        require(t.rank == 2 && t.shape[1] == made.features,
                "MaskedAutoregressiveFlow.\(direction): input must be [N, \(made.features)], got shape \(t.shape)")
    }
}
