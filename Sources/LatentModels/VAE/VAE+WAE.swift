import LatentTensor
import LatentProbability

extension VAE {
    /// The WAE-MMD objective's parts on inputs `[B, …]` (B ≥ 2): the deterministic codes
    /// z = μ(x) `[B, L]`, the reconstruction cost −log p(x|z) averaged over the batch, and the
    /// unbiased MMD² between the codes and B draws from the prior (drawn from `generator`) with
    /// the inverse multiquadratic kernel of `MaximumMeanDiscrepancy.Kernel.inverseMultiquadratic(latentDimension:)`.
    /// Both scalars are differentiable.
    public func waeTerms(_ x: Tensor, generator: RandomGenerator) -> (z: Tensor, reconstruction: Tensor, mmd: Tensor) {
        let z = encoder(x).loc
        let reconstruction = -decoder.logProb(x, given: z).mean()
        let draws = prior.sample(x.shape[0], generator: generator)
        let mmd = MaximumMeanDiscrepancy.unbiased(z, draws, kernel: .inverseMultiquadratic(latentDimension: latentDimension))
        return (z, reconstruction, mmd)
    }
}
