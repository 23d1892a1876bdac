import Foundation
import LatentTensor

/// The total correlation of the aggregate posterior, TC = KL(q(z) ‖ Π_d q(z_d)), estimated on a
/// minibatch — the term β-TCVAE (Chen et al., 2018) weights separately.
///
/// The averaged KL of a VAE splits as E_x KL(q(z|x) ‖ p(z)) = I(x; z) + TC + Σ_d KL(q(z_d) ‖ p(z_d));
/// β-VAE scales all three, β-TCVAE only the middle one, the part that measures dependence between
/// latent dimensions. q(z) = (1/N) Σₙ q(z|xₙ) is estimated from the minibatch: for a batch of M
/// examples drawn from N, with samples zᵢ ~ q(z|xᵢ), the example's own term carries weight 1/N and
/// each of the M − 1 others (N − 1)/(N(M − 1)), the importance weights of the other examples standing
/// in for the rest of the data (the stratified form of Chen et al.'s minibatch estimator):
///
///     q(zᵢ) ≈ Σ_j w_ij q(zᵢ|x_j),   q(zᵢ_d) ≈ Σ_j w_ij q(zᵢ_d|x_j),
///
/// and TCᵢ = log q(zᵢ) − Σ_d log q(zᵢ_d). With N = M this is the batch's own aggregate posterior.
public enum TotalCorrelation {
    /// Per-example TC estimates `[M]` (nats) for samples `z` `[M, L]` drawn from the diagonal
    /// Gaussians `posterior` (`[M, L]`), the batch drawn from `datasetSize` examples (≥ M).
    public static func minibatchWeighted(z: Tensor, posterior: DiagonalGaussian, datasetSize: Int) -> Tensor {
        let m = z.shape[0]
        require(z.rank == 2 && posterior.loc.shape == z.shape,
                "TotalCorrelation: z and the posterior must both be [M, L], got \(z.shape) and \(posterior.loc.shape)")
        require(datasetSize >= m, "TotalCorrelation: the dataset size (\(datasetSize)) must be at least the batch size (\(m))")
        // log q(zᵢ_d | x_j) as [M (i), M (j), L].
        let zi = z.unsqueezed(axis: 1)
        let mu = posterior.loc.unsqueezed(axis: 0), logSigma = posterior.logScale.unsqueezed(axis: 0)
        let standardized = (zi - mu) * (-logSigma).exp()
        let logDensity = standardized.square() * -0.5 - logSigma - Float(0.5 * Foundation.log(2 * Double.pi))
        // log w_ij as [M, M, 1]: 1/N on the diagonal, (N − 1)/(N(M − 1)) elsewhere (1/N when M = 1).
        let n = Double(datasetSize)
        let own = Float(-Foundation.log(n))
        let other = m > 1 ? Float(Foundation.log((n - 1) / (n * Double(m - 1)))) : own
        var weights = [Float](repeating: other, count: m * m)
        for i in 0..<m { weights[i * m + i] = own }
        let logW = Tensor(shape: [m, m, 1], scalars: weights)
        let logJoint = (logDensity.sum(axis: 2, keepDims: true) + logW).logSumExp(axis: 1).squeezed(axis: 1)   // [M]
        let logMarginals = (logDensity + logW).logSumExp(axis: 1).sum(axis: 1)                                   // [M]
        return logJoint - logMarginals
    }
}
