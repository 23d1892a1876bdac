import XCTest
import CLatentKernels
import Foundation

/// Checks each vmath function against Foundation's Double functions over a dense sweep of inputs
/// (bit patterns spread over the whole float range, a fine grid over the interesting range, and
/// edge values), with the error bound stated beside the function in vmath_body.h, and checks the
/// special values. These run on whichever ISA path the machine selects; the C harness checks every
/// path over all 2^32 inputs.
final class VMathTests: XCTestCase {
    typealias Kernel = (UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int) -> Void

    static let edges: [Float] = [
        0, -0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude, -.leastNormalMagnitude,
        1e-30, -1e-30, 1e-8, -1e-8, 0x1p-24, -0x1p-24, 0.5, -0.5, 1, -1, 2, -2, 88.72, 88.73, -87.3, -103.9,
        -104, 1e4, -1e4, 1e30, -1e30, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
        .infinity, -.infinity, .nan,
    ]

    /// About 330k inputs: every 16411th bit pattern (all signs and exponents, incl. NaNs and
    /// denormals), a uniform grid on [lo, hi], and the edge values.
    static func sweep(_ lo: Float, _ hi: Float) -> [Float] {
        var xs: [Float] = []
        xs.reserveCapacity(330_000)
        var bits: UInt64 = 0
        while bits < (1 << 32) {
            xs.append(Float(bitPattern: UInt32(bits)))
            bits += 16411
        }
        let m = 67_000
        for i in 0...m { xs.append(lo + (hi - lo) * Float(i) / Float(m)) }
        xs.append(contentsOf: edges)
        return xs
    }

    static func apply(_ f: Kernel, _ xs: [Float]) -> [Float] {
        var ys = [Float](repeating: .nan, count: xs.count)
        xs.withUnsafeBufferPointer { x in
            ys.withUnsafeMutableBufferPointer { y in f(x.baseAddress!, y.baseAddress!, xs.count) }
        }
        return ys
    }

    /// |y − r| in units of the float ulp at r (2^-149 for denormals). A result that rounds to
    /// ±inf must be ±inf; NaN must match NaN; an infinite r must be met exactly.
    static func ulpError(_ y: Float, _ r: Double) -> Double {
        if r.isNaN { return y.isNaN ? 0 : .infinity }
        if r.isInfinite { return Double(y) == r ? 0 : .infinity }
        if y.isNaN { return .infinity }
        if Float(r).isInfinite && y == Float(r) { return 0 }
        let yd = y.isInfinite ? (y > 0 ? 0x1p128 : -0x1p128) : Double(y)
        let e = max(Int(r.magnitude.exponent), -126)
        return abs(yd - r) / Double(sign: .plus, exponent: e - 23, significand: 1)
    }

    /// Max ulp error of f against ref over the sweep; fails at the first input beyond maxUlp.
    func checkUlp(_ name: String, _ f: Kernel, _ ref: (Double) -> Double, maxUlp: Double,
                  lo: Float, hi: Float, file: StaticString = #filePath, line: UInt = #line) {
        let xs = Self.sweep(lo, hi)
        let ys = Self.apply(f, xs)
        var worst = 0.0
        for (x, y) in zip(xs, ys) {
            let err = Self.ulpError(y, ref(Double(x)))
            if err > maxUlp {
                XCTFail("\(name)(\(x)) = \(y), expected \(ref(Double(x))) (\(err) ulp > \(maxUlp))",
                        file: file, line: line)
                return
            }
            worst = max(worst, err)
        }
        XCTAssertGreaterThan(worst, 0.0, "\(name): sweep compared nothing", file: file, line: line)
    }

    static func one(_ f: Kernel, _ x: Float) -> Float { apply(f, [x])[0] }

    static func sigmoidRef(_ x: Double) -> Double {
        if x >= 0 { return 1 / (1 + exp(-x)) }
        let e = exp(x)
        return e / (1 + e)
    }

    static func softplusRef(_ x: Double) -> Double { x > 0 ? x + log1p(exp(-x)) : log1p(exp(x)) }

