import Foundation
import LatentTensor
import LatentData

/// Health of a VAE's latent space measured on a data set: where the KL goes, which units are used,
/// how much information z carries about x, and warnings on posterior collapse or KL explosion.
public struct LatentDiagnostics {
    /// E_x[KL(q(z_d|x) ‖ p(z_d))] per latent dimension (nats); empty when the prior has no
    /// closed-form per-dimension KL.
    public var klPerDimension: [Double]
    /// E_x[KL(q(z|x) ‖ p(z))] (nats per example; one-sample estimate without a closed form).
    public var kl: Double
    /// Activity A_d = Var_x(E_q[z_d|x]) per dimension (Burda et al., 2016).
    public var activity: [Double]
    /// Number of dimensions with A_d > `activityThreshold`.
    public var activeUnits: Int
    /// I_q(x; z) = E_x E_q[log q(z|x)] − E_q(z)[log q(z)], with the aggregate posterior q(z)
    /// approximated by the mixture of the N measured posteriors (nats; at most log N).
    public var mutualInformation: Double
    /// Human-readable warnings (posterior collapse, KL explosion); empty when healthy.
    public var warnings: [String]

    /// Burda et al.'s threshold on the activity of a unit.
    public static let activityThreshold = 0.01

    /// Measures `vae` on up to `maxExamples` examples of `loader` (its epoch 0), in evaluation mode
    /// without gradients. Warns of collapse when the KL is below `collapseKL` nats or no unit is
    /// active, and of explosion when it exceeds `explosionKL` nats or is not finite.
    public static func measure(_ vae: VAE, on loader: DataLoader, maxExamples: Int = 2000,
                               collapseKL: Double = 0.5, explosionKL: Double = 1000,
                               generator: RandomGenerator = RandomGenerator(seed: 0)) -> LatentDiagnostics {
        let wasTraining = vae.isTraining
        vae.eval()
        defer { if wasTraining { vae.train() } }
        return withoutGrad {
            var locs: [Tensor] = [], logScales: [Tensor] = [], kls: [Tensor] = [], perDims: [Tensor] = []
            var seen = 0
            for (x, _) in IteratorSequence(loader.iterator(forEpoch: 0)) where seen < maxExamples {
                let take = min(x.shape[0], maxExamples - seen)
                let t = vae.elboTerms(x.slice(axis: 0, from: 0, to: take), generator: generator)
                locs.append(t.posterior.loc)
                logScales.append(t.posterior.logScale)
                kls.append(t.kl)
                if let d = t.klPerDimension { perDims.append(d) }
                seen += take
            }
            require(seen > 0, "LatentDiagnostics: the loader yielded no examples")
            let loc = Tensor.concat(locs, axis: 0), logScale = Tensor.concat(logScales, axis: 0)
            let klPerDimension = perDims.isEmpty ? [] : Tensor.concat(perDims, axis: 0).mean(axis: 0).scalars.map(Double.init)
            let kl = Double(Tensor.concat(kls, axis: 0).mean().item)
            let activity = loc.variance(axis: 0).scalars.map(Double.init)
            let active = activity.filter { $0 > activityThreshold }.count
            let mi = mutualInformation(DiagonalGaussian(loc: loc, logScale: logScale), generator: generator)
            var warnings: [String] = []
            // Four significant digits: a Float32 KL printed as a Double reads 0.02820604480803013.
            let shown = String(format: "%.4g", kl)
            if !kl.isFinite || kl > explosionKL {
                warnings.append("KL explosion: KL = \(shown) nats per example (threshold \(String(format: "%g", explosionKL))); lower the learning rate or clamp log-scales")
            } else if kl < collapseKL || active == 0 {
                warnings.append("posterior collapse: KL = \(shown) nats per example, \(active) of \(activity.count) units active; try KL warm-up, free bits or a weaker decoder")
            }
            return LatentDiagnostics(klPerDimension: klPerDimension, kl: kl, activity: activity, activeUnits: active,
                                     mutualInformation: mi, warnings: warnings)
        }
    }

    /// The mutual-information estimate for posteriors `q` `[N, L]`: one draw zᵢ ~ q(z|xᵢ) each,
    /// log q(zᵢ) = log (1/N) Σⱼ q(zᵢ|xⱼ), averaged over i (rows in chunks of 256).
    public static func mutualInformation(_ q: DiagonalGaussian, generator: RandomGenerator) -> Double {
        let n = q.loc.shape[0]
        let z = q.rsample(1, generator: generator).squeezed(axis: 0)            // [N, L]
        let conditional = Double(q.logProb(z).mean().item)
        var aggregate = 0.0
        var start = 0
        while start < n {
            let end = min(n, start + 256)
            let zi = z.slice(axis: 0, from: start, to: end).unsqueezed(axis: 1)  // [n', 1, L]
            let cross = q.logProb(zi)                                            // [n', N]
            aggregate += Double((cross.logSumExp(axis: 1) - Float(Foundation.log(Double(n)))).sum().item)
            start = end
        }
        return conditional - aggregate / Double(n)
    }
}
