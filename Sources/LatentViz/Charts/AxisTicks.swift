import LatentTensor
import Foundation

/// The tick marks of one axis: where the labelled (major) ticks go, their labels, and unlabelled
/// minor ticks. Values are in data units and lie inside the axis range.
public struct AxisTicks: Equatable {
    /// Positions of the labelled ticks, increasing.
    public let values: [Double]
    /// One label per value, as drawn.
    public let labels: [String]
    /// Positions of unlabelled small ticks (log axes: 2…9 × 10ᵏ).
    public let minor: [Double]

    /// The "nice" step for `span` split into about `approximateCount − 1` intervals: 1, 2 or 5 × 10ᵏ,
    /// whichever is closest to `span / (approximateCount − 1)` (Heckbert's rule: cut points 1.5, 3, 7).
    public static func niceStep(for span: Double, approximateCount: Int = 6) -> Double {
        require(span.isFinite && span > 0, "AxisTicks.niceStep: span must be finite and positive, got \(span)")
        let rough = span / Double(max(1, approximateCount - 1))
        let exponent = (Foundation.log10(rough)).rounded(.down)
        let magnitude = pow(10, exponent)
        let f = rough / magnitude
        let nice: Double = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10
        return nice * magnitude
    }

    /// Ticks at every multiple of a nice step (`niceStep`) inside `range`, labelled with as many
    /// decimals as the step needs (scientific notation for very large or very small values).
    public static func linear(in range: ClosedRange<Double>, approximateCount: Int = 6) -> AxisTicks {
        require(range.lowerBound.isFinite && range.upperBound.isFinite && range.upperBound > range.lowerBound,
                "AxisTicks.linear: range must be finite with upper > lower, got \(range)")
        let step = niceStep(for: range.upperBound - range.lowerBound, approximateCount: approximateCount)
        // A tiny tolerance keeps ticks that sit on the bounds up to rounding.
        let slack = step * 1e-9
        let first = Int(((range.lowerBound - slack) / step).rounded(.up))
        let last = Int(((range.upperBound + slack) / step).rounded(.down))
        let values = first <= last ? (first...last).map { Double($0) * step } : []
        let largest = values.map { abs($0) }.max() ?? 0
        let scientific = largest >= 1e5 || step < 1e-3
        let decimals = max(0, -Int((Foundation.log10(step) + 1e-9).rounded(.down)))
        let labels = values.map { v -> String in
            if v == 0 { return "0" }
            return scientific ? formatScientific(v, step: step) : formatFixed(v, decimals: decimals)
        }
        return AxisTicks(values: values, labels: labels, minor: [])
    }

    /// Ticks for a log₁₀ axis over `range` (both bounds positive): a labelled tick at every power of
    /// ten inside (every k-th when there are more than 8), minor ticks at 2…9 × 10ᵏ when the range spans
    /// at most 6 decades. When fewer than two powers of ten fall inside, 2 × 10ᵏ and 5 × 10ᵏ are labelled
    /// too (and then every minor tick), so a narrow range still reads.
    public static func log10(in range: ClosedRange<Double>) -> AxisTicks {
        require(range.lowerBound > 0 && range.upperBound.isFinite && range.upperBound > range.lowerBound,
                "AxisTicks.log10: range must be positive and finite with upper > lower, got \(range)")
        let lowExponent = Int(Foundation.log10(range.lowerBound).rounded(.down))
        let highExponent = Int(Foundation.log10(range.upperBound).rounded(.up))
        func inside(_ v: Double) -> Bool {
            v >= range.lowerBound * (1 - 1e-9) && v <= range.upperBound * (1 + 1e-9)
        }
        let decades = (lowExponent...highExponent).map { pow(10, Double($0)) }.filter(inside)
        let every = max(1, Int((Double(decades.count) / 8).rounded(.up)))
        var major = decades.enumerated().filter { $0.offset % every == 0 }.map(\.element)
        // Minor ticks as (multiplier m, value m × 10ᵏ), so some can be promoted to labelled ones.
        var minor = [(multiplier: Int, value: Double)]()
        if highExponent - lowExponent <= 6 {
            for e in lowExponent..<highExponent {
                for m in 2...9 where inside(Double(m) * pow(10, Double(e))) {
                    minor.append((m, Double(m) * pow(10, Double(e))))
                }
            }
        }
        for promote in [[2, 5], Array(2...9)] where major.count < 2 {
            major = (major + minor.filter { promote.contains($0.multiplier) }.map(\.value)).sorted()
            minor.removeAll { promote.contains($0.multiplier) }
        }
        let skippedDecades = decades.filter { !major.contains($0) }
        return AxisTicks(values: major, labels: major.map(formatPositive),
                         minor: (minor.map(\.value) + skippedDecades).sorted())
    }

    /// A positive value in its shortest plain form ("0.002", "50", "3000"), or "2e-5" / "3e6" outside
    /// 10⁻³ … 10⁵.
    static func formatPositive(_ v: Double) -> String {
        guard v.isFinite && v > 0 else { return formatFixed(v, decimals: 0) }
        let exponent = Int((Foundation.log10(v) + 1e-9).rounded(.down))
        if exponent < -3 || exponent >= 5 { return formatScientific(v, step: pow(10, Double(exponent))) }
        for decimals in 0...6 where abs(v - (v * pow(10, Double(decimals))).rounded() / pow(10, Double(decimals))) < 1e-9 * v {
            return formatFixed(v, decimals: decimals)
        }
        return formatFixed(v, decimals: 6)
    }

    /// `v` with exactly `decimals` digits after the point, no "-0"; magnitudes of 10¹⁸ and more
    /// (after the shift) in scientific notation, non-finite values as "nan", "inf", "-inf".
    static func formatFixed(_ v: Double, decimals: Int) -> String {
        guard v.isFinite else { return v.isNaN ? "nan" : (v < 0 ? "-inf" : "inf") }
        let scaled = (abs(v) * pow(10, Double(decimals))).rounded()
        guard scaled < 1e18 else { return formatScientific(v, step: abs(v) / 1e3) }
        var digits = String(Int64(scaled))
        if decimals > 0 {
            if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
        }
        return (v < 0 && scaled != 0 ? "-" : "") + digits
    }

    /// `v` as "m.ddde±k" with as many mantissa digits as `step` resolves ("2.5e-4", "1e6").
    static func formatScientific(_ v: Double, step: Double) -> String {
        guard v.isFinite && v != 0 else { return v == 0 ? "0" : formatFixed(v, decimals: 0) }
        let step = step.isFinite && step > 0 ? step : abs(v)
        let exponent = Int((Foundation.log10(abs(v)) + 1e-9).rounded(.down))
        let mantissa = v / pow(10, Double(exponent))
        let decimals = min(6, max(0, exponent - Int(Foundation.log10(step).rounded(.down))))
        var text = formatFixed(mantissa, decimals: decimals)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text + "e" + String(exponent)
    }
}
