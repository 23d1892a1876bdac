import Foundation
import LatentTensor

/// A 2-D density with an exact sampler: the toy problems on which flows and VAEs are compared
/// (FFJORD, RealNVP, neural spline flows). Needs no download; the same seed gives the same points.
public protocol Toy2DDensity {
    /// The short name used by the command line and in plots, e.g. `moons`.
    var name: String { get }
    /// `count` independent draws as a `[count, 2]` tensor.
    func sample(_ count: Int, generator: RandomGenerator) -> Tensor
}

/// The built-in 2-D densities by name. Their default parameters follow FFJORD's `toy_data`
/// layouts (most mass within [-4, 4]²), written as exact samplers (random angles instead of
/// evenly spaced ones) so that their moments are known.
public enum Toy2D {
    /// Every built-in density with its default parameters.
    public static let all: [any Toy2DDensity] = [
        TwoMoons(), EightGaussians(), ConcentricRings(), Pinwheel(), Checkerboard(), TwoSpirals(), SwissRoll(),
    ]

    /// The names `named(_:)` accepts.
    public static var names: [String] { all.map(\.name) }

    /// The density called `name` (see `names`), or nil.
    public static func named(_ name: String) -> (any Toy2DDensity)? {
        all.first { $0.name == name }
    }

    /// `count` points `(x, y)` from `point`, each plus independent N(0, noise²) noise per coordinate.
    static func draw(_ count: Int, noise: Double, generator: RandomGenerator,
                     _ point: (RandomGenerator) -> (Double, Double)) -> Tensor {
        require(count >= 0, "Toy2D: sample count must be non-negative, got \(count)")
        var values = [Float](repeating: 0, count: 2 * count)
        values.withUnsafeMutableBufferPointer { out in
            for i in 0..<count {
                let (x, y) = point(generator)
                out[2 * i] = Float(x)
                out[2 * i + 1] = Float(y)
            }
        }
        var points = Tensor(shape: [count, 2], scalars: values)
        if noise > 0 && count > 0 { points = points + Tensor.normal([count, 2], std: Float(noise), generator: generator) }
        return points
    }

    /// A standard normal draw in double precision (Box–Muller; one of the pair is discarded).
    static func gaussian(_ generator: RandomGenerator) -> Double {
        let u1 = (Double(generator.next() >> 11) + 1) * 0x1p-53
        let u2 = Double(generator.next() >> 11) * 0x1p-53
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Uniform in [0, 1) with 53 random bits.
    static func uniform(_ generator: RandomGenerator) -> Double {
        Double(generator.next() >> 11) * 0x1p-53
    }
}

/// Two interleaved half circles (scikit-learn's `make_moons`), centred: with t ~ U[0, π] and
/// either moon with probability ½, the upper point is (cos t, sin t), the lower (1 − cos t,
/// ½ − sin t); then (point − (½, ¼) + noise·ε)·scale, ε ~ N(0, I).
///
/// Mean 0; covariance scale²·([[3/4, 1/8 − 1/π], [1/8 − 1/π, 9/16 − 1/π]] + noise²·I).
public struct TwoMoons: Toy2DDensity {
    /// The registry name.
    public let name = "moons"
    /// Standard deviation of the isotropic noise, before scaling.
    public var noise: Double
    /// Overall scale (FFJORD doubles scikit-learn's moons).
    public var scale: Double

    /// A density with the given parameters (the defaults are FFJORD's).
    public init(noise: Double = 0.1, scale: Double = 2) {
        self.noise = noise
        self.scale = scale
    }

    /// `count` exact draws, `[count, 2]`.
    public func sample(_ count: Int, generator: RandomGenerator) -> Tensor {
        Toy2D.draw(count, noise: noise * scale, generator: generator) { g in
            let upper = g.next() >> 63 == 0
            let t = Double.pi * Toy2D.uniform(g)
            let (x, y) = upper ? (cos(t), sin(t)) : (1 - cos(t), 0.5 - sin(t))
            return ((x - 0.5) * scale, (y - 0.25) * scale)
        }
    }
}

/// A mixture of eight equally weighted isotropic Gaussians with means on a circle of radius r
/// at angles 2πk/8. Mean 0, covariance (r²/2 + σ²)·I.
public struct EightGaussians: Toy2DDensity {
    /// The registry name.
    public let name = "8gaussians"
    /// The radius r of the circle of means (FFJORD: 4/√2).
    public var radius: Double
    /// The standard deviation σ of each component (FFJORD: 0.5/√2).
    public var std: Double

