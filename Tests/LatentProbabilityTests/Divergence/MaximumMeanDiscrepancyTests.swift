import Foundation
import XCTest
import LatentTensor
@testable import LatentProbability

/// The unbiased MMD² estimator against brute force, a closed form and its own expectation.
final class MaximumMeanDiscrepancyTests: XCTestCase {
    private func rows(_ t: Tensor) -> [[Double]] {
        let l = t.shape[1]
        return (0..<t.shape[0]).map { i in (0..<l).map { Double(t.scalars[i * l + $0]) } }
    }

    func testUnbiasedEstimateMatchesBruteForceForBothKernels() {
        let x = Tensor.randn([5, 3], generator: RandomGenerator(seed: 1)), y = Tensor.randn([4, 3], generator: RandomGenerator(seed: 2)) + 0.5
        let a = rows(x), b = rows(y)
        func distance(_ p: [Double], _ q: [Double]) -> Double { zip(p, q).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
        for (kernel, k) in [(MaximumMeanDiscrepancy.Kernel.inverseMultiquadratic(latentDimension: 3),
                             { (d: Double) in [0.1, 0.2, 0.5, 1, 2, 5, 10].reduce(0.0) { $0 + 6 * $1 / (6 * $1 + d) } }),
                            (.gaussian(bandwidth: 0.7), { (d: Double) in Foundation.exp(-d / (2 * 0.49)) })] {
            var xx = 0.0, yy = 0.0, xy = 0.0
            for i in 0..<5 { for j in 0..<5 where i != j { xx += k(distance(a[i], a[j])) } }
            for i in 0..<4 { for j in 0..<4 where i != j { yy += k(distance(b[i], b[j])) } }
            for i in 0..<5 { for j in 0..<4 { xy += k(distance(a[i], b[j])) } }
            let expected = xx / 20 + yy / 12 - 2 * xy / 20
            XCTAssertEqual(Double(MaximumMeanDiscrepancy.unbiased(x, y, kernel: kernel).item), expected, accuracy: 1e-4, "\(kernel)")
        }
    }

    /// N(0, I) against N(Δ, I) in 2-D with a Gaussian kernel of bandwidth h:
    /// MMD² = 2 (h² / (h² + 2))^{d/2} (1 − exp(−‖Δ‖² / (2(h² + 2)))) = (2/3)(1 − e^{−1/6}) for h = 1, ‖Δ‖ = 1.
    func testShiftedGaussiansMatchTheClosedForm() {
        let closedForm = 2.0 / 3 * (1 - Foundation.exp(-1.0 / 6))
        let x = Tensor.randn([1500, 2], generator: RandomGenerator(seed: 3))
        let y = Tensor.randn([1500, 2], generator: RandomGenerator(seed: 4)) + Tensor(shape: [1, 2], scalars: [1, 0])
        XCTAssertEqual(Double(MaximumMeanDiscrepancy.unbiased(x, y, kernel: .gaussian(bandwidth: 1)).item), closedForm, accuracy: 0.01)
    }

    /// Two independent samples of one law: estimates scatter around 0 on both sides.
    func testSameDistributionAveragesToZero() {
        let estimates = (0..<30).map { s -> Double in
            let x = Tensor.randn([64, 4], generator: RandomGenerator(seed: 100 + UInt64(s)))
            let y = Tensor.randn([64, 4], generator: RandomGenerator(seed: 200 + UInt64(s)))
            return Double(MaximumMeanDiscrepancy.unbiased(x, y, kernel: .inverseMultiquadratic(latentDimension: 4)).item)
        }
        let mean = estimates.reduce(0, +) / 30
        let se = (estimates.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 29 / 30).squareRoot()
        XCTAssertLessThan(Swift.abs(mean), 3 * se + 1e-6, "mean \(mean), s.e. \(se)")
        XCTAssertTrue(estimates.contains { $0 < 0 }, "an unbiased estimate of 0 must sometimes be negative")
        // A real shift is far above that noise.
        let shifted = MaximumMeanDiscrepancy.unbiased(Tensor.randn([64, 4], generator: RandomGenerator(seed: 5)) + 1,
                                                      Tensor.randn([64, 4], generator: RandomGenerator(seed: 6)),
                                                      kernel: .inverseMultiquadratic(latentDimension: 4))
        XCTAssertGreaterThan(Double(shifted.item), mean + 10 * se)
    }

    func testGradientsMatchFiniteDifferences() {
        let x = Tensor.randn([6, 2], generator: RandomGenerator(seed: 7)), y = Tensor.randn([5, 2], generator: RandomGenerator(seed: 8))
        let check = gradcheck([x, y], epsilon: 1e-2, atol: 2e-3, rtol: 2e-2) {
            MaximumMeanDiscrepancy.unbiased($0[0], $0[1], kernel: .inverseMultiquadratic(latentDimension: 2)).reshaped([1])
        }
        XCTAssertTrue(check.passed, "\(check)")
    }
}
