import XCTest
import LatentTensor
@testable import LatentModels

/// The majority-vote disentanglement metric on codes with known structure.
final class FactorVAEScoreTests: XCTestCase {
    private let sizes = [3, 6, 10, 8]

    /// Codes = the factor indices themselves plus small noise, in shuffled order: perfect score.
    func testDisentangledCodesScoreOne() {
        let noise = RandomGenerator(seed: 1)
        let result = FactorVAEScore.measure(factorSizes: sizes, codes: { rows in
            Tensor(shape: [rows.count, 4], scalars: rows.flatMap { r in [r[2], r[0], r[3], r[1]].map { Float($0) + 0.01 * noise.nextUniform() } })
        }, trainVotes: 200, testVotes: 200, batchSize: 32, referenceSize: 1000, generator: RandomGenerator(seed: 2))
        XCTAssertEqual(result.score, 1)
        XCTAssertEqual(result.assignment, [2, 0, 3, 1])
    }

    /// Codes that ignore the factors: the classifier can do no better than its most common vote.
    func testUninformativeCodesScoreNearChance() {
        let noise = RandomGenerator(seed: 3)
        let result = FactorVAEScore.measure(factorSizes: sizes, codes: { rows in
            Tensor(shape: [rows.count, 4], scalars: (0..<(rows.count * 4)).map { _ in noise.nextUniform() })
        }, trainVotes: 400, testVotes: 400, batchSize: 32, referenceSize: 1000, generator: RandomGenerator(seed: 4))
        XCTAssertLessThan(result.score, 0.45, "chance is 1/4 for 4 factors")
    }

    /// Two factors mixed into both of two dimensions are not separable: the score drops.
    func testEntangledCodesScoreLower() {
        let result = FactorVAEScore.measure(factorSizes: sizes, codes: { rows in
            Tensor(shape: [rows.count, 4], scalars: rows.flatMap { r -> [Float] in
                let a = Float(r[2]) / 10, b = Float(r[3]) / 8
                return [a + b, a - b, Float(r[0]), Float(r[1])]
            })
        }, trainVotes: 300, testVotes: 300, batchSize: 32, referenceSize: 1000, generator: RandomGenerator(seed: 5))
        XCTAssertLessThan(result.score, 0.8)
        XCTAssertGreaterThan(result.score, 0.4, "the two clean factors are still found")
    }

    /// Collapsed dimensions (constant codes) never receive votes.
    func testCollapsedDimensionsAreIgnored() {
        let result = FactorVAEScore.measure(factorSizes: sizes, codes: { rows in
            Tensor(shape: [rows.count, 5], scalars: rows.flatMap { r in r.map(Float.init) + [0] })
        }, trainVotes: 100, testVotes: 100, batchSize: 16, referenceSize: 500, generator: RandomGenerator(seed: 6))
        XCTAssertNil(result.assignment[4])
        XCTAssertEqual(result.votes[4].reduce(0, +), 0)
        XCTAssertEqual(result.score, 1)
    }
}
