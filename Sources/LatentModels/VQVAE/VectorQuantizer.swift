import Foundation
import LatentTensor
import LatentNN

/// The vector quantizer of the VQ-VAE (van den Oord et al., 2017) with exponential-moving-average
/// codebook updates (their appendix A.1) and dead-code reset.
///
/// Each input vector z `[D]` is replaced by its nearest code e_k of a codebook `[K, D]`
/// (squared Euclidean distance). The decoder sees the straight-through value z + sg(e_k − z):
/// forward it is e_k, backward its gradient passes to z unchanged. The encoder is pulled towards
/// its codes by the commitment loss ‖z − sg(e_k)‖² (summed over D); the codes themselves are not
/// trained by gradients but, in training mode, by the EMA of the vectors assigned to them:
///
///     N_k ← γ N_k + (1 − γ) n_k,   m_k ← γ m_k + (1 − γ) Σ_{i → k} z_i,
///     e_k = m_k / Ñ_k,   Ñ_k = (N_k + ε) / (Σ_j N_j + K ε) · Σ_j N_j   (Laplace smoothing),
///
/// with n_k the batch count of code k. A code whose EMA count N_k falls below `deadThreshold`
/// is reset to a random input vector of the batch (drawn from the caller's generator), with
/// N_k = 1 — so no code stays unused for long.
public final class VectorQuantizer: Module {
    /// Codes K.
    public let codeCount: Int
    /// Code dimension D.
    public let dimension: Int
    /// The codebook e `[K, D]` (EMA-updated, not a gradient-trained parameter).
    public let codebook: Buffer
    /// EMA counts N `[K]`.
    public let clusterSize: Buffer
    /// EMA sums m `[K, D]`.
    public let embeddingSum: Buffer
    /// γ of the moving averages.
    public let decay: Float
    /// N_k below which a code counts as dead and is reset.
    public let deadThreshold: Float
    /// ε of the Laplace smoothing.
    public let epsilon: Float = 1e-5

    /// What one quantization returns.
    public struct Output {
        /// z + sg(e − z), `[N, D]`: the codes forward, identity gradient backward.
        public var quantized: Tensor
        /// The chosen code of every row.
        public var indices: [Int]
        /// Σ_D ‖z − sg(e)‖² per row, `[N]` (differentiable in z).
        public var commitment: Tensor
        /// exp(entropy) of the batch's code frequencies: K when all codes are used equally, 1 for one code.
        public var perplexity: Double
        /// The fraction of the K codes used at least once in the batch.
        public var usage: Double
    }

    /// A quantizer of `codes` codes of `dimension` values, the codebook drawn uniformly in ±1/K
    /// (Sonnet's default) with `generator`; N starts at 1 and m at the codebook, so e = m/N.
    public init(codes: Int, dimension: Int, decay: Float = 0.99, deadThreshold: Float = 1e-2, generator: RandomGenerator) {
        require(codes > 1 && dimension > 0, "VectorQuantizer: need ≥ 2 codes and dimension ≥ 1, got \(codes), \(dimension)")
        require(decay > 0 && decay < 1 && deadThreshold >= 0, "VectorQuantizer: need 0 < decay < 1 and deadThreshold ≥ 0, got \(decay), \(deadThreshold)")
        codeCount = codes
        self.dimension = dimension
        self.decay = decay
        self.deadThreshold = deadThreshold
        let bound = 1 / Float(codes)
        let initial = Tensor.uniform([codes, dimension], low: -bound, high: bound, generator: generator)
        codebook = Buffer(initial)
        clusterSize = Buffer(Tensor.ones([codes]))
        embeddingSum = Buffer(initial)
    }

    /// The nearest code of every row of z `[N, D]` (ties: the lowest index).
    public func nearest(_ z: Tensor) -> [Int] {
        require(z.rank == 2 && z.shape[1] == dimension, "VectorQuantizer: input must be [N, \(dimension)], got \(z.shape)")
        let e = codebook.value
        // ‖z‖² is the same for every code of a row: argmin of ‖e‖² − 2 z·e.
        let scores = withoutGrad { e.square().sum(axis: 1).unsqueezed(axis: 0) - z.detached().matmul(e.transposed()) * 2 }
        let k = codeCount, s = scores.scalars
        return (0..<z.shape[0]).map { i in
            var best = 0
            for j in 1..<k where s[i * k + j] < s[i * k + best] { best = j }
            return best
        }
    }

    /// Quantizes z `[N, D]`; in training mode also updates the codebook (EMA, then dead-code
    /// reset drawing from `generator`).
    public func callAsFunction(_ z: Tensor, generator: RandomGenerator) -> Output {
        let indices = nearest(z)
        let codes = codebook.value.indexSelect(axis: 0, indices: indices)
        let quantized = z + (codes - z).detached()
        let commitment = (z - codes).square().sum(axis: 1)
        var counts = [Int](repeating: 0, count: codeCount)
        for i in indices { counts[i] += 1 }
        let n = Double(indices.count)
        let entropy = counts.reduce(0.0) { $1 > 0 ? $0 - Double($1) / n * Foundation.log(Double($1) / n) : $0 }
        if isTraining { update(z.detached(), indices: indices, counts: counts, generator: generator) }
        return Output(quantized: quantized, indices: indices, commitment: commitment, perplexity: Foundation.exp(entropy),
                      usage: Double(counts.filter { $0 > 0 }.count) / Double(codeCount))
    }

    /// One EMA step of the codebook towards the vectors assigned to each code, then dead-code reset.
    func update(_ z: Tensor, indices: [Int], counts: [Int], generator: RandomGenerator) {
        let d = dimension, zs = z.scalars
        var size = clusterSize.value.scalars, sum = embeddingSum.value.scalars
        var batchSum = [Float](repeating: 0, count: codeCount * d)
        for (row, k) in indices.enumerated() { for j in 0..<d { batchSum[k * d + j] += zs[row * d + j] } }
        for k in 0..<codeCount {
            size[k] = decay * size[k] + (1 - decay) * Float(counts[k])
            for j in 0..<d { sum[k * d + j] = decay * sum[k * d + j] + (1 - decay) * batchSum[k * d + j] }
        }
        let total = size.reduce(0, +)
        var book = [Float](repeating: 0, count: codeCount * d)
        for k in 0..<codeCount {
            let smoothed = (size[k] + epsilon) / (total + Float(codeCount) * epsilon) * total
            for j in 0..<d { book[k * d + j] = sum[k * d + j] / smoothed }
        }
        for k in 0..<codeCount where size[k] < deadThreshold {
            let row = generator.nextInt(below: indices.count)
            for j in 0..<d { book[k * d + j] = zs[row * d + j]; sum[k * d + j] = zs[row * d + j] }
            size[k] = 1
        }
        clusterSize.value = Tensor(shape: [codeCount], scalars: size)
        embeddingSum.value = Tensor(shape: [codeCount, d], scalars: sum)
        codebook.value = Tensor(shape: [codeCount, d], scalars: book)
    }
}
