import Foundation
import LatentTensor

/// The maximum mean discrepancy between two distributions seen only through samples (Gretton et
/// al., 2012): MMD²_k(P, Q) = E k(x, x') + E k(y, y') − 2 E k(x, y), x, x' ~ P, y, y' ~ Q. It is 0
/// exactly when P = Q for a characteristic kernel; the WAE (Tolstikhin et al., 2018) uses it to pull
/// the aggregate of the codes towards the prior.
public enum MaximumMeanDiscrepancy {
    /// A positive-definite kernel k(a, b) of the squared distance ‖a − b‖².
    public enum Kernel: Equatable, Sendable {
        /// Σ_s C_s / (C_s + ‖a − b‖²) over the scales C_s: the inverse multiquadratic kernel, whose
        /// heavy tails keep gradients alive for codes far from the prior (Tolstikhin et al., 2018).
        case inverseMultiquadratic(scales: [Float])
        /// exp(−‖a − b‖² / (2h²)) with bandwidth h.
        case gaussian(bandwidth: Float)

        /// The WAE paper's kernel for a prior N(0, σ²I) in L dimensions: C = 2·L·σ² times each of
        /// 0.1, 0.2, 0.5, 1, 2, 5, 10 (the authors' code sums over these scales).
        public static func inverseMultiquadratic(latentDimension l: Int, priorVariance: Float = 1) -> Kernel {
            .inverseMultiquadratic(scales: [0.1, 0.2, 0.5, 1, 2, 5, 10].map { $0 * 2 * Float(l) * priorVariance })
        }

        /// k as a function of squared distances `[…]` (elementwise, differentiable).
        func callAsFunction(_ squaredDistance: Tensor) -> Tensor {
            switch self {
            case let .inverseMultiquadratic(scales):
                var sum = (squaredDistance + scales[0]).reciprocal() * scales[0]
                for c in scales.dropFirst() { sum = sum + (squaredDistance + c).reciprocal() * c }
                return sum
            case let .gaussian(h):
                return (squaredDistance * (-0.5 / (h * h))).exp()
            }
        }

        /// k(a, a), the value on the diagonal.
        var atZero: Float {
            switch self {
            case let .inverseMultiquadratic(scales): return Float(scales.count)
            case .gaussian: return 1
            }
        }

        var isValid: Bool {
            switch self {
            case let .inverseMultiquadratic(scales): return !scales.isEmpty && scales.allSatisfy { $0 > 0 && $0.isFinite }
            case let .gaussian(h): return h > 0 && h.isFinite
            }
        }
    }

    /// The unbiased U-statistic estimate of MMD² from samples x `[n, L]` of P and y `[m, L]` of Q
    /// (n, m ≥ 2): the mean of k over all pairs i ≠ j within x and within y, minus twice the mean
    /// over all pairs across. A scalar, differentiable in x and y; its expectation is MMD², so it
    /// can be slightly negative when P = Q.
    public static func unbiased(_ x: Tensor, _ y: Tensor, kernel: Kernel) -> Tensor {
        require(x.rank == 2 && y.rank == 2 && x.shape[1] == y.shape[1] && x.shape[0] >= 2 && y.shape[0] >= 2,
                "MaximumMeanDiscrepancy.unbiased: need samples [n, L] and [m, L] with n, m ≥ 2 and the same L, got \(x.shape) and \(y.shape)")
        require(kernel.isValid, "MaximumMeanDiscrepancy: kernel scales must be positive and finite, got \(kernel)")
        let n = Float(x.shape[0]), m = Float(y.shape[0])
        // Σ_{i≠j} k: the whole sum less the diagonal, whose squared distances are set to exactly 0.
        func within(_ a: Tensor, _ count: Float) -> Tensor {
            let offDiagonal = Tensor.ones([a.shape[0], a.shape[0]]) - Tensor.eye(a.shape[0])
            return (kernel(squaredDistances(a, a) * offDiagonal).sum() - count * kernel.atZero) * (1 / (count * (count - 1)))
        }
        return within(x, n) + within(y, m) - kernel(squaredDistances(x, y)).sum() * (2 / (n * m))
    }

    /// ‖a_i − b_j‖² for a `[n, L]`, b `[m, L]`: `[n, m]`, as ‖a‖² + ‖b‖² − 2 a·b clamped at 0 (one
    /// matrix product instead of an `[n, m, L]` difference tensor).
    static func squaredDistances(_ a: Tensor, _ b: Tensor) -> Tensor {
        let cross = a.matmul(b.transposed())
        return (a.square().sum(axis: 1).unsqueezed(axis: 1) + b.square().sum(axis: 1).unsqueezed(axis: 0) - cross * 2).clamp(min: 0)
    }
}
