import LatentTensor
/// A continuous map from [0, 1] to colors: evenly spaced control colors, linearly interpolated.
///
/// Used to turn densities into heat-map pixels. `viridis` (the default) is perceptually uniform and
/// readable in grayscale and by color-blind viewers; dark means low, bright yellow high.
public struct Colormap {
    /// Colors at t = 0, 1/(n−1), …, 1.
    public let controlPoints: [RGB]

    /// A colormap through the given colors (at least two), evenly spaced over [0, 1].
    public init(_ controlPoints: [RGB]) {
        require(controlPoints.count >= 2, "Colormap: needs at least 2 control colors, got \(controlPoints.count)")
        self.controlPoints = controlPoints
    }

    /// The color at `t`; values outside [0, 1] are clamped and NaN maps to the low end.
    public func color(at t: Double) -> RGB {
        let clamped = t.isNaN ? 0 : min(1, max(0, t))
        let position = clamped * Double(controlPoints.count - 1)
        let i = min(Int(position), controlPoints.count - 2)
        let f = position - Double(i)
        let a = controlPoints[i], b = controlPoints[i + 1]
        func lerp(_ p: UInt8, _ q: UInt8) -> UInt8 { UInt8((Double(p) + (Double(q) - Double(p)) * f).rounded()) }
        return RGB(lerp(a.r, b.r), lerp(a.g, b.g), lerp(a.b, b.b))
    }

    /// 256 precomputed colors, for mapping many values fast.
    func lookupTable() -> [RGB] { (0..<256).map { color(at: Double($0) / 255) } }

    /// Viridis (van der Walt & Smith, matplotlib's default): deep purple → blue → green → yellow,
    /// sampled at 11 points.
    public static let viridis = Colormap([
        RGB(68, 1, 84), RGB(72, 36, 117), RGB(65, 68, 135), RGB(53, 95, 141), RGB(42, 120, 142),
        RGB(33, 145, 140), RGB(34, 168, 132), RGB(68, 191, 112), RGB(122, 209, 81), RGB(189, 223, 38),
        RGB(253, 231, 37),
    ])

    /// Magma: black → purple → orange → pale yellow, sampled at 9 points; for maps where the low end
    /// should read as "nothing".
    public static let magma = Colormap([
        RGB(0, 0, 4), RGB(28, 16, 68), RGB(79, 18, 123), RGB(129, 37, 129), RGB(181, 54, 122),
        RGB(229, 80, 100), RGB(251, 135, 97), RGB(254, 194, 135), RGB(252, 253, 191),
    ])

    /// Black to white.
    public static let gray = Colormap([RGB.black, RGB.white])
}
