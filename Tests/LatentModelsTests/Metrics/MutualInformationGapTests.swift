import Foundation
import XCTest
import LatentTensor
import LatentModels

final class MutualInformationGapTests: XCTestCase {
    /// Two factors of 4 values each over all 16 combinations, 10 copies each.
    private func factors() -> Tensor {
        var values: [Float] = []
        for _ in 0..<10 { for a in 0..<4 { for b in 0..<4 { values += [Float(a), Float(b)] } } }
        return Tensor(shape: [160, 2], scalars: values)
    }

    func testAxisAlignedCodesScoreOneAndMixedOrNoiseCodesScoreLow() {
        let v = factors()
        let aligned = MutualInformationGap.measure(codes: Tensor.concat([v, Tensor.zeros([160, 1])], axis: 1), factors: v, bins: 4)
        XCTAssertEqual(aligned.score, 1, accuracy: 1e-9)
        XCTAssertEqual(aligned.mutualInformation[0][0], Foundation.log(4), accuracy: 1e-9)

        // Both latents carry the same information on each factor: gaps of 0.
        let a = v.slice(axis: 1, from: 0, to: 1), b = v.slice(axis: 1, from: 1, to: 2)
        let duplicated = MutualInformationGap.measure(codes: Tensor.concat([a, a, b, b], axis: 1), factors: v, bins: 4)
        XCTAssertEqual(duplicated.score, 0, accuracy: 1e-9)

        let noise = MutualInformationGap.measure(codes: Tensor.randn([160, 3], generator: RandomGenerator(seed: 1)), factors: v)
        XCTAssertLessThan(noise.score, 0.2)
    }
}
