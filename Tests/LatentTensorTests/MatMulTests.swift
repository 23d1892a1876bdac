import XCTest
import LatentTensor

final class MatMulTests: XCTestCase {
    /// Naive triple loop in Double.
    func reference(_ a: Tensor, _ b: Tensor) -> Tensor {
        let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
        let (x, y) = (a.scalars, b.scalars)
        var out = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n {
            var s = 0.0
            for p in 0..<k { s += Double(x[i * k + p]) * Double(y[p * n + j]) }
            out[i * n + j] = Float(s)
        } }
        return Tensor(shape: [m, n], scalars: out)
    }

    func testValuesAcrossShapes() {
        for (m, k, n) in [(1, 1, 1), (3, 5, 2), (7, 13, 33), (17, 64, 9), (65, 40, 70), (128, 100, 50)] {
            let a = random([m, k], seed: UInt64(m)), b = random([k, n], seed: UInt64(n + 100))
            assertClose(a.matmul(b), reference(a, b), rtol: 1e-4, atol: 1e-4)
        }
    }

    func testVectorAndBatchedCases() {
        let a = random([4, 3]), v = random([3], seed: 2)
        XCTAssertEqual(a.matmul(v).shape, [4])
        XCTAssertEqual(v.matmul(a.transposed()).shape, [4])
        XCTAssertEqual(v.matmul(v).shape, [])
        let b = random([2, 1, 4, 3], seed: 3), c = random([5, 3, 6], seed: 4)
        let r = b.matmul(c)
        XCTAssertEqual(r.shape, [2, 5, 4, 6])
        let slice = r.slice(axis: 0, from: 1, to: 2).slice(axis: 1, from: 3, to: 4).reshaped([4, 6])
        let expected = reference(b.slice(axis: 0, from: 1, to: 2).reshaped([4, 3]), c.slice(axis: 0, from: 3, to: 4).reshaped([3, 6]))
        assertClose(slice, expected, rtol: 1e-5, atol: 1e-5)
    }

    func testGradients() {
        assertGradients([random([3, 4]), random([4, 5], seed: 2)]) { $0[0].matmul($0[1]) }
        assertGradients([random([2, 3, 4]), random([4, 2], seed: 2)]) { $0[0].matmul($0[1]) }
        assertGradients([random([2, 1, 3, 4]), random([3, 4, 2], seed: 2)]) { $0[0].matmul($0[1]) }
        assertGradients([random([4]), random([4, 3], seed: 2)]) { $0[0].matmul($0[1]) }
    }

    func testLargeProductThreadedMatchesSingleThread() {
        let a = random([96, 200]), b = random([200, 80], seed: 5)
        let saved = Threads.count
        Threads.count = 1
        let one = a.matmul(b)
        Threads.count = 2
        let two = a.matmul(b)
        Threads.count = saved
        assertClose(one, two, rtol: 1e-6, atol: 1e-6)
        assertClose(one, reference(a, b), rtol: 1e-4, atol: 1e-4)
    }
}

final class LinearOpTests: XCTestCase {
    func testMatchesMatmulFormulation() {
        let x = random([5, 3]), w = random([4, 3], seed: 2), b = random([4], seed: 3)
        assertClose(x.linear(weight: w, bias: b), x.matmul(w.transposed()) + b, rtol: 1e-5, atol: 1e-6)
        XCTAssertEqual(random([2, 3, 3]).linear(weight: w).shape, [2, 3, 4])
        // Hand-computed: [1, 2]·[[1, 0], [1, 1]]ᵀ + [10, 20] = [11, 23].
        XCTAssertEqual(Tensor([[1, 2]]).linear(weight: Tensor([[1, 0], [1, 1]]), bias: Tensor([10, 20])).scalars, [11, 23])
    }

    func testGradients() {
        let x = random([5, 3]), w = random([4, 3], seed: 2), b = random([4], seed: 3)
        assertGradients([x, w, b]) { $0[0].linear(weight: $0[1], bias: $0[2]) }
        assertGradients([random([2, 3, 3]), w]) { $0[0].linear(weight: $0[1]) }
        assertGradients([x, w, b], wrt: [1, 2]) { $0[0].linear(weight: $0[1], bias: $0[2]).tanh() }
    }
}
