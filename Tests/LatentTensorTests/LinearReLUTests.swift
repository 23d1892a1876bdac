import XCTest
import LatentTensor

/// linearReLU (the ReLU applied by the product's micro-kernel) against linear(…).relu(): values,
/// gradients by finite differences, and a NaN that must survive.
final class LinearReLUTests: XCTestCase {
    func testSameValuesAsLinearThenReLU() {
        for (rows, inF, outF) in [(128, 784, 40), (37, 9, 50), (3, 20, 7), (1, 5, 2)] {
            let x = random([rows, inF]), w = random([outF, inF], seed: 3), b = random([outF], seed: 5)
            XCTAssertEqual(x.linearReLU(weight: w, bias: b).scalars, x.linear(weight: w, bias: b).relu().scalars, "\(rows)×\(inF)→\(outF)")
            XCTAssertEqual(x.linearReLU(weight: w).scalars, x.linear(weight: w).relu().scalars, "no bias, \(rows)×\(inF)→\(outF)")
        }
    }

    func testGradients() {
        // Inputs away from the kink: check that no pre-activation is within 0.05 of 0.
        let x = awayFromZero([6, 5]), w = random([7, 5], seed: 3), b = random([7], seed: 5)
        XCTAssertTrue(x.linear(weight: w, bias: b).scalars.allSatisfy { Swift.abs($0) > 0.05 })
        assertGradients([x, w, b], epsilon: 1e-3) { $0[0].linearReLU(weight: $0[1], bias: $0[2]) }
        // The same gradients as the unfused chain.
        let fused = gradients(x, w, b) { $0.linearReLU(weight: $1, bias: $2) }
        let plain = gradients(x, w, b) { $0.linear(weight: $1, bias: $2).relu() }
        for (f, p) in zip(fused, plain) { XCTAssertEqual(f.scalars, p.scalars) }
    }

    func testNaNSurvives() {
        let x = Tensor(shape: [1, 2], scalars: [.nan, 1]), w = Tensor(shape: [8, 2], scalars: [Float](repeating: 1, count: 16))
        XCTAssertTrue(x.linearReLU(weight: w).scalars.allSatisfy(\.isNaN))
    }

    /// Gradients of Σ (f(x, w, b) · r) for a fixed random r, with respect to x, w and b.
    func gradients(_ x: Tensor, _ w: Tensor, _ b: Tensor, _ f: (Tensor, Tensor, Tensor) -> Tensor) -> [Tensor] {
        let (xv, wv, bv) = (x.requiringGrad(), w.requiringGrad(), b.requiringGrad())
        let y = f(xv, wv, bv)
        (y * random(y.shape, seed: 9)).sum().backward()
        return [xv.grad!, wv.grad!, bv.grad!]
    }
}
