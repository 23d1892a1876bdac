import XCTest
import CLatentKernels
import Foundation

/// Reductions over the middle axis of [outer, n, inner] against naive Double loops.
final class ReduceTests: XCTestCase {
    struct Rng {
        var s: UInt64 = 0x9E37_79B9_7F4A_7C15
        mutating func next() -> Float {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17
            return Float(s >> 40) / Float(1 << 24) * 2 - 1   // uniform in [-1, 1)
        }
    }

    static let shapes: [(Int, Int, Int)] = [
        (1, 1, 1), (3, 5, 1), (2, 31, 1), (2, 32, 1), (2, 33, 1), (4, 1000, 1), (1, 1025, 1), (2, 5000, 1),
        (2, 7, 3), (3, 40, 17), (2, 100, 64), (2, 33, 65), (1, 300, 130), (5, 1, 7), (1, 2, 2),
    ]

    static func index(_ o: Int, _ j: Int, _ i: Int, _ n: Int, _ inner: Int) -> Int { (o * n + j) * inner + i }

    static func reduce(_ f: (UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int, Int, Int) -> Void,
                       _ x: [Float], _ outer: Int, _ n: Int, _ inner: Int) -> [Float] {
        var y = [Float](repeating: .nan, count: outer * inner)
        x.withUnsafeBufferPointer { xb in
            y.withUnsafeMutableBufferPointer { yb in f(xb.baseAddress!, yb.baseAddress!, outer, n, inner) }
        }
        return y
    }

    static func argmax(_ x: [Float], _ outer: Int, _ n: Int, _ inner: Int) -> [Int] {
        var y = [Int](repeating: -1, count: outer * inner)
        x.withUnsafeBufferPointer { xb in
            y.withUnsafeMutableBufferPointer { yb in lk_reduce_argmax(xb.baseAddress!, yb.baseAddress!, outer, n, inner) }
        }
        return y
    }

    static func random(_ count: Int, scale: Float, _ rng: inout Rng) -> [Float] {
        (0..<count).map { _ in rng.next() * scale }
    }

    func testSumMaxMinLogsumexpAgainstNaive() {
        var rng = Rng()
        for (outer, n, inner) in Self.shapes {
            let x = Self.random(outer * n * inner, scale: 10, &rng)
            let sum = Self.reduce(lk_reduce_sum, x, outer, n, inner)
            let mx = Self.reduce(lk_reduce_max, x, outer, n, inner)
            let mn = Self.reduce(lk_reduce_min, x, outer, n, inner)
            let lse = Self.reduce(lk_reduce_logsumexp, x, outer, n, inner)
            for o in 0..<outer {
                for i in 0..<inner {
                    let col = (0..<n).map { Double(x[Self.index(o, $0, i, n, inner)]) }
                    let s = col.reduce(0, +), sa = col.reduce(0) { $0 + abs($1) }
                    let k = o * inner + i
                    let shape = "(\(outer), \(n), \(inner)) at \(k)"
                    XCTAssertEqual(Double(sum[k]), s, accuracy: 16 * Double(Float.ulpOfOne) * sa, "sum \(shape)")
                    XCTAssertEqual(Double(mx[k]), col.max()!, "max \(shape)")
                    XCTAssertEqual(Double(mn[k]), col.min()!, "min \(shape)")
                    let m = col.max()!
                    let ref = m + log(col.reduce(0) { $0 + exp($1 - m) })
                    XCTAssertEqual(Double(lse[k]), ref, accuracy: 4e-6 * max(1, abs(ref)), "logsumexp \(shape)")
                }
            }
        }
    }

