import XCTest
import LatentTestSupport
import LatentTensor
import LatentNN
import LatentProbability

/// Planar and radial layers conditioned on a context through their hypernetworks: with random
/// non-zero hypernetwork weights they pass the `BijectorHarness` checks per sample; zero-initialized
/// they equal the unconditional layers; contexts change the map; a missing context stops.
final class ConditionalPlanarRadialTests: XCTestCase {
    static func gen(_ seed: UInt64) -> RandomGenerator { RandomGenerator(seed: seed) }

    /// Conditional planar and radial layers on `[4, 3]` with a `[4, 2]` context (perturbed by the harness).
    static var cases: [BijectorCase] {
        let x = Tensor.normal([4, 3], std: 1, generator: gen(3))
        let context = Tensor.normal([4, 2], std: 1.5, generator: gen(30))
        return [
            BijectorCase(name: "Planar(context)", make: { Planar(features: 3, contextFeatures: 2, generator: gen(14)) },
                         input: x, context: context),
            BijectorCase(name: "Radial(context)", make: { Radial(features: 3, contextFeatures: 2, generator: gen(15)) },
                         input: x, context: context),
        ]
    }

    /// The cases with every parameter, the hypernetwork's included, moved by U(−0.4, 0.4).
    func forEachCase(_ body: (BijectorCase, any Bijector) -> Void) {
        for c in Self.cases {
            let b = c.make()
            BijectorHarness.perturbParameters(b)
            body(c, b)
        }
    }

    func testPerturbedHypernetworksAreNonZero() {
        forEachCase { c, b in
            let hyper = b.namedParameters().filter { $0.0.hasPrefix("hypernetwork.") }
            XCTAssertEqual(hyper.map { $0.0 }, ["hypernetwork.weight", "hypernetwork.bias"], c.name)
            XCTAssertTrue(hyper.allSatisfy { $0.1.value.abs().min().item > 0 }, c.name)
        }
    }

    func testLogDeterminantsMatchAutodiffJacobiansPerSample() {
        forEachCase { c, b in
            let e = BijectorHarness.logDetErrors(c, b)
            XCTAssertLessThan(e.forward, 2e-3, "\(c.name): forward log|det J|")
            XCTAssertLessThan(e.inverse, 2e-3, "\(c.name): inverse log|det J|")
        }
    }

    func testRoundTripsInBothOrders() {
        forEachCase { c, b in
            let e = BijectorHarness.roundTrip(c, b)
            XCTAssertLessThan(e.forward, 2e-4, "\(c.name): f⁻¹(f(x)) ≠ x")
            XCTAssertLessThan(e.reverse, 2e-4, "\(c.name): f(f⁻¹(y)) ≠ y")
            XCTAssertLessThan(e.logDets, 2e-4, "\(c.name): log det f + log det f⁻¹ ≠ 0")
        }
    }

    /// Input, context and every parameter (hypernetwork included), both directions.
    func testGradientsMatchFiniteDifferences() {
        forEachCase { c, b in
            for (direction, result) in BijectorHarness.gradientChecks(c, b) {
                XCTAssertTrue(result.passed, "\(c.name) \(direction): \(result)")
            }
        }
    }

    /// A flow NLL, −log N(f⁻¹(x; c); 0, I) − log|det ∂f⁻¹/∂x|, differentiated with respect to the
    /// hypernetwork's weight and bias alone (the path a conditional flow model trains through).
    func testNegativeLogLikelihoodGradientWithRespectToTheHypernetwork() {
        forEachCase { c, b in
            let hyper = b.namedParameters().filter { $0.0.hasPrefix("hypernetwork.") }.map { $0.1 }
            let saved = hyper.map { $0.value }
            defer { for (p, v) in zip(hyper, saved) { p.value = v } }
            let result = gradcheck(saved.map { $0.detached() }, epsilon: 1e-2, atol: 2e-2, rtol: 2e-2) { values in
                for (p, v) in zip(hyper, values) { p.value = v }
                let (z, logDet) = b.inverseAndLogDet(c.input, context: c.context)
                return (z.square().sum() * 0.5 - logDet.sum()).reshaped([1])
            }
            XCTAssertTrue(result.passed, "\(c.name): \(result)")
        }
    }

