import XCTest
import LatentTensor

final class ShapeOpsTests: XCTestCase {
    let x = Tensor(shape: [2, 3, 4], scalars: (0..<24).map { Float($0) })

    func testReshapeFlattenSqueeze() {
        XCTAssertEqual(x.reshaped([6, -1]).shape, [6, 4])
        XCTAssertEqual(x.flattened().shape, [2, 12])
        XCTAssertEqual(x.flattened(from: 0).shape, [24])
        XCTAssertEqual(x.unsqueezed(axis: 1).shape, [2, 1, 3, 4])
        XCTAssertEqual(x.unsqueezed(axis: -1).shape, [2, 3, 4, 1])
        XCTAssertEqual(x.unsqueezed(axis: 0).squeezed(axis: 0).shape, [2, 3, 4])
        XCTAssertEqual(Tensor.zeros([1, 3, 1]).squeezed().shape, [3])
        XCTAssertEqual(x.reshaped([4, 6])[3, 5], 23)
    }

    func testPermuteTranspose() {
        let p = x.permuted([2, 0, 1])
        XCTAssertEqual(p.shape, [4, 2, 3])
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { XCTAssertEqual(p[k, i, j], x[i, j, k]) } } }
        let t = Tensor([[1, 2, 3], [4, 5, 6]]).transposed()
        assertClose(t, Tensor([[1, 4], [2, 5], [3, 6]]))
        XCTAssertEqual(x.transposed(0, 2).shape, [4, 3, 2])
    }

    func testExpand() {
        let e = Tensor([1, 2, 3]).expanded(to: [2, 3])
        assertClose(e, Tensor([[1, 2, 3], [1, 2, 3]]))
        let col = Tensor(shape: [2, 1], scalars: [5, 6]).expanded(to: [3, 2, 2])
        XCTAssertEqual(col.scalars, [5, 5, 6, 6, 5, 5, 6, 6, 5, 5, 6, 6])
    }

    func testGradients() {
        let t = random([2, 3, 4])
        assertGradients([t]) { $0[0].reshaped([4, 6]) * 1.5 }
        assertGradients([t]) { $0[0].permuted([1, 2, 0]) }
        assertGradients([t]) { $0[0].transposed(0, 1) }
        assertGradients([t]) { $0[0].flattened() }
        assertGradients([t]) { $0[0].unsqueezed(axis: 2).squeezed(axis: 2) }
        assertGradients([random([3, 1])]) { $0[0].expanded(to: [2, 3, 4]) }
    }

    func testCopyOnWrite() {
        var a = Tensor([1, 2, 3])
        let b = a
        a[0] = 10
        XCTAssertEqual(a.scalars, [10, 2, 3])
        XCTAssertEqual(b.scalars, [1, 2, 3])
        let r = b.reshaped([3, 1])
        var c = r
        c[0, 0] = -1
        XCTAssertEqual(b.scalars, [1, 2, 3], "a reshape shares storage but must not be written through")
    }
}