    func testExp() {
        checkUlp("exp", lk_vexp, { exp($0) }, maxUlp: 1.5, lo: -104, hi: 89)
        let f: Kernel = lk_vexp
        XCTAssertEqual(Self.one(f, 0), 1)
        XCTAssertEqual(Self.one(f, .infinity), .infinity)
        XCTAssertEqual(Self.one(f, -.infinity), 0)
        XCTAssertEqual(Self.one(f, 89), .infinity)
        XCTAssertEqual(Self.one(f, -105), 0)
        XCTAssertTrue(Self.one(f, 88.7).isFinite)
        XCTAssertGreaterThan(Self.one(f, -100), 0)   // gradual underflow, not flushed
        XCTAssertTrue(Self.one(f, .nan).isNaN)
    }

    func testLog() {
        checkUlp("log", lk_vlog, { log($0) }, maxUlp: 1.5, lo: 0, hi: 10)
        let f: Kernel = lk_vlog
        XCTAssertEqual(Self.one(f, 0), -.infinity)
        XCTAssertEqual(Self.one(f, -0.0), -.infinity)
        XCTAssertEqual(Self.one(f, 1), 0)
        XCTAssertEqual(Self.one(f, .infinity), .infinity)
        XCTAssertTrue(Self.one(f, -1).isNaN)
        XCTAssertTrue(Self.one(f, -.infinity).isNaN)
        XCTAssertTrue(Self.one(f, .nan).isNaN)
        XCTAssertEqual(Self.one(f, .leastNonzeroMagnitude), -103.27893, accuracy: 1e-4)
    }

    func testLog1p() {
        checkUlp("log1p", lk_vlog1p, { log1p($0) }, maxUlp: 1.5, lo: -1, hi: 10)
        let f: Kernel = lk_vlog1p
        XCTAssertEqual(Self.one(f, -1), -.infinity)
        XCTAssertTrue(Self.one(f, -2).isNaN)
        XCTAssertTrue(Self.one(f, .nan).isNaN)
        XCTAssertEqual(Self.one(f, .infinity), .infinity)
        XCTAssertEqual(Self.one(f, 0), 0)
        XCTAssertEqual(Self.one(f, -0.0).sign, .minus)
        XCTAssertEqual(Self.one(f, 1e-10), 1e-10)   // accurate for tiny x
        XCTAssertEqual(Self.one(f, 3e-7), Float(log1p(Double(Float(3e-7)))), accuracy: 1e-13)
    }

    func testTanh() {
        checkUlp("tanh", lk_vtanh, { tanh($0) }, maxUlp: 2, lo: -10, hi: 10)
        let f: Kernel = lk_vtanh
        XCTAssertEqual(Self.one(f, 20), 1)
        XCTAssertEqual(Self.one(f, -20), -1)
        XCTAssertEqual(Self.one(f, .infinity), 1)
        XCTAssertEqual(Self.one(f, -.infinity), -1)
        XCTAssertEqual(Self.one(f, -0.0).sign, .minus)
        XCTAssertEqual(Self.one(f, 1e-20), 1e-20)
        XCTAssertTrue(Self.one(f, .nan).isNaN)
    }

    func testSigmoid() {
        checkUlp("sigmoid", lk_vsigmoid, Self.sigmoidRef, maxUlp: 2.5, lo: -30, hi: 30)
        let f: Kernel = lk_vsigmoid
        XCTAssertEqual(Self.one(f, 0), 0.5)
        XCTAssertEqual(Self.one(f, 20), 1)
        XCTAssertEqual(Self.one(f, .infinity), 1)
        XCTAssertEqual(Self.one(f, -.infinity), 0)
        XCTAssertEqual(Self.one(f, -200), 0)
        XCTAssertGreaterThan(Self.one(f, -100), 0)
        XCTAssertEqual(Self.one(f, -50), Float(exp(-50.0)), accuracy: Float(exp(-50.0)) * 1e-6)
        XCTAssertTrue(Self.one(f, .nan).isNaN)
    }

