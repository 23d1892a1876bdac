import Foundation
import XCTest
import LatentTensor
@testable import LatentModels

/// The autoregressive code prior: the order is respected, probabilities sum to one by brute
/// force, and draws follow the model.
final class CodePriorTests: XCTestCase {
    func testLogitsOfPositionMIgnoreCodesFromMOn() {
        let prior = CodePrior(positions: 4, codes: 3, hidden: [12], generator: RandomGenerator(seed: 1))
        let a = prior.logits([[0, 1, 2, 0]]).scalars, b = prior.logits([[0, 1, 0, 2]]).scalars
        // Positions 0–2 see only c₀, c₁ (and c₂ for position 3): changing c₂ and c₃ moves position 3 alone.
        XCTAssertEqual(Array(a[0..<9]), Array(b[0..<9]))
        XCTAssertNotEqual(Array(a[9..<12]), Array(b[9..<12]))
        let c = prior.logits([[2, 1, 2, 0]]).scalars
        XCTAssertEqual(Array(a[0..<3]), Array(c[0..<3]), "position 0 is unconditional")
    }

    func testProbabilitiesOfAllCodeRowsSumToOne() {
        let prior = CodePrior(positions: 3, codes: 3, hidden: [8, 8], generator: RandomGenerator(seed: 2))
        let rows = (0..<27).map { [$0 / 9, ($0 / 3) % 3, $0 % 3] }
        let total = prior.logProb(rows).exp().sum().item
        XCTAssertEqual(Double(total), 1, accuracy: 1e-5)
    }

    func testDrawsFollowTheModelsProbabilities() {
        let prior = CodePrior(positions: 2, codes: 3, hidden: [6], generator: RandomGenerator(seed: 3))
        let rows = (0..<9).map { [$0 / 3, $0 % 3] }
        let p = prior.logProb(rows).exp().scalars
        let draws = prior.sample(20_000, generator: RandomGenerator(seed: 4))
        for (i, row) in rows.enumerated() {
            let frequency = Double(draws.filter { $0 == row }.count) / 20_000
            XCTAssertEqual(frequency, Double(p[i]), accuracy: 0.015, "row \(row)")
        }
    }
}
