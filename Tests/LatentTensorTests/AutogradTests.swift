import XCTest
import LatentTensor

final class AutogradTests: XCTestCase {
    func testChainRuleOnAComposite() {
        // f(x) = Σ sigmoid(W x + b)², checked by finite differences through a small MLP-shaped graph.
        let x = random([4, 3]), w = random([3, 5], seed: 2), b = random([5], seed: 3)
        assertGradients([x, w, b]) { ($0[0].matmul($0[1]) + $0[2]).sigmoid().square().sum() }
    }

    func testGradientsAccumulateAcrossBackwardCalls() {
        let x = Tensor([1, 2, 3]).requiringGrad()
        (x * x).sum().backward()
        XCTAssertEqual(x.grad?.scalars, [2, 4, 6])
        (x * 3).sum().backward()
        XCTAssertEqual(x.grad?.scalars, [5, 7, 9])
        x.zeroGrad()
        XCTAssertNil(x.grad)
    }

    func testReusedInputSumsPaths() {
        let x = Tensor([2]).requiringGrad()
        let y = x * x + x.exp() * x
        y.backward()
        let v: Float = 2
        XCTAssertEqual(x.grad!.item, 2 * v + Foundation.exp(v) * (1 + v), accuracy: 1e-4)
    }

    func testDetachAndNoGrad() {
        let x = Tensor([1, 2]).requiringGrad()
        let y = x.detached() * x
        y.sum().backward()
        XCTAssertEqual(x.grad?.scalars, [1, 2], "the detached factor is a constant")
        let z = withoutGrad { x * 2 }
        XCTAssertFalse(z.requiresGrad)
        XCTAssertFalse(GradMode.isEnabled == false, "no-grad scope must be restored")
        let w = withoutGrad { withGrad { x * 2 } }
        XCTAssertTrue(w.requiresGrad)
    }

    func testVectorJacobianProduct() {
        let x = Tensor([1, 2, 3]).requiringGrad()
        let y = x.square()
        y.backward(Tensor([1, 0, 2]))
        XCTAssertEqual(x.grad?.scalars, [2, 0, 12])
    }

    func testRetainGraphAllowsSecondBackward() {
        let x = Tensor([3]).requiringGrad()
        let y = x.square()
        y.backward(retainGraph: true)
        y.backward()
        XCTAssertEqual(x.grad?.item, 12)
    }

    func testLeavesAndGradShapes() {
        let w = Tensor.zeros([2, 3]).requiringGrad()
        XCTAssertTrue(w.isLeaf)
        let y = w + 1
        XCTAssertFalse(y.isLeaf)
        XCTAssertTrue(y.requiresGrad)
        (y * Tensor([1, 2, 3])).sum().backward()
        XCTAssertEqual(w.grad?.shape, [2, 3])
        XCTAssertEqual(w.grad?.scalars, [1, 2, 3, 1, 2, 3])
        var v = Tensor([1])
        v.requiresGrad = true
        XCTAssertTrue(v.isLeaf && v.requiresGrad)
    }

    func testGradcheckDetectsAWrongGradient() {
        // A "function" whose tape gradient is deliberately wrong (detached factor) must fail the check.
        let r = gradcheck([random([3])]) { $0[0] * $0[0].detached() }
        XCTAssertFalse(r.passed, r.description)
    }
}