    func testSoftplus() {
        checkUlp("softplus", lk_vsoftplus, Self.softplusRef, maxUlp: 2, lo: -30, hi: 30)
        let f: Kernel = lk_vsoftplus
        XCTAssertEqual(Self.one(f, 100), 100)
        XCTAssertEqual(Self.one(f, 1e30), 1e30)
        XCTAssertEqual(Self.one(f, .infinity), .infinity)
        XCTAssertEqual(Self.one(f, -.infinity), 0)
        XCTAssertEqual(Self.one(f, 0), Float(log(2.0)), accuracy: 1.2e-7)
        XCTAssertEqual(Self.one(f, -30), Float(exp(-30.0)), accuracy: Float(exp(-30.0)) * 1e-6)
        XCTAssertGreaterThan(Self.one(f, -100), 0)
        XCTAssertTrue(Self.one(f, .nan).isNaN)
    }

    func testLogsigmoid() {
        checkUlp("logsigmoid", lk_vlogsigmoid, { -Self.softplusRef(-$0) }, maxUlp: 2, lo: -30, hi: 30)
        let f: Kernel = lk_vlogsigmoid
        XCTAssertEqual(Self.one(f, -100), -100)
        XCTAssertEqual(Self.one(f, -1e30), -1e30)
        XCTAssertEqual(Self.one(f, -.greatestFiniteMagnitude), -.greatestFiniteMagnitude)
        XCTAssertEqual(Self.one(f, -.infinity), -.infinity)
        XCTAssertEqual(Self.one(f, .infinity), 0)
        XCTAssertEqual(Self.one(f, 0), -Float(log(2.0)), accuracy: 1.2e-7)
        XCTAssertEqual(Self.one(f, 30), -Float(exp(-30.0)), accuracy: Float(exp(-30.0)) * 1e-6)
        XCTAssertTrue(Self.one(f, .nan).isNaN)
    }

    func testErf() {
        checkUlp("erf", lk_verf, { erf($0) }, maxUlp: 2, lo: -5, hi: 5)
        let xs = Self.sweep(-5, 5)
        let worstAbs = zip(xs, Self.apply(lk_verf, xs)).filter { !$0.0.isNaN }
            .map { abs(Double($0.1) - erf(Double($0.0))) }.max()!
        XCTAssertLessThanOrEqual(worstAbs, 1e-7)
        let f: Kernel = lk_verf
        XCTAssertEqual(Self.one(f, 0), 0)
        XCTAssertEqual(Self.one(f, -0.0).sign, .minus)
        XCTAssertEqual(Self.one(f, 4), 1)
        XCTAssertEqual(Self.one(f, -4), -1)
        XCTAssertEqual(Self.one(f, .infinity), 1)
        XCTAssertEqual(Self.one(f, -.infinity), -1)
        XCTAssertEqual(Self.one(f, 1e-30), Float(2 / Double.pi.squareRoot() * 1e-30), accuracy: 1e-36)
        XCTAssertTrue(Self.one(f, .nan).isNaN)
    }

    /// Lengths around the vector width (tails) and in-place use give the same values.
    func testTailsAndAliasing() {
        let xs = (0..<70).map { Float($0) * 0.37 - 12 }
        let full = Self.apply(lk_vtanh, xs)
        for n in [1, 7, 8, 9, 15, 16, 17, 31, 33, 70] {
            var buf = Array(xs[0..<n])
            buf.withUnsafeMutableBufferPointer { b in lk_vtanh(b.baseAddress!, b.baseAddress!, n) }
            XCTAssertEqual(buf, Array(full[0..<n]), "n = \(n)")
        }
        var guardBuf = [Float](repeating: 7, count: 20)
        xs.withUnsafeBufferPointer { x in
            guardBuf.withUnsafeMutableBufferPointer { y in lk_vexp(x.baseAddress!, y.baseAddress!, 13) }
        }
        XCTAssertEqual(Array(guardBuf[13...]), [Float](repeating: 7, count: 7), "wrote past n")
        XCTAssertEqual(guardBuf[0], Float(exp(Double(xs[0]))), accuracy: 1e-10)
    }
}
