import XCTest
import Foundation
import LatentTensor
@testable import LatentData

/// Each sampler against moments computed independently: in closed form where one exists,
/// otherwise by Simpson integration in double precision. Tolerances are 5 standard errors of
/// the Monte Carlo estimate (plus float rounding), so a wrong constant fails and noise does not.
final class Toy2DTests: XCTestCase {
    /// The raw moments E[x], E[y], E[x²], E[y²], E[xy].
    struct Moments { var x, y, xx, yy, xy: Double }

    private let n = 100_000

    private func assertMoments(_ density: any Toy2DDensity, _ expected: Moments, seed: UInt64 = 1,
                               file: StaticString = #filePath, line: UInt = #line) {
        let points = density.sample(n, generator: RandomGenerator(seed: seed))
        XCTAssertEqual(points.shape, [n, 2], file: file, line: line)
        let p = points.scalars.map(Double.init)
        let stats: [(String, (Double, Double) -> Double, Double)] = [
            ("E[x]", { x, _ in x }, expected.x), ("E[y]", { _, y in y }, expected.y),
            ("E[x²]", { x, _ in x * x }, expected.xx), ("E[y²]", { _, y in y * y }, expected.yy),
            ("E[xy]", { x, y in x * y }, expected.xy),
        ]
        for (label, f, want) in stats {
            var sum = 0.0, sumSquares = 0.0
            for i in 0..<n {
                let v = f(p[2 * i], p[2 * i + 1])
                sum += v
                sumSquares += v * v
            }
            let mean = sum / Double(n)
            let standardError = ((sumSquares / Double(n) - mean * mean) / Double(n)).squareRoot()
            XCTAssertEqual(mean, want, accuracy: 5 * standardError + 1e-4, "\(density.name) \(label)", file: file, line: line)
        }
    }

    /// ∫ f over [a, b] by composite Simpson's rule.
    private func simpson(_ a: Double, _ b: Double, intervals: Int = 20_000, _ f: (Double) -> Double) -> Double {
        let h = (b - a) / Double(intervals)
        var total = f(a) + f(b)
        for i in 1..<intervals { total += f(a + Double(i) * h) * (i % 2 == 1 ? 4 : 2) }
        return total * h / 3
    }

    func testTwoMoonsMomentsAndSupport() {
        let moons = TwoMoons(noise: 0.1, scale: 2)
        let s2 = 4.0, noise2 = 0.01
        assertMoments(moons, Moments(x: 0, y: 0, xx: s2 * (0.75 + noise2), yy: s2 * (9.0 / 16 - 1 / Double.pi + noise2),
                                     xy: s2 * (1.0 / 8 - 1 / Double.pi)))
        // Without noise every point lies on one of the two unit half circles.
        let exact = TwoMoons(noise: 0, scale: 1).sample(2000, generator: RandomGenerator(seed: 3)).scalars
        for i in 0..<2000 {
            let x = Double(exact[2 * i]) + 0.5, y = Double(exact[2 * i + 1]) + 0.25
            let upper = abs(x * x + y * y - 1), lower = abs((x - 1) * (x - 1) + (y - 0.5) * (y - 0.5) - 1)
            XCTAssertLessThan(min(y >= 0 ? upper : 1, y <= 0.5 ? lower : 1), 1e-5)
        }
    }

    func testEightGaussiansMoments() {
        let r = 4 / 2.0.squareRoot(), sigma = 0.5 / 2.0.squareRoot()
        let v = r * r / 2 + sigma * sigma
        assertMoments(EightGaussians(), Moments(x: 0, y: 0, xx: v, yy: v, xy: 0))
        // Each point comes from the nearest of the eight means (they are 4.3σ apart at least).
        let p = EightGaussians().sample(8000, generator: RandomGenerator(seed: 2)).scalars
        var counts = [Int](repeating: 0, count: 8)
        for i in 0..<8000 {
            let angle = atan2(Double(p[2 * i + 1]), Double(p[2 * i]))
            counts[(Int((angle / (2 * Double.pi / 8)).rounded()) + 8) % 8] += 1
        }
        for c in counts { XCTAssertEqual(Double(c), 1000, accuracy: 5 * (8000 * 1.0 / 8 * 7 / 8).squareRoot()) }
    }

    func testRingsMomentsAndRingWeights() {
        let rings = ConcentricRings()
        let meanR2 = rings.radii.map { $0 * $0 }.reduce(0, +) / Double(rings.radii.count)
        let v = meanR2 / 2 + rings.std * rings.std
        assertMoments(rings, Moments(x: 0, y: 0, xx: v, yy: v, xy: 0))
        let p = rings.sample(8000, generator: RandomGenerator(seed: 4)).scalars
        var counts = [Int](repeating: 0, count: 4)
        for i in 0..<8000 {
            let radius = Double(hypot(p[2 * i], p[2 * i + 1]))
            counts[rings.radii.indices.min { abs(rings.radii[$0] - radius) < abs(rings.radii[$1] - radius) }!] += 1
        }
        for c in counts { XCTAssertEqual(Double(c), 2000, accuracy: 5 * (8000 * 0.25 * 0.75).squareRoot()) }
    }