    func testSumErrorDoesNotGrowLinearly() {
        let n = 4_000_000
        let x = [Float](repeating: 0.1, count: n)
        let exact = Double(Float(0.1)) * Double(n)
        var naive: Float = 0
        for v in x { naive += v }
        let s = x.withUnsafeBufferPointer { lk_sum($0.baseAddress!, n) }
        XCTAssertLessThan(abs(Double(s) - exact) / exact, 4e-7)
        XCTAssertGreaterThan(abs(Double(naive) - exact) / exact, 1e-3)   // what linear accumulation does
        let y = Self.reduce(lk_reduce_sum, x, 2, n / 2, 1)
        XCTAssertEqual(Double(y[0]), exact / 2, accuracy: exact * 4e-7)
        let z = Self.reduce(lk_reduce_sum, x, 1, n / 4, 4)   // along rows, inner = 4
        XCTAssertEqual(Double(z[3]), exact / 4, accuracy: exact * 4e-7)
    }

    func testDotAndSum() {
        var rng = Rng()
        for n in [0, 1, 7, 31, 32, 33, 1000, 1025, 100_000] {
            let a = Self.random(n, scale: 1, &rng), b = Self.random(n, scale: 1, &rng)
            var d = 0.0, da = 0.0, s = 0.0
            for j in 0..<n { d += Double(a[j]) * Double(b[j]); da += abs(Double(a[j]) * Double(b[j])); s += Double(a[j]) }
            let dot = a.withUnsafeBufferPointer { ab in b.withUnsafeBufferPointer { bb in lk_dot(ab.baseAddress!, bb.baseAddress!, n) } }
            let sum = a.withUnsafeBufferPointer { lk_sum($0.baseAddress!, n) }
            XCTAssertEqual(Double(dot), d, accuracy: 16 * Double(Float.ulpOfOne) * da + 1e-30, "dot n=\(n)")
            XCTAssertEqual(Double(sum), s, accuracy: 16 * Double(Float.ulpOfOne) * Double(n) + 1e-30, "sum n=\(n)")
        }
    }

    func testNaNPropagates() {
        for (outer, n, inner) in [(2, 50, 1), (2, 50, 3), (1, 3000, 1), (1, 40, 70)] {
            var x = [Float](repeating: 1, count: outer * n * inner)
            for p in [0, n / 2, n - 1] {
                var xn = x
                xn[Self.index(0, p, 0, n, inner)] = .nan
                let where_ = "(\(outer), \(n), \(inner)) NaN at row \(p)"
                XCTAssertTrue(Self.reduce(lk_reduce_max, xn, outer, n, inner)[0].isNaN, "max \(where_)")
                XCTAssertTrue(Self.reduce(lk_reduce_min, xn, outer, n, inner)[0].isNaN, "min \(where_)")
                XCTAssertTrue(Self.reduce(lk_reduce_sum, xn, outer, n, inner)[0].isNaN, "sum \(where_)")
                XCTAssertTrue(Self.reduce(lk_reduce_logsumexp, xn, outer, n, inner)[0].isNaN, "logsumexp \(where_)")
                if outer * inner > 1 {
                    XCTAssertEqual(Self.reduce(lk_reduce_max, xn, outer, n, inner)[outer * inner - 1], 1, "untouched slice")
                }
                xn[Self.index(0, n - 1, 0, n, inner)] = .nan   // a later NaN: argmax still names the first
                XCTAssertEqual(Self.argmax(xn, outer, n, inner)[0], p, "argmax \(where_)")
            }
            x[Self.index(0, 3, 0, n, inner)] = 5
            XCTAssertEqual(Self.reduce(lk_reduce_max, x, outer, n, inner)[0], 5)
        }
    }

