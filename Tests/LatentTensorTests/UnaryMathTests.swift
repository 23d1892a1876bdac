import XCTest
import Foundation
import LatentTensor

final class UnaryMathTests: XCTestCase {
    /// Each op against a Double reference on values spread over [-4, 4].
    func testForwardAgainstDoubleReference() {
        let x = Tensor.linspace(-4, 4, count: 81)
        let cases: [(String, (Tensor) -> Tensor, (Double) -> Double)] = [
            ("exp", { $0.exp() }, { Foundation.exp($0) }),
            ("tanh", { $0.tanh() }, { Foundation.tanh($0) }),
            ("sigmoid", { $0.sigmoid() }, { 1 / (1 + Foundation.exp(-$0)) }),
            ("softplus", { $0.softplus() }, { Foundation.log1p(Foundation.exp($0)) }),
            ("logSigmoid", { $0.logSigmoid() }, { -Foundation.log1p(Foundation.exp(-$0)) }),
            ("relu", { $0.relu() }, { Swift.max($0, 0) }),
            ("leakyRelu", { $0.leakyRelu(negativeSlope: 0.1) }, { $0 > 0 ? $0 : 0.1 * $0 }),
            ("elu", { $0.elu(alpha: 1.5) }, { $0 > 0 ? $0 : 1.5 * Foundation.expm1($0) }),
            ("gelu", { $0.gelu() }, { 0.5 * $0 * (1 + Foundation.erf($0 / 2.0.squareRoot())) }),
            ("square", { $0.square() }, { $0 * $0 }),
            ("abs", { $0.abs() }, { Swift.abs($0) }),
            ("clamp", { $0.clamp(min: -1, max: 2) }, { Swift.min(Swift.max($0, -1), 2) }),
            ("sign", { $0.sign() }, { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }),
        ]
        for (name, f, ref) in cases {
            let y = f(x)
            for i in 0..<x.count {
                let expected = Float(ref(Double(x[i])))
                XCTAssertEqual(y[i], expected, accuracy: 2e-6 * Swift.max(1, Swift.abs(expected)), "\(name)(\(x[i]))")
            }
        }
        let p = Tensor.linspace(0.1, 5, count: 50)
        for i in 0..<p.count {
            XCTAssertEqual(p.log()[i], Float(Foundation.log(Double(p[i]))), accuracy: 1e-6)
            XCTAssertEqual(p.log1p()[i], Float(Foundation.log1p(Double(p[i]))), accuracy: 1e-6)
            XCTAssertEqual(p.sqrt()[i], Float(Double(p[i]).squareRoot()), accuracy: 1e-6)
            XCTAssertEqual(p.reciprocal()[i], 1 / p[i], accuracy: 1e-6)
            XCTAssertEqual(p.pow(1.5)[i], Float(Foundation.pow(Double(p[i]), 1.5)), accuracy: 1e-5)
        }
    }

    func testStableFormsAtExtremes() {
        let x = Tensor([-1000, -100, 0, 100, 1000])
        let sp = x.softplus()
        XCTAssertEqual(sp[0], 0)
        XCTAssertEqual(sp[3], 100, accuracy: 1e-4)
        XCTAssertEqual(sp[4], 1000)
        let ls = x.logSigmoid()
        XCTAssertEqual(ls[0], -1000)
        XCTAssertEqual(ls[1], -100, accuracy: 1e-4)
        XCTAssertEqual(ls[4], 0)
        XCTAssertFalse(ls.hasNonFinite)
        let s = x.sigmoid()
        XCTAssertEqual(s[0], 0); XCTAssertEqual(s[4], 1)
        XCTAssertEqual(x.tanh()[4], 1)
        XCTAssertEqual(Tensor([0]).log()[0], -.infinity)
        XCTAssertTrue(Tensor([-1]).log()[0].isNaN)
    }

    func testGradients() {
        let x = awayFromZero([3, 5])
        let positive = random([3, 5], 0.2, 3)
        let fns: [(String, (Tensor) -> Tensor)] = [
            ("exp", { $0.exp() }), ("tanh", { $0.tanh() }), ("sigmoid", { $0.sigmoid() }),
            ("softplus", { $0.softplus() }), ("logSigmoid", { $0.logSigmoid() }), ("relu", { $0.relu() }),
            ("leakyRelu", { $0.leakyRelu(negativeSlope: 0.2) }), ("elu", { $0.elu() }), ("gelu", { $0.gelu() }),
            ("square", { $0.square() }), ("abs", { $0.abs() }), ("clamp", { $0.clamp(min: -0.5, max: 0.7) }),
            ("neg", { -$0 }),
        ]
        for (name, f) in fns {
            let r = gradcheck([x]) { f($0[0]) }
            XCTAssertTrue(r.passed, "\(name): \(r)")
        }
        let pfns: [(String, (Tensor) -> Tensor)] = [
            ("log", { $0.log() }), ("log1p", { $0.log1p() }), ("sqrt", { $0.sqrt() }),
            ("reciprocal", { $0.reciprocal() }), ("pow", { $0.pow(2.5) }),
        ]
        for (name, f) in pfns {
            let r = gradcheck([positive]) { f($0[0]) }
            XCTAssertTrue(r.passed, "\(name): \(r)")
        }
    }

    func testSignHasZeroGradient() {
        let x = Tensor([-2, 3]).requiringGrad()
        x.sign().sum().backward()
        XCTAssertEqual(x.grad?.scalars, [0, 0])
    }
}
