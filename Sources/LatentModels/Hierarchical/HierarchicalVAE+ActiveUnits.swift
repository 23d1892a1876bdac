import LatentTensor

extension HierarchicalVAE {
    /// Active units per stochastic layer (Burda et al., 2016, §5.2): dimension u is active when
    /// A_u = Var_x(E_{q(u|x)}[u]) > `threshold` (0.01 in the paper) over the examples x `[N, …]`.
    /// The posterior mean that q gives in closed form is used as such (z₁ bottom-up, z₂ ladder); the
    /// other layer's mean is averaged over `samples` draws of the layer it is conditioned on.
    /// Also returns A_u per dimension.
    public func activeUnits(_ x: Tensor, samples: Int = 20, threshold: Double = 0.01,
                            generator: RandomGenerator) -> (z1: Int, z2: Int, variance1: [Double], variance2: [Double]) {
        require(samples > 0 && x.shape[0] > 1, "HierarchicalVAE.activeUnits: need samples > 0 and at least 2 examples, got \(samples), \(x.shape)")
        let (mean1, mean2) = withoutGrad { () -> (Tensor, Tensor) in
            let h = bottomUp(x)
            let n = x.shape[0]
            switch inference {
            case .bottomUp:
                let q1 = posterior1(h)
                let z1 = q1.rsample(samples, generator: generator).reshaped([samples * n, latent1])
                return (q1.loc, posterior2(z1).loc.reshaped([samples, n, latent2]).mean(axis: 0))
            case .ladder:
                let q2 = posterior2(h)
                let z2 = q2.rsample(samples, generator: generator).reshaped([samples * n, latent2])
                let estimate = posterior1(h)
                let tiled = DiagonalGaussian(loc: estimate.loc.expanded(to: [samples, n, latent1]).reshaped([samples * n, latent1]),
                                             logScale: estimate.logScale.expanded(to: [samples, n, latent1]).reshaped([samples * n, latent1]))
                let q1 = DiagonalGaussian.precisionWeighted(bottomUp: tiled, topDown: prior1(z2))
                return (q1.loc.reshaped([samples, n, latent1]).mean(axis: 0), q2.loc)
            }
        }
        let v1 = columnVariances(mean1), v2 = columnVariances(mean2)
        return (v1.filter { $0 > threshold }.count, v2.filter { $0 > threshold }.count, v1, v2)
    }

    /// The variance over rows of each column of `[N, L]` (divided by N), in Double.
    private func columnVariances(_ m: Tensor) -> [Double] {
        let n = m.shape[0], l = m.shape[1]
        let values = m.scalars
        return (0..<l).map { j in
            var sum = 0.0, square = 0.0
            for i in 0..<n {
                let v = Double(values[i * l + j])
                sum += v
                square += v * v
            }
            let mean = sum / Double(n)
            return max(0, square / Double(n) - mean * mean)
        }
    }
}
