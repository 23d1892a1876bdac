import XCTest
import Foundation
import LatentTensor

/// The fused Bernoulli-logits log-likelihood against the composed ops it replaces.
final class FusedLossesTests: XCTestCase {
    func testValuesAndGradientsMatchTheComposedOps() {
        let l = random([6, 9], -8, 8, seed: 3), x = random([6, 9], 0, 1, seed: 4)
        let seed = random([6, 9], -1, 1, seed: 5)
        let (lf, xf) = (l.requiringGrad(), x.requiringGrad())
        let fused = Tensor.bernoulliLogProb(logits: lf, xf)
        fused.backward(seed)
        let (lc, xc) = (l.requiringGrad(), x.requiringGrad())
        let composed = xc * lc - lc.softplus()
        composed.backward(seed)
        assertClose(fused, composed, rtol: 1e-6, atol: 1e-6)
        assertClose(lf.grad!, lc.grad!, rtol: 1e-6, atol: 1e-6)
        assertClose(xf.grad!, xc.grad!, rtol: 1e-6, atol: 1e-6)
        // ∂/∂l = x − σ(l) in closed form, at one element.
        let (l0, x0, s0) = (Double(l[2, 3]), Double(x[2, 3]), Double(seed[2, 3]))
        XCTAssertEqual(Double(lf.grad![2, 3]), s0 * (x0 - 1 / (1 + Foundation.exp(-l0))), accuracy: 1e-6)
    }

    func testGradientsAgainstFiniteDifferences() {
        let l = random([3, 5], -3, 3, seed: 8), x = random([3, 5], 0, 1, seed: 9)
        assertGradients([l, x], epsilon: 1e-2, atol: 2e-3, rtol: 2e-3) { Tensor.bernoulliLogProb(logits: $0[0], $0[1]) }
        // Only the logits differentiated: x as plain data.
        assertGradients([l, x], wrt: [0]) { Tensor.bernoulliLogProb(logits: $0[0], $0[1]) }
    }

    func testBroadcastShapesFallBackToTheComposedOps() {
        let l = random([4, 3], -2, 2, seed: 1).requiringGrad(), x = random([3], 0, 1, seed: 2)
        let y = Tensor.bernoulliLogProb(logits: l, x)
        XCTAssertEqual(y.shape, [4, 3])
        assertClose(y, x * l - l.softplus())
        y.sum().backward()
        assertClose(l.grad!, x.expanded(to: [4, 3]) - l.sigmoid())
    }

    /// A batch of 128 MNIST-sized rows is split over the pool: the one-thread bits, values and gradients.
    func testTwoThreadsGiveTheOneThreadBits() {
        let l = random([128, 784], -6, 6, seed: 12), x = random([128, 784], 0, 1, seed: 13)
        func run(_ threads: Int) -> [[Float]] {
            let saved = Threads.count
            Threads.count = threads
            defer { Threads.count = saved }
            let lr = l.requiringGrad()
            let y = Tensor.bernoulliLogProb(logits: lr, x)
            y.sum().backward()
            return [y.scalars, lr.grad!.scalars]
        }
        XCTAssertEqual(run(1), run(2))
    }
}