    func testZeroInitializedConditionalLayersEqualTheUnconditionalOnes() {
        let x = Tensor.normal([5, 3], std: 1, generator: Self.gen(1))
        let context = Tensor.normal([5, 4], std: 2, generator: Self.gen(2))
        let pairs: [(String, any Bijector, any Bijector)] = [
            ("Planar", Planar(features: 3, generator: Self.gen(7)), Planar(features: 3, contextFeatures: 4, generator: Self.gen(7))),
            ("Radial", Radial(features: 3, generator: Self.gen(8)), Radial(features: 3, contextFeatures: 4, generator: Self.gen(8))),
        ]
        for (name, plain, conditional) in pairs {
            let plainNames = plain.namedParameters().map { $0.0 }
            XCTAssertEqual(conditional.namedParameters().map { $0.0 }, plainNames + ["hypernetwork.weight", "hypernetwork.bias"], name)
            for ((_, p), (_, q)) in zip(plain.namedParameters(), conditional.namedParameters()) {
                XCTAssertEqual(p.value.scalars, q.value.scalars, "\(name): same draws from the same seed")
            }
            withoutGrad {
                let (y, ld) = plain.forwardAndLogDet(x, context: nil)
                let (yc, ldc) = conditional.forwardAndLogDet(x, context: context)
                XCTAssertLessThan(BijectorHarness.maxError(y, yc), 1e-6, name)
                XCTAssertLessThan(BijectorHarness.maxError(ld, ldc), 1e-6, name)
                let (back, ldBack) = plain.inverseAndLogDet(x, context: nil)
                let (backc, ldBackc) = conditional.inverseAndLogDet(x, context: context)
                XCTAssertLessThan(BijectorHarness.maxError(back, backc), 1e-6, name)
                XCTAssertLessThan(BijectorHarness.maxError(ldBack, ldBackc), 1e-6, name)
            }
        }
    }

    func testUnconditionalLayersKeepTheirParameterNames() {
        XCTAssertEqual(Planar(features: 2).namedParameters().map { $0.0 }, ["w", "u", "b"])
        XCTAssertEqual(Radial(features: 2).namedParameters().map { $0.0 }, ["center", "alphaRaw", "betaRaw"])
    }

    /// The same point under two contexts: different outputs and log-dets; a row's result depends only on its own context.
    func testDifferentContextsGiveDifferentOutputs() {
        forEachCase { c, b in
            let point = Tensor.full([2, 3], 0.3)
            let contexts = Tensor([[1, -1], [-1, 2]])
            withoutGrad {
                let (y, ld) = b.forwardAndLogDet(point, context: contexts)
                XCTAssertGreaterThan(BijectorHarness.maxError(y[0..<1], y[1..<2]), 1e-2, c.name)
                XCTAssertGreaterThan(abs(ld.scalars[0] - ld.scalars[1]), 1e-3, c.name)
                let (first, firstLogDet) = b.forwardAndLogDet(point[0..<1], context: contexts[0..<1])
                XCTAssertLessThan(BijectorHarness.maxError(first, y[0..<1]), 1e-6, c.name)
                XCTAssertLessThan(abs(firstLogDet.scalars[0] - ld.scalars[0]), 1e-6, c.name)
            }
        }
    }

    /// Hypernetwork outputs that drive wᵀu far below −1 (planar) and β̃ far negative (radial) for
    /// some contexts: the per-sample constraints keep every log-det finite and every sample invertible.
    func testConstraintsHoldPerSampleUnderAdversarialContexts() {
        let x = Tensor.uniform([40, 2], low: -4, high: 4, generator: Self.gen(21))
        let context = Tensor.normal([40, 1], std: 3, generator: Self.gen(22))

        let planar = Planar(features: 2, contextFeatures: 1)
        planar.hypernetwork!.weight.value = Tensor([[3], [0], [-5], [1], [0.5]]).requiringGrad()
        let radial = Radial(features: 2, contextFeatures: 1)
        radial.hypernetwork!.weight.value = Tensor([[1], [-1], [2], [-6]]).requiringGrad()
        for (name, layer) in [("Planar", planar as any Bijector), ("Radial", radial)] {
            withoutGrad {
                let (y, logDet) = layer.forwardAndLogDet(x, context: context)
                XCTAssertFalse(logDet.hasNonFinite, name)
                XCTAssertLessThan(BijectorHarness.maxError(layer.inverse(y, context: context), x), 1e-3, name)
            }
        }
    }

    func testConditionalLayersWithoutContextStop() {
        assertStops(withMessageContaining: ["Planar", "contextFeatures 2", "[3, 2]", "none was given"]) {
            _ = Planar(features: 4, contextFeatures: 2).forward(Tensor.zeros([3, 4]))
        }
        assertStops(withMessageContaining: ["Radial", "contextFeatures 2", "[3, 2]", "none was given"]) {
            _ = Radial(features: 4, contextFeatures: 2).inverse(Tensor.zeros([3, 4]))
        }
    }

    func testConditionalLayersWithAWrongContextShapeStop() {
        assertStops(withMessageContaining: ["Planar", "[3, 2]", "got shape [3, 5]"]) {
            _ = Planar(features: 4, contextFeatures: 2).inverse(Tensor.zeros([3, 4]), context: Tensor.zeros([3, 5]))
        }
        assertStops(withMessageContaining: ["Radial", "[3, 2]", "got shape [2, 2]"]) {
            _ = Radial(features: 4, contextFeatures: 2).forward(Tensor.zeros([3, 4]), context: Tensor.zeros([2, 2]))
        }
    }
}