    /// Rotations keep lengths: E|x|² = scale²(1 + σ_r² + σ_t²), split evenly by the 5-fold symmetry.
    func testPinwheelMoments() {
        let wheel = Pinwheel()
        let half = wheel.scale * wheel.scale * (1 + wheel.radialStd * wheel.radialStd + wheel.tangentialStd * wheel.tangentialStd) / 2
        assertMoments(wheel, Moments(x: 0, y: 0, xx: half, yy: half, xy: 0))
    }

    /// Uniform over the dark cells: moments are averages over those cells of the uniform moments.
    func testCheckerboardMomentsAndSupport() {
        let board = Checkerboard(cells: 4, scale: 2)
        var m = Moments(x: 0, y: 0, xx: 0, yy: 0, xy: 0)
        var cells = 0.0
        for i in -2..<2 {
            for j in -2..<2 where (i + j) % 2 == 0 {
                let cx = Double(i) + 0.5, cy = Double(j) + 0.5
                m.x += cx; m.y += cy; m.xx += cx * cx + 1.0 / 12; m.yy += cy * cy + 1.0 / 12; m.xy += cx * cy
                cells += 1
            }
        }
        let s = board.scale
        assertMoments(board, Moments(x: s * m.x / cells, y: s * m.y / cells, xx: s * s * m.xx / cells,
                                     yy: s * s * m.yy / cells, xy: s * s * m.xy / cells))
        XCTAssertEqual(s * s * m.xy / cells, 1, accuracy: 1e-12, "E[xy] = 0.25·scale²")
        let p = board.sample(10_000, generator: RandomGenerator(seed: 5)).scalars
        for i in 0..<10_000 {
            let x = Double(p[2 * i]) / s, y = Double(p[2 * i + 1]) / s
            XCTAssertTrue(x >= -2 && x < 2 && y >= -2 && y < 2)
            XCTAssertEqual((Int(floor(x)) + Int(floor(y)) + 4) % 2, 0, "(\(x), \(y)) is on a light cell")
        }
    }

    /// t has density 2t/T² on [0, T]; moments by integrating against it.
    func testTwoSpiralsMoments() {
        let spirals = TwoSpirals()
        let T = 2 * Double.pi * spirals.turns, s = spirals.scale, sigma2 = spirals.std * spirals.std
        func expect(_ g: (Double) -> Double) -> Double { simpson(0, T) { t in g(t) * 2 * t / (T * T) } }
        let xx = s * s * expect { $0 * $0 * cos($0) * cos($0) } + sigma2
        let yy = s * s * expect { $0 * $0 * sin($0) * sin($0) } + sigma2
        let xy = -s * s * expect { $0 * $0 * cos($0) * sin($0) }
        XCTAssertEqual(xx + yy, s * s * T * T / 2 + 2 * sigma2, accuracy: 1e-9)
        assertMoments(spirals, Moments(x: 0, y: 0, xx: xx, yy: yy, xy: xy))
    }

    func testSwissRollMomentsAndRange() {
        let roll = SwissRoll()
        let s = roll.scale, sigma2 = roll.std * roll.std
        func expect(_ g: (Double) -> Double) -> Double { simpson(0, 1) { u in g(1.5 * Double.pi * (1 + 2 * u)) } }
        assertMoments(roll, Moments(x: s * expect { $0 * cos($0) }, y: s * expect { $0 * sin($0) },
                                    xx: s * s * expect { $0 * $0 * cos($0) * cos($0) } + sigma2,
                                    yy: s * s * expect { $0 * $0 * sin($0) * sin($0) } + sigma2,
                                    xy: s * s * expect { $0 * $0 * cos($0) * sin($0) }))
        let p = SwissRoll(scale: 1, std: 0).sample(2000, generator: RandomGenerator(seed: 6)).scalars
        for i in 0..<2000 {
            let radius = Double(hypot(p[2 * i], p[2 * i + 1]))
            XCTAssertTrue(radius >= 1.5 * Double.pi - 1e-4 && radius <= 4.5 * Double.pi + 1e-4)
        }
    }

    func testSeedsNamesAndShapes() {
        XCTAssertEqual(Toy2D.names, ["moons", "8gaussians", "rings", "pinwheel", "checkerboard", "2spirals", "swissroll"])
        for density in Toy2D.all {
            let a = density.sample(64, generator: RandomGenerator(seed: 9))
            let b = density.sample(64, generator: RandomGenerator(seed: 9))
            let c = density.sample(64, generator: RandomGenerator(seed: 10))
            XCTAssertEqual(a.scalars, b.scalars, density.name)
            XCTAssertNotEqual(a.scalars, c.scalars, density.name)
            XCTAssertFalse(a.hasNonFinite, density.name)
            XCTAssertEqual(density.sample(0, generator: RandomGenerator(seed: 1)).shape, [0, 2])
        }
        XCTAssertEqual(Toy2D.named("pinwheel")?.name, "pinwheel")
        XCTAssertNil(Toy2D.named("spiral"))
    }
}