    /// A density with the given parameters (the defaults are FFJORD's).
    public init(radius: Double = 4 / 2.0.squareRoot(), std: Double = 0.5 / 2.0.squareRoot()) {
        self.radius = radius
        self.std = std
    }

    /// `count` exact draws, `[count, 2]`.
    public func sample(_ count: Int, generator: RandomGenerator) -> Tensor {
        Toy2D.draw(count, noise: std, generator: generator) { g in
            let angle = 2 * Double.pi * Double(g.nextInt(below: 8)) / 8
            return (radius * cos(angle), radius * sin(angle))
        }
    }
}

/// Concentric circles: a ring chosen uniformly among `radii`, a uniform angle, plus N(0, σ²I)
/// noise. Mean 0, covariance (mean(r²)/2 + σ²)·I, E|x|² = mean(r²) + 2σ².
public struct ConcentricRings: Toy2DDensity {
    /// The registry name.
    public let name = "rings"
    /// The ring radii (FFJORD: 0.75, 1.5, 2.25, 3).
    public var radii: [Double]
    /// The standard deviation σ of the noise.
    public var std: Double

    /// A density with the given parameters (the defaults are FFJORD's).
    public init(radii: [Double] = [0.75, 1.5, 2.25, 3], std: Double = 0.08) {
        require(!radii.isEmpty, "ConcentricRings: needs at least one radius")
        self.radii = radii
        self.std = std
    }

    /// `count` exact draws, `[count, 2]`.
    public func sample(_ count: Int, generator: RandomGenerator) -> Tensor {
        Toy2D.draw(count, noise: std, generator: generator) { g in
            let r = radii[g.nextInt(below: radii.count)]
            let angle = 2 * Double.pi * Toy2D.uniform(g)
            return (r * cos(angle), r * sin(angle))
        }
    }
}

/// The pinwheel of Johnson et al. (2016): arm k of K, a point (a, b) with a ~ N(1, σ_r²) and
/// b ~ N(0, σ_t²) rotated by 2πk/K + rate·exp(a), times `scale`.
///
/// Rotations keep lengths, so E|x|² = scale²·(1 + σ_r² + σ_t²); K-fold symmetry (K ≥ 3) makes
/// the mean 0 and the covariance E|x|²/2 · I.
public struct Pinwheel: Toy2DDensity {
    /// The registry name.
    public let name = "pinwheel"
    /// The number of arms K.
    public var arms: Int
    /// σ_r, the spread along an arm.
    public var radialStd: Double
    /// σ_t, the spread across an arm.
    public var tangentialStd: Double
    /// How fast an arm bends with distance.
    public var rate: Double
    /// Overall scale.
    public var scale: Double

    /// A density with the given parameters (the defaults are FFJORD's).
    public init(arms: Int = 5, radialStd: Double = 0.3, tangentialStd: Double = 0.1, rate: Double = 0.25, scale: Double = 2) {
        require(arms > 0, "Pinwheel: arms must be positive, got \(arms)")
        self.arms = arms
        self.radialStd = radialStd
        self.tangentialStd = tangentialStd
        self.rate = rate
        self.scale = scale
    }

