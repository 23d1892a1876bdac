/// Looks shared by all charts: text size, colors, grid lines.
public struct ChartStyle {
    /// Scale of the 5×7 font for tick labels, axis titles and legends (2 → 14-pixel capitals).
    public var textScale = 2
    /// Scale of the font for the chart title (drawn bold).
    public var titleScale = 2
    /// Canvas color around and under the plot.
    public var background = RGB.white
    /// Color of text, frame and ticks.
    public var ink = RGB.ink
    /// Light lines across the plot at every labelled tick.
    public var showGrid = true

    /// The default style: white background, dark text at scale 2, grid on.
    public init() {}
}
