import Foundation
import XCTest
import LatentTensor
@testable import LatentModels

/// DCI on codes with known structure, and its Lasso against closed forms.
final class DCIScoreTests: XCTestCase {
    /// `count` rows of four independent uniform factors of 8 values each.
    private func factorRows(_ count: Int, seed: UInt64) -> [[Int]] {
        let g = RandomGenerator(seed: seed)
        return (0..<count).map { _ in (0..<4).map { _ in g.nextInt(below: 8) } }
    }

    private func table(_ rows: [[Float]]) -> Tensor { Tensor(shape: [rows.count, rows[0].count], scalars: rows.flatMap { $0 }) }

    func testLassoMatchesSoftThresholdOnOrthogonalDesignAndLeastSquaresWithoutPenalty() {
        let orthogonal = LassoRegression(gram: [1, 0, 0, 1], correlation: [0.5, -0.004], alpha: 0.01)
        XCTAssertEqual(orthogonal.weights[0], 0.49, accuracy: 1e-12)
        XCTAssertEqual(orthogonal.weights[1], 0, "|c| < α is thresholded to zero")
        // α = 0: the normal equations G w = c; G = [[2, 1], [1, 3]], c = [1, 2] ⇒ w = [1/5, 3/5].
        let ols = LassoRegression(gram: [2, 1, 1, 3], correlation: [1, 2], alpha: 0)
        XCTAssertEqual(ols.weights[0], 0.2, accuracy: 1e-9)
        XCTAssertEqual(ols.weights[1], 0.6, accuracy: 1e-9)
    }

    func testNormalizedEntropy() {
        XCTAssertEqual(DCIScore.normalizedEntropy([1, 1, 1, 1]), 1, accuracy: 1e-12)
        XCTAssertEqual(DCIScore.normalizedEntropy([3, 0, 0, 0]), 0, accuracy: 1e-12)
        XCTAssertEqual(DCIScore.normalizedEntropy([1, 1, 0, 0]), 0.5, accuracy: 1e-12)
    }

    func testOneLatentPerFactorScoresOne() {
        let rows = factorRows(800, seed: 1), noise = RandomGenerator(seed: 2)
        let factors = table(rows.map { $0.map(Float.init) })
        // Latents in shuffled order plus a collapsed (constant) latent.
        let codes = table(rows.map { r in [r[2], r[0], r[3], r[1]].map { Float($0) + 0.05 * noise.nextUniform() } + [0] })
        let dci = DCIScore.measure(codes: codes, factors: factors)
        XCTAssertGreaterThan(dci.disentanglement, 0.97)
        XCTAssertGreaterThan(dci.completeness, 0.97)
        XCTAssertGreaterThan(dci.informativeness, 0.97)
        XCTAssertEqual(dci.importance[4], [0, 0, 0, 0], "the constant latent has no importance")
        XCTAssertGreaterThan(dci.importance[0][2], 0.9)
    }

    func testRandomCodesScoreLow() {
        let rows = factorRows(800, seed: 3), noise = RandomGenerator(seed: 4)
        let dci = DCIScore.measure(codes: Tensor.randn([800, 4], generator: noise), factors: table(rows.map { $0.map(Float.init) }))
        XCTAssertLessThan(dci.informativeness, 0.05)
        XCTAssertLessThan(dci.disentanglement, 0.5)
        XCTAssertLessThan(dci.completeness, 0.5)
    }

    /// z₁ = a + b, z₂ = a − b (a, b standardized), z₃ = c, z₄ = d: on standardized codes
    /// a = (z₁' + z₂')/√2, so latents 1 and 2 each carry importance 1/√2 on two of four factors
    /// (D_j = 1 − log 2 / log 4 = ½, total weight √2) and latents 3 and 4 importance 1 on one
    /// (D_j = 1) ⇒ D = (√2·½ + 2)/(2√2 + 2) = 1/√2, and C likewise; the codes stay fully informative.
    func testRotatedPairScoresInBetween() {
        let rows = factorRows(1600, seed: 5)
        let mean: Float = 3.5, scale = Float(63.0 / 12).squareRoot()
        let codes = table(rows.map { r in
            let s = r.map { (Float($0) - mean) / scale }
            return [s[0] + s[1], s[0] - s[1], s[2], s[3]]
        })
        let dci = DCIScore.measure(codes: codes, factors: table(rows.map { $0.map(Float.init) }))
        XCTAssertEqual(dci.disentanglement, 0.5.squareRoot(), accuracy: 0.01)
        XCTAssertEqual(dci.completeness, 0.5.squareRoot(), accuracy: 0.01)
        XCTAssertGreaterThan(dci.informativeness, 0.97)
    }
}