    func testLogsumexpStability() {
        // ±1000: exp would overflow/underflow without the max shift.
        let x: [Float] = (0..<40).map { $0 % 2 == 0 ? 1000 : -1000 }
        let y = Self.reduce(lk_reduce_logsumexp, x, 1, 40, 1)
        XCTAssertEqual(y[0], 1000 + Float(log(20.0)), accuracy: 1e-3)
        let cols = Self.reduce(lk_reduce_logsumexp, x, 1, 20, 2)   // column 0 all +1000, column 1 all -1000
        XCTAssertEqual(cols[0], 1000 + Float(log(20.0)), accuracy: 1e-3)
        XCTAssertEqual(cols[1], -1000 + Float(log(20.0)), accuracy: 1e-3)
        let neg = [Float](repeating: -.infinity, count: 40)
        XCTAssertEqual(Self.reduce(lk_reduce_logsumexp, neg, 1, 40, 1), [-.infinity])
        XCTAssertEqual(Self.reduce(lk_reduce_logsumexp, neg, 2, 10, 2), [Float](repeating: -.infinity, count: 4))
        var one = neg
        one[17] = 3
        XCTAssertEqual(Self.reduce(lk_reduce_logsumexp, one, 1, 40, 1), [3])
        one[20] = .infinity
        XCTAssertEqual(Self.reduce(lk_reduce_logsumexp, one, 1, 40, 1), [.infinity])
        XCTAssertEqual(Self.reduce(lk_reduce_logsumexp, one, 1, 20, 2), [.infinity, 3])
    }

    func testArgmaxFirstOfTies() {
        var rng = Rng()
        for (outer, n, inner) in Self.shapes where n > 2 {
            var x = Self.random(outer * n * inner, scale: 1, &rng)
            var expected = [Int](repeating: 0, count: outer * inner)
            for o in 0..<outer {
                for i in 0..<inner {
                    let j1 = (o * 7 + i * 3 + 1) % (n - 1), j2 = n - 1 - (i % max(1, n - 1 - j1))
                    x[Self.index(o, j1, i, n, inner)] = 2
                    x[Self.index(o, max(j2, j1 + 1), i, n, inner)] = 2
                    expected[o * inner + i] = j1
                }
            }
            XCTAssertEqual(Self.argmax(x, outer, n, inner), expected, "(\(outer), \(n), \(inner))")
        }
        XCTAssertEqual(Self.argmax([Float](repeating: -.infinity, count: 9), 1, 9, 1), [0])
        XCTAssertEqual(Self.argmax([1, 3, 3, 2, 3], 1, 5, 1), [1])
    }

    func testCountNonFiniteFindsNaNAndInfinitiesAndTheFirstIndex() {
        func count(_ x: [Float]) -> (Int, Int) {
            var first = 0
            let n = x.withUnsafeBufferPointer { lk_count_nonfinite($0.baseAddress, $0.count, &first) }
            return (n, first)
        }
        var x = [Float](repeating: 1, count: 1000)
        XCTAssertTrue(count(x) == (0, -1))
        XCTAssertTrue(count([]) == (0, -1))
        x[700] = .infinity; x[31] = -.nan; x[999] = -.infinity
        x[5] = .greatestFiniteMagnitude; x[6] = .leastNonzeroMagnitude; x[7] = -0.0
        XCTAssertTrue(count(x) == (3, 31), "\(count(x))")
        XCTAssertTrue(count([Float(bitPattern: 0x7fc0_0001)]) == (1, 0), "a NaN payload")
    }

    /// The threaded sum splits outer slices or 64-column strips, each summed as the serial kernel
    /// sums it: bit-identical to lk_reduce_sum for every thread count, above and below the split size.
    func testThreadedSumMatchesSerialBitForBit() {
        var rng = Rng()
        for (outer, n, inner) in [(128, 784, 1), (1, 128, 400), (1, 128, 784), (3, 200, 130), (1, 50_000, 1),
                                  (1, 300, 65), (2, 7, 3), (1, 0, 200)] {
            let x = Self.random(outer * n * inner, scale: 10, &rng)
            let serial = Self.reduce(lk_reduce_sum, x, outer, n, inner)
            for threads: Int32 in [1, 2, 3, 8] {
                let threaded = Self.reduce({ lk_reduce_sum_threads($0, $1, $2, $3, $4, threads) }, x, outer, n, inner)
                XCTAssertEqual(serial, threaded, "(\(outer), \(n), \(inner)) on \(threads) threads")
            }
        }
    }
}
