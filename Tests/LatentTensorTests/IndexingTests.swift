import XCTest
import LatentTensor

final class IndexingTests: XCTestCase {
    let x = Tensor(shape: [3, 4], scalars: (0..<12).map { Float($0) })

    func testIndexSelectAndGather() {
        assertClose(x.indexSelect(axis: 0, indices: [2, 0, 2]), Tensor([[8, 9, 10, 11], [0, 1, 2, 3], [8, 9, 10, 11]]))
        assertClose(x.indexSelect(axis: 1, indices: Tensor([3, -1])), Tensor([[3, 3], [7, 7], [11, 11]]))
        let labels = Tensor(shape: [3, 1], scalars: [1, 3, 0])
        assertClose(x.gather(axis: 1, index: labels), Tensor(shape: [3, 1], scalars: [1, 7, 8]))
    }

    func testWhereCumsumSearchsorted() {
        let mask = Tensor([1, 0, 1])
        assertClose(Tensor.where(mask, Tensor([1, 2, 3]), Tensor(-1)), Tensor([1, -1, 3]))
        assertClose(Tensor([1, 2, 3, 4]).cumsum(axis: 0), Tensor([1, 3, 6, 10]))
        assertClose(x.cumsum(axis: 1, reverse: true).slice(axis: 0, from: 0, to: 1), Tensor([[6, 6, 5, 3]]))
        let edges = Tensor([0, 1, 2, 3])
        assertClose(Tensor.searchsorted(edges, Tensor([-1, 0, 0.5, 1, 3, 4])), Tensor([0, 0, 1, 1, 3, 4]))
        assertClose(Tensor.searchsorted(edges, Tensor([0, 1, 3]), right: true), Tensor([1, 2, 4]))
        let rows = Tensor([[0, 1, 2], [10, 20, 30]])
        assertClose(Tensor.searchsorted(rows, Tensor([[1.5], [5]])), Tensor([[2], [0]]))
    }

    func testComparisons() {
        let a = Tensor([1, 2, 3])
        XCTAssertEqual(a.gt(2).scalars, [0, 0, 1])
        XCTAssertEqual(a.le(Tensor([1, 1, 4])).scalars, [1, 0, 1])
        XCTAssertEqual(a.eq(2).scalars, [0, 1, 0])
        XCTAssertEqual(a.ne(2).scalars, [1, 0, 1])
        XCTAssertEqual(a.lt(2).scalars, [1, 0, 0])
        XCTAssertEqual(a.ge(2).scalars, [0, 1, 1])
    }

    func testGradients() {
        let t = random([3, 4])
        assertGradients([t]) { $0[0].indexSelect(axis: 0, indices: [2, 0, 2]) }
        assertGradients([t]) { $0[0].indexSelect(axis: 1, indices: [1, 1, 3]) }
        assertGradients([t]) { $0[0].gather(axis: 1, index: Tensor(shape: [3, 2], scalars: [0, 3, 1, 1, 2, 0])) }
        assertGradients([t]) { $0[0].gather(axis: 0, index: Tensor(shape: [1, 4], scalars: [2, 0, 1, 2])) }
        assertGradients([t]) { $0[0].cumsum(axis: 1) }
        assertGradients([t]) { $0[0].cumsum(axis: 0, reverse: true) }
        let m = Tensor([1, 0, 0, 1])
        assertGradients([t, random([4], seed: 3)]) { Tensor.where(m, $0[0], $0[1]) }
    }

    func testWhereDoesNotLeakNaNGradients() {
        // log of a negative number is NaN, but its branch is not chosen: the gradient must stay finite.
        let x = Tensor([-1, 2]).requiringGrad()
        let y = Tensor.where(x.gt(0), x.log(), Tensor.zeros([2]))
        y.sum().backward()
        XCTAssertEqual(x.grad?.scalars[1] ?? .nan, 0.5, accuracy: 1e-6)
    }
}
