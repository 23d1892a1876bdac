import XCTest
import Foundation
import LatentTensor
import LatentNN

/// Each optimizer on the quadratic f(p) = ½ Σ aᵢ pᵢ² (gradient aᵢ pᵢ), against iterates computed
/// here in Double from the published update rules.
final class OptimizerTests: XCTestCase {
    let a: [Double] = [1, 4, 0.5]
    let p0: [Double] = [1, -2, 3]

    /// Runs `steps` optimizer steps and returns the parameter after each.
    func trajectory(_ make: ([(String, Parameter)]) -> Optimizer, steps: Int = 6) -> [[Double]] {
        let p = Parameter(Tensor(p0.map { Float($0) }))
        let opt = make([("p", p)])
        let coeff = Tensor(a.map { Float($0) })
        var out: [[Double]] = []
        for _ in 0..<steps {
            opt.zeroGrad()
            (p.value.square() * coeff * 0.5).sum().backward()
            opt.step()
            out.append(p.value.scalars.map { Double($0) })
        }
        return out
    }

    func assertTrajectory(_ got: [[Double]], _ expected: [[Double]], _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        for (t, (g, e)) in zip(got, expected).enumerated() {
            for i in g.indices {
                XCTAssertEqual(g[i], e[i], accuracy: 1e-5 * Swift.max(1, Swift.abs(e[i])), "\(name) step \(t + 1) element \(i)", file: file, line: line)
            }
        }
    }

    func sgdReference(lr: Double, momentum: Double, dampening: Double, wd: Double, nesterov: Bool, steps: Int = 6) -> [[Double]] {
        var p = p0, buf = [Double](repeating: 0, count: 3)
        var out: [[Double]] = []
        for t in 0..<steps {
            for i in 0..<3 {
                var g = a[i] * p[i] + wd * p[i]
                if momentum != 0 {
                    buf[i] = t == 0 ? g : momentum * buf[i] + (1 - dampening) * g
                    g = nesterov ? g + momentum * buf[i] : buf[i]
                }
                p[i] -= lr * g
            }
            out.append(p)
        }
        return out
    }

    func adamReference(lr: Double, b1: Double, b2: Double, eps: Double, wd: Double, decoupled: Bool, steps: Int = 6) -> [[Double]] {
        var p = p0, m = [Double](repeating: 0, count: 3), v = m
        var out: [[Double]] = []
        for t in 1...steps {
            for i in 0..<3 {
                var g = a[i] * p[i]
                if decoupled { p[i] *= 1 - lr * wd } else { g += wd * p[i] }
                m[i] = b1 * m[i] + (1 - b1) * g
                v[i] = b2 * v[i] + (1 - b2) * g * g
                let mHat = m[i] / (1 - pow(b1, Double(t))), vHat = v[i] / (1 - pow(b2, Double(t)))
                p[i] -= lr * mHat / (vHat.squareRoot() + eps)
            }
            out.append(p)
        }
        return out
    }

    func testSGDVariants() {
        assertTrajectory(trajectory { SGD($0, learningRate: 0.1) },
                         sgdReference(lr: 0.1, momentum: 0, dampening: 0, wd: 0, nesterov: false), "sgd")
        assertTrajectory(trajectory { SGD($0, learningRate: 0.05, momentum: 0.9) },
                         sgdReference(lr: 0.05, momentum: 0.9, dampening: 0, wd: 0, nesterov: false), "momentum")
        assertTrajectory(trajectory { SGD($0, learningRate: 0.05, momentum: 0.9, nesterov: true) },
                         sgdReference(lr: 0.05, momentum: 0.9, dampening: 0, wd: 0, nesterov: true), "nesterov")
        assertTrajectory(trajectory { SGD($0, learningRate: 0.05, momentum: 0.5, dampening: 0.3, weightDecay: 0.1) },
                         sgdReference(lr: 0.05, momentum: 0.5, dampening: 0.3, wd: 0.1, nesterov: false), "dampening + decay")
    }

    func testAdamAndAdamW() {
        assertTrajectory(trajectory { Adam($0, learningRate: 0.1) },
                         adamReference(lr: 0.1, b1: 0.9, b2: 0.999, eps: 1e-8, wd: 0, decoupled: false), "adam")
        assertTrajectory(trajectory { Adam($0, learningRate: 0.05, betas: (0.8, 0.99), eps: 1e-3, weightDecay: 0.1) },
                         adamReference(lr: 0.05, b1: 0.8, b2: 0.99, eps: 1e-3, wd: 0.1, decoupled: false), "adam L2")
        assertTrajectory(trajectory { AdamW($0, learningRate: 0.1, weightDecay: 0.2) },
                         adamReference(lr: 0.1, b1: 0.9, b2: 0.999, eps: 1e-8, wd: 0.2, decoupled: true), "adamw")
    }

