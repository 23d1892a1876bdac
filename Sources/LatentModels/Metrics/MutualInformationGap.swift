import Foundation
import LatentTensor

/// The Mutual Information Gap (Chen et al., 2018), a disentanglement score in [0, 1] for models of
/// data with known generative factors (e.g. `Sprites`).
///
/// Each latent code dimension z_j (usually the posterior mean) is discretized into `bins`
/// equal-width bins over its range; for each factor v_k (integer indices) the empirical mutual
/// informations I(z_j; v_k) are computed, and
///
///     MIG = (1/K) Σ_k (I(z_(1); v_k) − I(z_(2); v_k)) / H(v_k),
///
/// where z_(1), z_(2) are the two latents most informative about v_k. 1 means each factor is
/// captured by exactly one latent; 0 means none is, or two latents share it equally. Factors
/// that never vary (H = 0) are skipped. All quantities in nats.
public struct MutualInformationGap {
    /// MIG averaged over the varying factors.
    public var score: Double
    /// The gap (I₁ − I₂)/H per factor (NaN for factors that never vary).
    public var perFactor: [Double]
    /// I(z_j; v_k) as `[factor][latent]` (nats).
    public var mutualInformation: [[Double]]

    /// The score of codes `[N, L]` against factor indices `[N, K]` (non-negative integers as floats).
    public static func measure(codes: Tensor, factors: Tensor, bins: Int = 20) -> MutualInformationGap {
        require(codes.rank == 2 && factors.rank == 2 && codes.shape[0] == factors.shape[0] && codes.shape[0] > 0,
                "MutualInformationGap: need codes [N, L] and factors [N, K] with the same N > 0, got \(codes.shape) and \(factors.shape)")
        require(bins > 1, "MutualInformationGap: bins must be > 1, got \(bins)")
        let n = codes.shape[0], l = codes.shape[1], k = factors.shape[1]
        let z = codes.scalars
        require(z.allSatisfy(\.isFinite), "MutualInformationGap: codes must be finite (NaN or ±∞ found)")
        require(factors.scalars.allSatisfy { $0 >= 0 && $0 < 1e9 && $0 == $0.rounded() },
                "MutualInformationGap: factor indices must be non-negative integers")
        let v = factors.scalars.map { Int($0) }
        let binned: [[Int]] = (0..<l).map { j in
            // In Double: the range of Float codes near ±3e38 would overflow in Float.
            let column = (0..<n).map { Double(z[$0 * l + j]) }
            let lo = column.min()!, hi = column.max()!
            let width = hi > lo ? (hi - lo) / Double(bins) : 1
            return column.map { Swift.min(bins - 1, Int(($0 - lo) / width)) }
        }
        var table: [[Double]] = []
        var perFactor: [Double] = []
        for f in 0..<k {
            let factor = (0..<n).map { v[$0 * k + f] }
            let h = entropy(factor)
            let informations = binned.map { mutualInformation($0, factor) }
            table.append(informations)
            guard h > 1e-12 else { perFactor.append(.nan); continue }
            let sorted = informations.sorted(by: >)
            perFactor.append((sorted[0] - (sorted.count > 1 ? sorted[1] : 0)) / h)
        }
        let valid = perFactor.filter { !$0.isNaN }
        return MutualInformationGap(score: valid.isEmpty ? 0 : valid.reduce(0, +) / Double(valid.count),
                                    perFactor: perFactor, mutualInformation: table)
    }

    /// H(a) of a discrete sample (nats).
    static func entropy(_ a: [Int]) -> Double {
        var counts: [Int: Int] = [:]
        for x in a { counts[x, default: 0] += 1 }
        let n = Double(a.count)
        return counts.values.reduce(0) { $0 - Double($1) / n * Foundation.log(Double($1) / n) }
    }

    /// I(a; b) = H(a) + H(b) − H(a, b) of two paired discrete samples (nats).
    static func mutualInformation(_ a: [Int], _ b: [Int]) -> Double {
        let joint = zip(a, b).map { $0 &* 1_000_003 &+ $1 }
        return Swift.max(0, entropy(a) + entropy(b) - entropy(joint))
    }
}
