import XCTest
import LatentTensor

final class SlicingTests: XCTestCase {
    let x = Tensor(shape: [3, 4], scalars: (0..<12).map { Float($0) })

    func testSliceValues() {
        assertClose(x.slice(axis: 1, from: 1, to: 3), Tensor([[1, 2], [5, 6], [9, 10]]))
        assertClose(x.slice(axis: 1, from: 0, to: 4, step: 2), Tensor([[0, 2], [4, 6], [8, 10]]))
        assertClose(x.slice(axis: 0, from: -1, to: 3), Tensor([[8, 9, 10, 11]]))
        assertClose(x[1..<3], Tensor([[4, 5, 6, 7], [8, 9, 10, 11]]))
        XCTAssertEqual(x.slice(axis: 0, from: 2, to: 2).shape, [0, 4])
    }

    func testConcatStackSplit() {
        let a = Tensor([[1, 2]]), b = Tensor([[3, 4], [5, 6]])
        assertClose(Tensor.concat([a, b], axis: 0), Tensor([[1, 2], [3, 4], [5, 6]]))
        assertClose(Tensor.concat([b, b], axis: 1), Tensor([[3, 4, 3, 4], [5, 6, 5, 6]]))
        let s = Tensor.stack([Tensor([1, 2]), Tensor([3, 4])], axis: 1)
        assertClose(s, Tensor([[1, 3], [2, 4]]))
        let parts = x.split(sizes: [1, 3], axis: 1)
        XCTAssertEqual(parts.map(\.shape), [[3, 1], [3, 3]])
        assertClose(parts[1], x.slice(axis: 1, from: 1, to: 4))
        XCTAssertEqual(x.split(count: 3).count, 3)
    }

    func testGradients() {
        let t = random([3, 5])
        assertGradients([t]) { $0[0].slice(axis: 1, from: 1, to: 5, step: 2) }
        assertGradients([t]) { $0[0].slice(axis: 0, from: 1, to: 3) }
        let u = random([3, 2], seed: 9)
        assertGradients([t, u]) { Tensor.concat([$0[0], $0[1], $0[0]], axis: 1) }
        assertGradients([t, t]) { Tensor.stack([$0[0], $0[1]], axis: 2) }
        assertGradients([t]) { let p = $0[0].split(sizes: [2, 3], axis: 1); return p[0].sum() * p[1].sum(axis: 1) }
    }
}
