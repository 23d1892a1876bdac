import Foundation
import XCTest
import LatentTensor
@testable import LatentModels

/// SAP on codes with known structure.
final class SAPScoreTests: XCTestCase {
    private func factorRows(_ count: Int, seed: UInt64) -> [[Int]] {
        let g = RandomGenerator(seed: seed)
        return (0..<count).map { _ in [g.nextInt(below: 3), g.nextInt(below: 8), g.nextInt(below: 8)] }
    }

    private func table(_ rows: [[Float]]) -> Tensor { Tensor(shape: [rows.count, rows[0].count], scalars: rows.flatMap { $0 }) }

    func testSquaredCorrelationAndThresholdClassifierClosedForms() {
        XCTAssertEqual(SAPScore.squaredCorrelation([1, 2, 3, 4], [2, 4, 6, 8]), 1, accuracy: 1e-12)
        // a = [1, 2, 3, 4], b = [1, 3, 2, 4]: covariance 4, variances 5 ⇒ r² = 0.64.
        XCTAssertEqual(SAPScore.squaredCorrelation([1, 2, 3, 4], [1, 3, 2, 4]), 0.64, accuracy: 1e-12)
        XCTAssertEqual(SAPScore.squaredCorrelation([1, 1, 1, 1], [1, 3, 2, 4]), 0)
        // Class means fitted on rows 0, 2, 4 (0 → 0, 1 → 10, 2 → 20); rows 1, 3, 5 sit at 1, 14, 16:
        // nearest means 0, 10, 20 against labels 0, 1, 1 ⇒ 2 of 3 right.
        XCTAssertEqual(SAPScore.thresholdAccuracy([0, 1, 10, 14, 20, 16], [0, 0, 1, 1, 2, 1]), 2.0 / 3, accuracy: 1e-12)
    }

    func testOneLatentPerFactorScoresHigh() {
        let rows = factorRows(900, seed: 1), noise = RandomGenerator(seed: 2)
        let factors = table(rows.map { $0.map(Float.init) })
        let codes = table(rows.map { r in [r[1], r[0], r[2]].map { Float($0) + 0.05 * noise.nextUniform() } })
        let sap = SAPScore.measure(codes: codes, factors: factors, discrete: [true, false, false])
        XCTAssertEqual(sap.predictability[0][1], 1, "shape is read exactly from its own latent")
        // The other latents know nothing of shape: about a third right.
        XCTAssertEqual(sap.perFactor[0], 2.0 / 3, accuracy: 0.08)
        XCTAssertGreaterThan(sap.perFactor[1], 0.98)
        XCTAssertGreaterThan(sap.perFactor[2], 0.98)
        XCTAssertGreaterThan(sap.score, 0.85)
    }

    func testRandomCodesAndSharedFactorsScoreLow() {
        let rows = factorRows(900, seed: 3)
        let factors = table(rows.map { $0.map(Float.init) })
        let random = SAPScore.measure(codes: Tensor.randn([900, 3], generator: RandomGenerator(seed: 4)), factors: factors,
                                      discrete: [true, false, false])
        XCTAssertLessThan(random.score, 0.05)
        // Factors 1 and 2 rotated into two latents by 45°: each is half-predicted by both, gap ≈ 0.
        let rotated = SAPScore.measure(codes: table(rows.map { r in [Float(r[0]), Float(r[1] + r[2]), Float(r[1] - r[2])] }),
                                       factors: factors, discrete: [true, false, false])
        XCTAssertEqual(rotated.predictability[1][1], 0.5, accuracy: 0.08)
        XCTAssertLessThan(rotated.perFactor[1], 0.1)
        XCTAssertLessThan(rotated.perFactor[2], 0.1)
        XCTAssertGreaterThan(rotated.perFactor[0], 0.5, "shape keeps its own latent")
    }
}
