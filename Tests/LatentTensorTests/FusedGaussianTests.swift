import XCTest
import Foundation
import LatentTensor

/// The fused reparameterized draw and standard-normal KL against the composed ops they replace.
final class FusedGaussianTests: XCTestCase {
    /// Shapes that end inside and on the kernels' 256-element blocks; values bit for bit, gradients close.
    func testMatchTheComposedOps() {
        for shape in [[3, 5], [16, 20], [2, 300]] {
            let mu = random(shape, -2, 2, seed: 21), s = random(shape, -3, 2, seed: 22)
            let eps = random(shape, -2, 2, seed: 23), seed = random(shape, -1, 1, seed: 24)
            let (m1, s1, e1) = (mu.requiringGrad(), s.requiringGrad(), eps.requiringGrad())
            let z = Tensor.reparameterized(loc: m1, logScale: s1, noise: e1)
            let kl = Tensor.standardNormalKL(loc: m1, logScale: s1)
            (z * seed + kl * seed).sum().backward()
            let (m2, s2, e2) = (mu.requiringGrad(), s.requiringGrad(), eps.requiringGrad())
            let zc = m2 + s2.exp() * e2
            let klc = (m2.square() + (s2 * 2).exp() - 1) * 0.5 - s2
            (zc * seed + klc * seed).sum().backward()
            XCTAssertEqual(z.scalars, zc.scalars, "z \(shape)")
            XCTAssertEqual(kl.scalars, klc.scalars, "KL \(shape)")
            assertClose(m1.grad!, m2.grad!, rtol: 1e-6, atol: 1e-6)
            assertClose(s1.grad!, s2.grad!, rtol: 1e-6, atol: 1e-6)
            assertClose(e1.grad!, e2.grad!, rtol: 1e-6, atol: 1e-6)
        }
    }

    /// Closed forms at one element: ∂z/∂s = σε, ∂KL/∂μ = μ, ∂KL/∂s = σ² − 1.
    func testGradientsInClosedForm() {
        let mu = Tensor([0.7]).requiringGrad(), s = Tensor([-0.4]).requiringGrad()
        Tensor.standardNormalKL(loc: mu, logScale: s).sum().backward()
        XCTAssertEqual(Double(mu.grad!.item), 0.7, accuracy: 1e-6)
        XCTAssertEqual(Double(s.grad!.item), Foundation.exp(-0.8) - 1, accuracy: 1e-6)
        let s2 = Tensor([0.3]).requiringGrad()
        Tensor.reparameterized(loc: Tensor([1]), logScale: s2, noise: Tensor([-1.5])).sum().backward()
        XCTAssertEqual(Double(s2.grad!.item), Foundation.exp(0.3) * -1.5, accuracy: 1e-6)
        // KL of N(0, 1) to itself is 0.
        XCTAssertEqual(Tensor.standardNormalKL(loc: Tensor([0]), logScale: Tensor([0])).item, 0)
    }

    func testGradientsAgainstFiniteDifferences() {
        let mu = random([2, 3], -1, 1, seed: 31), s = random([2, 3], -1, 1, seed: 32), eps = random([2, 3], -1, 1, seed: 33)
        assertGradients([mu, s, eps], atol: 2e-3, rtol: 2e-3) { Tensor.reparameterized(loc: $0[0], logScale: $0[1], noise: $0[2]) }
        assertGradients([mu, s], atol: 2e-3, rtol: 2e-3) { Tensor.standardNormalKL(loc: $0[0], logScale: $0[1]) }
    }

    func testBroadcastShapesFallBackToTheComposedOps() {
        let mu = random([4, 3], seed: 41), s = random([3], seed: 42), eps = random([4, 3], seed: 43)
        assertClose(Tensor.reparameterized(loc: mu, logScale: s, noise: eps), mu + s.exp() * eps)
        assertClose(Tensor.standardNormalKL(loc: mu, logScale: s), (mu.square() + (s * 2).exp() - 1) * 0.5 - s)
    }
}
