/// What a VAE minimizes on a training batch.
public enum VAEObjective: Equatable {
    /// The negative ELBO with one reparameterized sample, KL weighted by the `KLRegularizer`.
    case elbo
    /// The negative importance-weighted bound −log (1/K) Σₖ p(x, zₖ)/q(zₖ|x) (Burda et al., 2016),
    /// K samples per example; the KL regularizer does not apply.
    case iwae(samples: Int)
    /// The Wasserstein autoencoder with the MMD penalty (Tolstikhin et al., 2018; InfoVAE's MMD
    /// form, Zhao et al., 2019): a *deterministic* encoder z = μ(x) (the encoder's scale output is
    /// unused), cost −log p(x|z), plus `lambda` times the unbiased MMD² between the batch's codes
    /// and as many prior draws (inverse multiquadratic kernel, scales from the latent dimension,
    /// `VAE.waeTerms`). The KL regularizer does not apply.
    case wae(lambda: Float)
}

extension VAEObjective {
    /// True for the WAE objective, whose encoder is deterministic (no ELBO to report).
    public var isWAE: Bool {
        if case .wae = self { return true }
        return false
    }
}
