import LatentTensor

extension DiagonalGaussian {
    /// The ladder VAE's posterior (Sønderby et al., 2016): the normalized product of a bottom-up
    /// Gaussian N(μ̂, σ̂²) (from the data) and a top-down one N(μₚ, σₚ²) (the generative
    /// model's p(z₁|z₂)), per dimension:
    ///
    ///     σ_q² = 1 / (σ̂⁻² + σₚ⁻²),   μ_q = (μ̂ σ̂⁻² + μₚ σₚ⁻²) σ_q².
    ///
    /// Computed stably in log space: log σ_q = −½ logaddexp(−2 log σ̂, −2 log σₚ) and
    /// μ_q = w μ̂ + (1 − w) μₚ with w = sigmoid(2 log σₚ − 2 log σ̂). Shapes `[B, L]`, both alike.
    public static func precisionWeighted(bottomUp: DiagonalGaussian, topDown: DiagonalGaussian) -> DiagonalGaussian {
        require(bottomUp.loc.shape == topDown.loc.shape,
                "DiagonalGaussian.precisionWeighted: shapes differ: \(bottomUp.loc.shape) vs \(topDown.loc.shape)")
        let a = bottomUp.logScale * -2, b = topDown.logScale * -2
        let logScale = Tensor.stack([a, b], axis: 0).logSumExp(axis: 0) * -0.5
        let w = (a - b).sigmoid()
        return DiagonalGaussian(loc: bottomUp.loc * w + topDown.loc * (1 - w), logScale: logScale)
    }
}
