/// What a VAE minimizes on a training batch.
public enum VAEObjective: Equatable {
    /// The negative ELBO with one reparameterized sample, KL weighted by the `KLRegularizer`.
    case elbo
    /// The negative importance-weighted bound −log (1/K) Σₖ p(x, zₖ)/q(zₖ|x) (Burda et al., 2016),
    /// K samples per example; the KL regularizer does not apply.
    case iwae(samples: Int)
}
