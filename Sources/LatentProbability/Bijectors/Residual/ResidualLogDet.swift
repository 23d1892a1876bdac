import Foundation
import LatentTensor

/// log|det(I + J_g(x))| for a residual block x ↦ x + g(x) with Lip(g) < 1, per sample, `[N]`.
///
/// - `exact`: the D columns of J_g by D Jacobian-vector products, then log|det(I + J)| of each
///   D×D matrix by an LU factorization in Double. Its gradient is exact too: the value is a
///   constant plus the zero-valued surrogate Σᵢⱼ (A⁻ᵀ)ᵢⱼ·(Aᵢⱼ − stop(Aᵢⱼ)), A = I + J, whose
///   derivative is tr(A⁻¹ dA) = d log|det A|. Costs D products; for small D (2-D data).
/// - `russianRoulette`: the power series log det(I + J) = Σ_{k≥1} (−1)^{k+1} tr(J^k)/k (convergent
///   since ‖J‖ < 1) with Hutchinson's trace estimate tr(J^k) ≈ εᵀJ^k ε (ε Rademacher, one per
///   sample) and a random number of terms (Chen et al. 2019): n = n₀ + M, M ~ Geometric(p) on
///   {0, 1, …} drawn once per call, and term k reweighted by 1/P(n ≥ k) = (1 − p)^−max(0, k − n₀).
///   E over M and ε of the estimate equals the full series exactly (unbiased); the first n₀ terms
///   are always computed, which lowers the variance. n is capped at `maxTerms` (P(M ≥ 50) = 2⁻⁵⁰ at
///   p = ½, a negligible bias). Gradients: backpropagation through the sampled terms (each an
///   ordinary tape expression), which is an unbiased estimate of the gradient of the series —
///   not the Neumann-series gradient estimator of Chen et al., which saves memory, not bias.
public enum ResidualLogDet {
    /// The exact log|det(I + J)| of `linearization`, `[N]`, differentiable.
    public static func exact(_ linearization: LipschitzNetwork.Linearization) -> Tensor {
        let columns = linearization.jacobianColumns()
        let (n, d) = (linearization.value.shape[0], columns.count)
        let values = columns.map { $0.detached().scalars }
        var logDets = [Float](repeating: 0, count: n)
        var inverseTransposed = [[Float]](repeating: [Float](repeating: 0, count: n * d), count: d)
        for row in 0..<n {
            var a = [Double](repeating: 0, count: d * d)
            for i in 0..<d { for j in 0..<d { a[i * d + j] = (i == j ? 1 : 0) + Double(values[j][row * d + i]) } }
            let (value, inverse) = logAbsDeterminantAndInverse(a, d)
            logDets[row] = Float(value)
            // Column j's surrogate weight for entry i is (A⁻ᵀ)ᵢⱼ = (A⁻¹)ⱼᵢ.
            for j in 0..<d { for i in 0..<d { inverseTransposed[j][row * d + i] = Float(inverse[j * d + i]) } }
        }
        var result = Tensor(shape: [n], scalars: logDets)
        if columns.contains(where: { $0.requiresGrad }) && GradMode.isEnabled {
            for j in 0..<d {
                let weight = Tensor(shape: [n, d], scalars: inverseTransposed[j])
                result = result + (weight * (columns[j] - columns[j].detached())).sum(axis: 1)
            }
        }
        return result
    }

    /// The settings of the Russian-roulette estimator.
    public struct RouletteSettings: Codable, Equatable, Sendable {
        /// n₀, terms always computed (≥ 1).
        public var exactTerms: Int
        /// p of the geometric number of extra terms (0 < p < 1; mean extra terms (1 − p)/p).
        public var stopProbability: Double
        /// The cap on the number of terms.
        public var maxTerms: Int

        /// n₀ = 2, p = ½ (one extra term on average), at most 50 terms.
        public init(exactTerms: Int = 2, stopProbability: Double = 0.5, maxTerms: Int = 50) {
            self.exactTerms = exactTerms
            self.stopProbability = stopProbability
            self.maxTerms = maxTerms
        }

        /// Every invalid field, one line each.
        public func problems() -> [String] {
            var p: [String] = []
            if exactTerms < 1 { p.append("roulette exactTerms must be ≥ 1, got \(exactTerms)") }
            if !(stopProbability > 0 && stopProbability < 1) { p.append("roulette stopProbability must be in (0, 1), got \(stopProbability)") }
            if maxTerms < exactTerms { p.append("roulette maxTerms must be ≥ exactTerms \(exactTerms), got \(maxTerms)") }
            return p
        }
    }

    /// n = n₀ + M, M ~ Geometric(p) on {0, 1, …}, capped at `maxTerms`.
    public static func drawTermCount(_ settings: RouletteSettings, generator: RandomGenerator) -> Int {
        let uniform = 1 - Double(generator.nextUniform())  // in (0, 1]
        let extra = Foundation.log(uniform) / Foundation.log(1 - settings.stopProbability)
        return Swift.min(settings.exactTerms + Int(extra.rounded(.down)), settings.maxTerms)
    }

    /// The Russian-roulette estimate `[N]` with `terms` terms and the probe ε `[N, D]`
    /// (`drawTermCount` and a Rademacher draw make it the unbiased estimator).
    public static func russianRoulette(_ linearization: LipschitzNetwork.Linearization, terms: Int, probe: Tensor,
                                       settings: RouletteSettings) -> Tensor {
        var w = probe
        var total = Tensor.zeros([probe.shape[0]])
        for k in 1...terms {
            w = linearization.jvp(w)
            let survival = Foundation.pow(1 - settings.stopProbability, Double(Swift.max(0, k - settings.exactTerms)))
            let coefficient = (k % 2 == 1 ? 1.0 : -1.0) / (Double(k) * survival)
            total = total + (w * probe).sum(axis: 1) * Float(coefficient)
        }
        return total
    }

    /// The estimate with its random draws (number of terms, then a Rademacher probe) from `generator`.
    public static func russianRoulette(_ linearization: LipschitzNetwork.Linearization, settings: RouletteSettings,
                                       generator: RandomGenerator) -> Tensor {
        let terms = drawTermCount(settings, generator: generator)
        let shape = linearization.value.shape
        let probe = Tensor.bernoulli(shape, p: 0.5, generator: generator) * 2 - 1
        return russianRoulette(linearization, terms: terms, probe: probe, settings: settings)
    }

    /// (log|det a|, a⁻¹) for a row-major n×n matrix a, by LU with partial pivoting.
    static func logAbsDeterminantAndInverse(_ a: [Double], _ n: Int) -> (Double, [Double]) {
        if n == 1 { return (Foundation.log(Swift.abs(a[0])), [1 / a[0]]) }
        if n == 2 {
            let det = a[0] * a[3] - a[1] * a[2]
            return (Foundation.log(Swift.abs(det)), [a[3] / det, -a[1] / det, -a[2] / det, a[0] / det])
        }
        let (_, _, u) = SmallLinearAlgebra.luDecomposition(a, n)
        let logDet = (0..<n).reduce(0.0) { $0 + Foundation.log(Swift.abs(u[$1 * n + $1])) }
        return (logDet, SmallLinearAlgebra.inverse(a, n))
    }
}
