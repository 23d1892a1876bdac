import Foundation
import LatentTensor

/// The Separated Attribute Predictability score of Kumar et al. (2018, "Variational Inference of
/// Disentangled Latent Concepts from Unlabeled Observations", §3): for each factor, how much better
/// the single most predictive latent predicts it than the second most predictive one.
///
/// The score matrix S_kj of factor k and latent j is
/// - for a continuous (ordered) factor: the R² of a linear regression of v_k on z_j alone — the
///   squared Pearson correlation, over all rows;
/// - for a discrete factor: the held-out accuracy of a one-latent threshold classifier — each class
///   is the mean of z_j over its even-numbered rows, and an odd-numbered row is given the class
///   whose mean is nearest (thresholds half-way between sorted class means).
///
/// SAP = (1/K) Σ_k (S_k(1) − S_k(2)), the gap between the two largest entries of row k, averaged
/// over the factors that vary. High (up to 1 for continuous factors) when each factor lives in one
/// latent; near 0 when a factor is spread over several latents or none.
public struct SAPScore {
    /// SAP averaged over the varying factors.
    public var score: Double
    /// The gap S_k(1) − S_k(2) per factor (NaN for factors that never vary).
    public var perFactor: [Double]
    /// S as `[factor][latent]`: R² for continuous factors, accuracy for discrete ones.
    public var predictability: [[Double]]

    /// The score of codes `[N, L]` against factor indices `[N, K]` (non-negative integers as
    /// floats, N ≥ 4); `discrete[k]` says whether factor k is categorical (scored by accuracy).
    public static func measure(codes: Tensor, factors: Tensor, discrete: [Bool]) -> SAPScore {
        require(codes.rank == 2 && factors.rank == 2 && codes.shape[0] == factors.shape[0] && codes.shape[0] >= 4,
                "SAPScore: need codes [N, L] and factors [N, K] with the same N ≥ 4, got \(codes.shape) and \(factors.shape)")
        require(discrete.count == factors.shape[1], "SAPScore: need one discrete flag per factor (\(factors.shape[1])), got \(discrete.count)")
        let n = codes.shape[0], l = codes.shape[1], k = factors.shape[1]
        let z = codes.scalars.map(Double.init), v = factors.scalars.map(Double.init)
        require(z.allSatisfy(\.isFinite), "SAPScore: codes must be finite (NaN or ±∞ found)")
        require(v.allSatisfy { $0 >= 0 && $0 < 1e9 && $0 == $0.rounded() }, "SAPScore: factor indices must be non-negative integers")
        var table: [[Double]] = [], perFactor: [Double] = []
        for f in 0..<k {
            let factor = (0..<n).map { v[$0 * k + f] }
            let columns = (0..<l).map { j in (0..<n).map { z[$0 * l + j] } }
            let row = columns.map { discrete[f] ? thresholdAccuracy($0, factor) : squaredCorrelation($0, factor) }
            table.append(row)
            guard factor.contains(where: { $0 != factor[0] }) else { perFactor.append(.nan); continue }
            let sorted = row.sorted(by: >)
            perFactor.append(sorted[0] - (sorted.count > 1 ? sorted[1] : 0))
        }
        let valid = perFactor.filter { !$0.isNaN }
        return SAPScore(score: valid.isEmpty ? 0 : valid.reduce(0, +) / Double(valid.count), perFactor: perFactor, predictability: table)
    }

    /// The squared Pearson correlation of two paired samples (0 when either is constant).
    static func squaredCorrelation(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for (x, y) in zip(a, b) { sab += (x - ma) * (y - mb); saa += (x - ma) * (x - ma); sbb += (y - mb) * (y - mb) }
        return saa > 1e-300 && sbb > 1e-300 ? sab * sab / (saa * sbb) : 0
    }

    /// The accuracy on the odd-numbered rows of the nearest-class-mean classifier of `labels` from
    /// the one feature `a`, fitted on the even-numbered rows.
    static func thresholdAccuracy(_ a: [Double], _ labels: [Double]) -> Double {
        var sums: [Double: (sum: Double, count: Int)] = [:]
        for r in stride(from: 0, to: a.count, by: 2) { sums[labels[r], default: (0, 0)].sum += a[r]; sums[labels[r], default: (0, 0)].count += 1 }
        // Ties (a constant feature) go to the smallest label, so the result does not depend on hashing.
        let means = sums.map { (label: $0.key, mean: $0.value.sum / Double($0.value.count)) }.sorted { $0.label < $1.label }
        var right = 0, total = 0
        for r in stride(from: 1, to: a.count, by: 2) {
            total += 1
            var best = means[0]
            for m in means.dropFirst() where Swift.abs(a[r] - m.mean) < Swift.abs(a[r] - best.mean) { best = m }
            if best.label == labels[r] { right += 1 }
        }
        return Double(right) / Double(total)
    }
}