    func testFrozenParametersAreSkipped() {
        let p = Parameter(Tensor([1]))
        let opt = SGD([("p", p)], learningRate: 1)
        (p.value * 3).sum().backward()
        p.isFrozen = true
        opt.step()
        XCTAssertEqual(p.value.scalars, [1])
    }

    func testStateRoundTripContinuesTheTrajectory() throws {
        let coeff = Tensor(a.map { Float($0) })
        func run(_ p: Parameter, _ opt: Optimizer, _ n: Int) {
            for _ in 0..<n {
                opt.zeroGrad()
                (p.value.square() * coeff * 0.5).sum().backward()
                opt.step()
            }
        }
        let p1 = Parameter(Tensor(p0.map { Float($0) }))
        let o1 = Adam([("p", p1)], learningRate: 0.1)
        run(p1, o1, 3)
        let p2 = Parameter(p1.value)
        let o2 = Adam([("p", p2)], learningRate: 0.1)
        try o2.loadState(o1.stateTensors())
        XCTAssertEqual(o2.stepCount, 3)
        run(p1, o1, 3)
        run(p2, o2, 3)
        XCTAssertEqual(p1.value.scalars, p2.value.scalars)

        let s1 = SGD([("p", p1)], learningRate: 0.1, momentum: 0.9)
        run(p1, s1, 2)
        let s2 = SGD([("p", p2)], learningRate: 0.1, momentum: 0.9)
        try s2.loadState(s1.stateTensors())
        XCTAssertEqual(s2.stateTensors()["p.momentum_buffer"]?.scalars, s1.stateTensors()["p.momentum_buffer"]?.scalars)
    }

    func testBadStateIsReportedAndIgnored() {
        let p = Parameter(Tensor([1, 2]))
        let opt = Adam([("p", p)])
        let bad = ["step": Tensor([2]), "p.exp_avg": Tensor([1, 2, 3]), "p.exp_avg_sq": Tensor([1, 2]), "q.exp_avg": Tensor([1])]
        XCTAssertThrowsError(try opt.loadState(bad)) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("p.exp_avg: shape [3], expected [2]"), text)
            XCTAssertTrue(text.contains("unexpected entry q.exp_avg"), text)
        }
        XCTAssertEqual(opt.stepCount, 0, "a failed load changes nothing")
    }
}

final class ScheduleAndClippingTests: XCTestCase {
    func testSchedules() {
        let step = StepDecay(base: 1, stepSize: 2, gamma: 0.5)
        XCTAssertEqual((0..<5).map { step.learningRate(atStep: $0) }, [1, 1, 0.5, 0.5, 0.25])
        let exp = ExponentialDecay(base: 2, gamma: 0.5)
        XCTAssertEqual(exp.learningRate(atStep: 3), 0.25)
        let cos = CosineAnnealing(base: 1, totalSteps: 4, minimum: 0.2)
        XCTAssertEqual(cos.learningRate(atStep: 0), 1, accuracy: 1e-6)
        XCTAssertEqual(cos.learningRate(atStep: 2), 0.6, accuracy: 1e-6)
        XCTAssertEqual(cos.learningRate(atStep: 4), 0.2, accuracy: 1e-6)
        XCTAssertEqual(cos.learningRate(atStep: 9), 0.2, accuracy: 1e-6)
        let warm = LinearWarmup(warmupSteps: 4, then: StepDecay(base: 1, stepSize: 1, gamma: 0.5))
        XCTAssertEqual((0..<6).map { warm.learningRate(atStep: $0) }, [0.25, 0.5, 0.75, 1, 1, 0.5])
    }

    func testClipGradientNorm() {
        let p = Parameter(Tensor([0, 0])), q = Parameter(Tensor([0]))
        (p.value * Tensor([3, 0]) + 0).sum().backward()
        (q.value * 4).sum().backward()
        let norm = clipGradientNorm([p, q], maxNorm: 1)
        XCTAssertEqual(norm, 5, accuracy: 1e-6)
        XCTAssertEqual(p.grad!.scalars[0], 0.6, accuracy: 1e-5)
        XCTAssertEqual(q.grad!.scalars[0], 0.8, accuracy: 1e-5)
        XCTAssertEqual(clipGradientNorm([p, q], maxNorm: 10), 1, accuracy: 1e-5)
        XCTAssertEqual(p.grad!.scalars[0], 0.6, accuracy: 1e-5, "below the limit nothing changes")
    }
}
