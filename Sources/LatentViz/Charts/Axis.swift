import LatentTensor
import Foundation

/// How data values are placed along an axis.
public enum AxisScale: Equatable {
    /// Equal distances for equal differences.
    case linear
    /// Equal distances for equal ratios (log₁₀); only positive values can be shown.
    case log10
}

/// One axis of a chart: its data range, scale, title and ticks, and the map from data values to a
/// fraction of the axis length.
public struct Axis {
    /// The data interval the axis shows, from its start (left or bottom) to its end.
    public let range: ClosedRange<Double>
    /// Linear or logarithmic placement.
    public let scale: AxisScale
    /// Drawn beside the axis (may be empty).
    public var title: String
    /// Labelled and minor ticks inside `range`.
    public let ticks: AxisTicks

    /// An axis over `range`, which must be finite, increasing, and positive on a log scale.
    public init(range: ClosedRange<Double>, scale: AxisScale = .linear, title: String = "", approximateTickCount: Int = 6) {
        require(range.lowerBound.isFinite && range.upperBound.isFinite && range.upperBound > range.lowerBound,
                "Axis: range must be finite with upper > lower, got \(range)")
        require(scale == .linear || range.lowerBound > 0, "Axis: a log axis needs a positive range, got \(range)")
        self.range = range
        self.scale = scale
        self.title = title
        ticks = scale == .linear ? .linear(in: range, approximateCount: approximateTickCount) : .log10(in: range)
    }

    /// An axis that shows all finite `values` (positive ones on a log scale) with `margin` of the span
    /// added on each side (in log space for log axes). A single distinct value gets a range around it.
    /// `what` names the data in the message when there is nothing to show.
    public static func fitting(_ values: [Double], scale: AxisScale = .linear, title: String = "",
                               margin: Double = 0.04, what: String = "data") -> Axis {
        let axis = fittingIfPossible(values, scale: scale, title: title, margin: margin)
        require(axis != nil, "Axis.fitting: \(what) has no finite\(scale == .log10 ? " positive" : "") values to show (\(values.count) given)")
        return axis!
    }

    /// Values beyond ±`largestMagnitude` are drawn at that magnitude, so a fitted range's span stays finite.
    public static let largestMagnitude = 1e300

    /// `fitting`, or nil when no value can be shown (none finite, or none positive on a log axis):
    /// the charts then draw empty axes with a note instead of stopping.
    public static func fittingIfPossible(_ values: [Double], scale: AxisScale = .linear, title: String = "",
                                         margin: Double = 0.04) -> Axis? {
        let usable = values.filter { $0.isFinite && (scale == .linear || $0 > 0) }
            .map { min(largestMagnitude, max(-largestMagnitude, $0)) }
        guard var low = usable.min(), var high = usable.max() else { return nil }
        if scale == .log10 { (low, high) = (Foundation.log10(low), Foundation.log10(high)) }
        if high == low {
            let half = scale == .log10 ? 0.5 : (low == 0 ? 1 : abs(low) * 0.1)
            (low, high) = (low - half, high + half)
        } else {
            let pad = (high - low) * margin
            (low, high) = (low - pad, high + pad)
        }
        if scale == .log10 { (low, high) = (pow(10, low), pow(10, high)) }
        return Axis(range: low...high, scale: scale, title: title)
    }

    /// The axis a chart with nothing to show draws: 0…1 (1…10 on a log scale).
    static func placeholder(scale: AxisScale, title: String) -> Axis {
        Axis(range: scale == .linear ? 0...1 : 1...10, scale: scale, title: title)
    }

    /// Where `value` falls along the axis: 0 at the range's start, 1 at its end (outside for values
    /// beyond it; NaN for non-positive values on a log axis).
    public func fraction(of value: Double) -> Double {
        switch scale {
        case .linear:
            return (value - range.lowerBound) / (range.upperBound - range.lowerBound)
        case .log10:
            guard value > 0 else { return .nan }
            return Foundation.log10(value / range.lowerBound) / Foundation.log10(range.upperBound / range.lowerBound)
        }
    }
}