    /// `count` exact draws, `[count, 2]`.
    public func sample(_ count: Int, generator: RandomGenerator) -> Tensor {
        Toy2D.draw(count, noise: 0, generator: generator) { g in
            let k = Double(g.nextInt(below: arms))
            let a = 1 + radialStd * Toy2D.gaussian(g)
            let b = tangentialStd * Toy2D.gaussian(g)
            let angle = 2 * Double.pi * k / Double(arms) + rate * exp(a)
            return (scale * (cos(angle) * a - sin(angle) * b), scale * (sin(angle) * a + cos(angle) * b))
        }
    }
}

/// Uniform over the dark squares of a checkerboard: the board [−n/2, n/2)² in unit cells,
/// dark where ⌊x⌋ + ⌊y⌋ is even, then times `scale`. Each coordinate alone is uniform on
/// [−n/2, n/2)·scale (variance n²·scale²/12).
public struct Checkerboard: Toy2DDensity {
    /// The registry name.
    public let name = "checkerboard"
    /// Cells per side n (even, so that every column holds n/2 dark cells).
    public var cells: Int
    /// Overall scale (FFJORD: a 4×4 board on [−4, 4)²).
    public var scale: Double

    /// A density with the given parameters (the defaults are FFJORD's).
    public init(cells: Int = 4, scale: Double = 2) {
        require(cells > 0 && cells % 2 == 0, "Checkerboard: cells must be a positive even number, got \(cells)")
        self.cells = cells
        self.scale = scale
    }

    /// `count` exact draws, `[count, 2]`.
    public func sample(_ count: Int, generator: RandomGenerator) -> Tensor {
        Toy2D.draw(count, noise: 0, generator: generator) { g in
            let column = g.nextInt(below: cells)
            let row = 2 * g.nextInt(below: cells / 2) + column % 2
            let half = Double(cells / 2)
            return (scale * (Double(column) - half + Toy2D.uniform(g)), scale * (Double(row) - half + Toy2D.uniform(g)))
        }
    }
}

/// Two interleaved spirals: t = √u · 2π·turns (u ~ U[0, 1), so t has density 2t/T² on [0, T]),
/// the point ±(−t cos t, t sin t)·scale with either sign equally likely, plus N(0, σ²I) noise.
/// Point-symmetric, so the mean is 0; E|x|² = scale²·T²/2 + 2σ².
public struct TwoSpirals: Toy2DDensity {
    /// The registry name.
    public let name = "2spirals"
    /// Turns of each spiral (FFJORD: 540°, i.e. 1.5).
    public var turns: Double
    /// Scale of the spiral (FFJORD: 1/3).
    public var scale: Double
    /// σ of the noise added after scaling.
    public var std: Double

    /// A density with the given parameters (the defaults are FFJORD's).
    public init(turns: Double = 1.5, scale: Double = 1.0 / 3, std: Double = 0.1) {
        self.turns = turns
        self.scale = scale
        self.std = std
    }

    /// `count` exact draws, `[count, 2]`.
    public func sample(_ count: Int, generator: RandomGenerator) -> Tensor {
        Toy2D.draw(count, noise: std, generator: generator) { g in
            let t = Toy2D.uniform(g).squareRoot() * 2 * Double.pi * turns
            let sign: Double = g.next() >> 63 == 0 ? 1 : -1
            return (sign * scale * -t * cos(t), sign * scale * t * sin(t))
        }
    }
}

/// The 2-D swiss roll (scikit-learn's `make_swiss_roll`, coordinates x and z):
/// t = 1.5π(1 + 2u), u ~ U[0, 1), the point (t cos t, t sin t)·scale plus N(0, σ²I) noise.
public struct SwissRoll: Toy2DDensity {
    /// The registry name.
    public let name = "swissroll"
    /// Scale of the roll (FFJORD: 1/5).
    public var scale: Double
    /// σ of the noise added after scaling (FFJORD: 1/5).
    public var std: Double

    /// A density with the given parameters (the defaults are FFJORD's).
    public init(scale: Double = 0.2, std: Double = 0.2) {
        self.scale = scale
        self.std = std
    }

    /// `count` exact draws, `[count, 2]`.
    public func sample(_ count: Int, generator: RandomGenerator) -> Tensor {
        Toy2D.draw(count, noise: std, generator: generator) { g in
            let t = 1.5 * Double.pi * (1 + 2 * Toy2D.uniform(g))
            return (scale * t * cos(t), scale * t * sin(t))
        }
    }
}
