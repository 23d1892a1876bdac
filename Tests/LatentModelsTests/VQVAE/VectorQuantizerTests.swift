import Foundation
import XCTest
import LatentTensor
@testable import LatentModels

/// Nearest codes by brute force, straight-through and commitment gradients, the EMA update's
/// closed form, dead-code reset, perplexity and usage.
final class VectorQuantizerTests: XCTestCase {
    func testNearestCodesMatchBruteForce() {
        let q = VectorQuantizer(codes: 7, dimension: 3, generator: RandomGenerator(seed: 1))
        q.codebook.value = Tensor.randn([7, 3], generator: RandomGenerator(seed: 2))
        let z = Tensor.randn([40, 3], generator: RandomGenerator(seed: 3))
        let e = q.codebook.value.scalars, v = z.scalars
        func distance(_ i: Int, _ k: Int) -> Float {
            var d: Float = 0
            for j in 0..<3 { d += (v[i * 3 + j] - e[k * 3 + j]) * (v[i * 3 + j] - e[k * 3 + j]) }
            return d
        }
        let expected = (0..<40).map { i in (0..<7).min { distance(i, $0) < distance(i, $1) }! }
        XCTAssertEqual(q.nearest(z), expected)
    }

    func testStraightThroughAndCommitmentGradients() {
        let q = VectorQuantizer(codes: 4, dimension: 2, generator: RandomGenerator(seed: 4))
        q.eval()
        q.codebook.value = Tensor(shape: [4, 2], scalars: [0, 0, 1, 0, 0, 1, 1, 1])
        let z = Tensor(shape: [3, 2], scalars: [0.1, 0.2, 0.9, 0.7, 0.2, 0.8]).requiringGrad()
        let out = q(z, generator: RandomGenerator(seed: 5))
        XCTAssertEqual(out.indices, [0, 3, 2])
        XCTAssertEqual(out.quantized.scalars, [0, 0, 1, 1, 0, 1], "forward: the codes")
        let w = Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        (out.quantized * w).sum().backward()
        XCTAssertEqual(z.grad!.scalars, w.scalars, "backward: the identity")
        // ‖z − e‖² per row, and its gradient 2(z − e).
        XCTAssertTrue(out.commitment.isClose(to: Tensor(shape: [3], scalars: [0.05, 0.1, 0.08]), rtol: 1e-5, atol: 1e-6))
        let z2 = z.detached().requiringGrad()
        q(z2, generator: RandomGenerator(seed: 5)).commitment.sum().backward()
        XCTAssertTrue(z2.grad!.isClose(to: Tensor(shape: [3, 2], scalars: [0.2, 0.4, -0.2, -0.6, 0.4, -0.4]), rtol: 1e-5, atol: 1e-6))
        XCTAssertEqual(q.codebook.value.scalars, [0, 0, 1, 0, 0, 1, 1, 1], "evaluation mode leaves the codebook alone")
    }

    /// One training step from N = 1, m = e: N_k = γ + (1 − γ) n_k, m_k = γ e_k + (1 − γ) Σ z, e_k = m_k / Ñ_k.
    func testEMAUpdateMatchesTheClosedForm() {
        let q = VectorQuantizer(codes: 2, dimension: 1, decay: 0.5, deadThreshold: 0, generator: RandomGenerator(seed: 6))
        q.codebook.value = Tensor(shape: [2, 1], scalars: [0, 10])
        q.embeddingSum.value = q.codebook.value
        let out = q(Tensor(shape: [3, 1], scalars: [1, 2, 9]), generator: RandomGenerator(seed: 7))
        XCTAssertEqual(out.indices, [0, 0, 1])
        let size: [Float] = [0.5 + 0.5 * 2, 0.5 + 0.5 * 1], sum: [Float] = [0.5 * 0 + 0.5 * 3, 0.5 * 10 + 0.5 * 9]
        XCTAssertEqual(q.clusterSize.value.scalars, size)
        XCTAssertEqual(q.embeddingSum.value.scalars, sum)
        let total = size.reduce(0, +), eps: Float = 1e-5
        for k in 0..<2 {
            let smoothed = (size[k] + eps) / (total + 2 * eps) * total
            XCTAssertEqual(q.codebook.value.scalars[k], sum[k] / smoothed, accuracy: 1e-5)
        }
    }

    func testDeadCodesAreResetToBatchVectorsAndPerplexityCountsUsage() {
        let q = VectorQuantizer(codes: 4, dimension: 2, decay: 0.5, deadThreshold: 0.1, generator: RandomGenerator(seed: 8))
        q.codebook.value = Tensor(shape: [4, 2], scalars: [0, 0, 100, 100, 200, 200, 300, 300])
        q.embeddingSum.value = q.codebook.value
        let z = Tensor(shape: [4, 2], scalars: [0.1, 0, -0.1, 0, 0, 0.1, 0, -0.1])
        // Codes 1–3 are never chosen: N halves each step (1, 0.5, 0.25, 0.125, 0.0625 < 0.1 after 4 steps).
        for step in 0..<4 {
            let out = q(z, generator: RandomGenerator(seed: 9 + UInt64(step)))
            XCTAssertEqual(out.perplexity, 1, accuracy: 1e-12, "one code in use")
            XCTAssertEqual(out.usage, 0.25)
        }
        let book = q.codebook.value.scalars, rows = Set(stride(from: 0, to: 8, by: 2).map { [z.scalars[$0], z.scalars[$0 + 1]] })
        for k in 1..<4 { XCTAssertTrue(rows.contains([book[2 * k], book[2 * k + 1]]), "code \(k) reset to a batch vector, got \(book)") }
        XCTAssertEqual(Array(q.clusterSize.value.scalars[1...]), [1, 1, 1])
        // Four codes used once each: perplexity 4.
        q.eval()
        q.codebook.value = Tensor(shape: [4, 2], scalars: [0, 0, 1, 0, 0, 1, 1, 1])
        let spread = q(Tensor(shape: [4, 2], scalars: [0, 0, 1, 0, 0, 1, 1, 1]), generator: RandomGenerator(seed: 13))
        XCTAssertEqual(spread.perplexity, 4, accuracy: 1e-9)
        XCTAssertEqual(spread.usage, 1)
    }
}
