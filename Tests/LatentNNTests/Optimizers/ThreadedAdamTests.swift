import XCTest
import Foundation
import LatentTensor
import LatentNN

/// Adam's update of a large parameter is split over the pool's threads: the iterates must be the
/// one-thread bits, and the published update rule (computed here in Double).
final class ThreadedAdamTests: XCTestCase {
    /// 6 steps of Adam on f(p) = ½ Σ aᵢ pᵢ² for a parameter of `count` elements on `threads` threads.
    private func run(threads: Int, count: Int) -> [Float] {
        let saved = Threads.count
        Threads.count = threads
        defer { Threads.count = saved }
        let p = Parameter(Tensor((0..<count).map { Float($0 % 7) - 3 }))
        let coeff = Tensor((0..<count).map { Float($0 % 5 + 1) / 2 })
        let opt = Adam([("p", p)], learningRate: 0.1, weightDecay: 0.01)
        for _ in 0..<6 {
            opt.zeroGrad()
            (p.value.square() * coeff * 0.5).sum().backward()
            opt.step()
        }
        return p.value.scalars
    }

    func testTwoThreadsGiveTheOneThreadBitsAndTheReference() {
        let count = 40_000  // ten chunks of Adam's split at the default grain
        let one = run(threads: 1, count: count), two = run(threads: 2, count: count)
        XCTAssertEqual(one, two)
        for i in [0, 1, 2, 3, 4, 5, 6, 12_345, count - 1] {
            var p = Double(i % 7) - 3, m = 0.0, v = 0.0
            let a = Double(i % 5 + 1) / 2
            for t in 1...6 {
                let g = a * p + 0.01 * p
                m = 0.9 * m + 0.1 * g
                v = 0.999 * v + 0.001 * g * g
                let mHat = m / (1 - pow(0.9, Double(t))), vHat = v / (1 - pow(0.999, Double(t)))
                p -= 0.1 * mHat / (vHat.squareRoot() + 1e-8)
            }
            XCTAssertEqual(Double(two[i]), p, accuracy: 1e-5 * max(1, abs(p)), "element \(i)")
        }
    }
}
