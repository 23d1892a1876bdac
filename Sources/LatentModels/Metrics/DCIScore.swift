import Foundation
import LatentTensor

/// The DCI framework of Eastwood & Williams (2018, "A Framework for the Quantitative Evaluation of
/// Disentangled Representations"): disentanglement, completeness and informativeness of codes
/// against known generative factors, read off a regressor's importance matrix.
///
/// Regressor: per factor k, a Lasso (`alpha`, scikit-learn's objective) of the standardized factor
/// on the standardized codes, fitted on the even-numbered rows; the importance R_jk = |w_jk| —
/// the paper's linear variant (its Lasso), not the gradient-boosted trees of disentanglement_lib.
/// Factor indices are treated as ordered numbers. With P_jk = R_jk / Σ_k R_jk and
/// P̃_jk = R_jk / Σ_j R_jk,
///
///     D_j = 1 − H_K(P_j·),   D = Σ_j ρ_j D_j,   ρ_j = Σ_k R_jk / Σ_jk R_jk,
///     C_k = 1 − H_L(P̃_·k),   C = Σ_k ρ̃_k C_k,   ρ̃_k = Σ_j R_jk / Σ_jk R_jk,
///
/// where H_K is the entropy with logarithms to base K (so it lies in [0, 1]): D = 1 when every
/// latent predicts at most one factor, C = 1 when every factor is predicted by a single latent.
/// Informativeness I is the mean over factors of the regressor's R² on the odd-numbered rows
/// (1 − MSE/variance of the standardized factor, clipped below at 0): 1 = the factors are linear
/// functions of the codes. Factors that never vary are skipped; latents with no importance carry
/// no weight in D.
public struct DCIScore {
    /// D ∈ [0, 1].
    public var disentanglement: Double
    /// C ∈ [0, 1].
    public var completeness: Double
    /// I ∈ [0, 1]: mean held-out R² of the per-factor Lasso.
    public var informativeness: Double
    /// The importance matrix R as `[latent][factor]` (|Lasso weight| on standardized data).
    public var importance: [[Double]]

    /// The scores of codes `[N, L]` against factor indices `[N, K]` (N ≥ 4).
    public static func measure(codes: Tensor, factors: Tensor, alpha: Double = 0.01) -> DCIScore {
        require(codes.rank == 2 && factors.rank == 2 && codes.shape[0] == factors.shape[0] && codes.shape[0] >= 4,
                "DCIScore: need codes [N, L] and factors [N, K] with the same N ≥ 4, got \(codes.shape) and \(factors.shape)")
        require(alpha >= 0 && alpha.isFinite, "DCIScore: alpha must be finite and ≥ 0, got \(alpha)")
        let n = codes.shape[0], l = codes.shape[1], k = factors.shape[1]
        let z = codes.scalars.map(Double.init), v = factors.scalars.map(Double.init)
        require(z.allSatisfy(\.isFinite) && v.allSatisfy(\.isFinite), "DCIScore: codes and factors must be finite (NaN or ±∞ found)")
        let train = Array(stride(from: 0, to: n, by: 2)), test = Array(stride(from: 1, to: n, by: 2))
        let codeMoments = ColumnMoments(z, columns: l, rows: train), factorMoments = ColumnMoments(v, columns: k, rows: train)
        func x(_ r: Int, _ j: Int) -> Double { codeMoments.standardized(z, columns: l, row: r, column: j) }
        func y(_ r: Int, _ f: Int) -> Double { factorMoments.standardized(v, columns: k, row: r, column: f) }
        var gram = [Double](repeating: 0, count: l * l)
        for r in train {
            let row = (0..<l).map { x(r, $0) }
            for i in 0..<l { for j in 0..<l { gram[i * l + j] += row[i] * row[j] } }
        }
        gram = gram.map { $0 / Double(train.count) }
        var importance = [[Double]](repeating: [Double](repeating: 0, count: k), count: l)
        var scores: [Double] = []
        for f in 0..<k where factorMoments.scale[f] > 1e-12 {
            var c = [Double](repeating: 0, count: l)
            for r in train { let t = y(r, f); for j in 0..<l { c[j] += x(r, j) * t } }
            let lasso = LassoRegression(gram: gram, correlation: c.map { $0 / Double(train.count) }, alpha: alpha)
            for j in 0..<l { importance[j][f] = Swift.abs(lasso.weights[j]) }
            var error = 0.0, spread = 0.0
            for r in test {
                let t = y(r, f), p = (0..<l).reduce(0.0) { $0 + lasso.weights[$1] * x(r, $1) }
                error += (t - p) * (t - p)
                spread += t * t
            }
            scores.append(spread > 0 ? Swift.max(0, 1 - error / spread) : 0)
        }
        let factorsUsed = (0..<k).filter { factorMoments.scale[$0] > 1e-12 }
        let total = importance.reduce(0) { $0 + $1.reduce(0, +) }
        var d = 0.0, c = 0.0
        if total > 0 {
            for j in 0..<l {
                let row = factorsUsed.map { importance[j][$0] }
                d += row.reduce(0, +) / total * (1 - normalizedEntropy(row))
            }
            for f in factorsUsed {
                let column = (0..<l).map { importance[$0][f] }
                c += column.reduce(0, +) / total * (1 - normalizedEntropy(column))
            }
        }
        return DCIScore(disentanglement: d, completeness: c,
                        informativeness: scores.isEmpty ? 0 : scores.reduce(0, +) / Double(scores.count), importance: importance)
    }

    /// The entropy of the distribution proportional to `weights`, with logarithms to base
    /// `weights.count` (0 for one weight or all-zero weights).
    static func normalizedEntropy(_ weights: [Double]) -> Double {
        let sum = weights.reduce(0, +)
        guard weights.count > 1, sum > 0 else { return 0 }
        let h = weights.reduce(0.0) { $1 > 0 ? $0 - $1 / sum * Foundation.log($1 / sum) : $0 }
        return h / Foundation.log(Double(weights.count))
    }
}
