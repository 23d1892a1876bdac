import LatentTensor

/// A scatter plot of 2-D points colored by an integer label: the picture of a 2-D latent space,
/// with one color per class (`Palette.tableau10`) and a legend naming them.
///
/// ```swift
/// let plot = ScatterPlot(points: codes /* [N, 2] */, labels: digits, title: "q(z|x) means")
/// try PNG.write(plot.render(), to: "latent.png")
/// ```
public struct ScatterPlot {
    /// Horizontal and vertical coordinates, one pair per point.
    public var x: [Double], y: [Double]
    /// One class per point (any integers; colors go by the sorted distinct labels), or nil for one color.
    public var labels: [Int]?
    /// Legend text per label; labels without an entry show their number.
    public var labelNames: [Int: String] = [:]
    /// Drawn bold above the plot.
    public var title: String
    /// Axis titles.
    public var xTitle: String, yTitle: String
    /// Fixed axis ranges; nil fits the points with a small margin.
    public var xRange: ClosedRange<Double>?, yRange: ClosedRange<Double>?
    /// Dot radius in pixels and opacity (below 1 so dense regions show their density).
    public var pointRadius = 2.5, pointAlpha = 0.75
    /// Image size in pixels.
    public var width = 720, height = 560
    /// Where the label legend goes (right of the plot by default; hidden without labels).
    public var legend: LegendPosition = .outside
    /// Text size, colors and grid.
    public var style = ChartStyle()

    /// Points from matching coordinate arrays; `labels`, when given, has one entry per point.
    /// Points with a NaN or infinite coordinate are not drawn; with none finite the plot is empty
    /// and says so.
    public init<T: BinaryFloatingPoint>(x: [T], y: [T], labels: [Int]? = nil, title: String = "",
                                        xTitle: String = "", yTitle: String = "") {
        require(x.count == y.count, "ScatterPlot: x has \(x.count) values but y has \(y.count)")
        require(labels == nil || labels!.count == x.count,
                "ScatterPlot: \(labels?.count ?? 0) labels for \(x.count) points; give one label per point")
        self.x = x.map { Double($0) }
        self.y = y.map { Double($0) }
        self.labels = labels
        (self.title, self.xTitle, self.yTitle) = (title, xTitle, yTitle)
    }

    /// Points from the rows of an `[N, 2]` tensor (e.g. 2-D latent codes), axes titled z₀ and z₁ by default.
    public init(points: Tensor, labels: [Int]? = nil, title: String = "", xTitle: String = "z0", yTitle: String = "z1") {
        require(points.rank == 2 && points.shape[1] == 2, "ScatterPlot: points must have shape [N, 2], got \(points.shape)")
        let flat = points.scalars
        self.init(x: stride(from: 0, to: flat.count, by: 2).map { flat[$0] },
                  y: stride(from: 1, to: flat.count, by: 2).map { flat[$0] },
                  labels: labels, title: title, xTitle: xTitle, yTitle: yTitle)
    }

    /// The axes fitted to the points, the plot layout, and the legend entries with each label's palette index.
    /// `empty` when no point has two finite coordinates (and fixed ranges are not given).
    func layout() -> (frame: ChartFrame, entries: [LegendEntry], showLegend: Bool, colorIndex: [Int: Int], empty: Bool) {
        require(!x.isEmpty, "ScatterPlot '\(title)': no points to draw")
        let classes = Array(Set(labels ?? [])).sorted()
        let colorIndex = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let entries = classes.map { LegendEntry(label: labelNames[$0] ?? String($0), color: Palette.color(colorIndex[$0]!), marker: .dot) }
        let showLegend = legend != .hidden && !entries.isEmpty
        let strip = showLegend && legend == .outside ? Legend.outsideWidth(of: entries, scale: style.textScale) : 0
        let finite = zip(x, y).filter { $0.0.isFinite && $0.1.isFinite }
        let xAxis = xRange.map { Axis(range: $0, title: xTitle) } ?? Axis.fittingIfPossible(finite.map(\.0), title: xTitle)
        let yAxis = yRange.map { Axis(range: $0, title: yTitle) } ?? Axis.fittingIfPossible(finite.map(\.1), title: yTitle)
        let frame = ChartFrame(width: width, height: height, title: title, x: xAxis ?? .placeholder(scale: .linear, title: xTitle),
                               y: yAxis ?? .placeholder(scale: .linear, title: yTitle), style: style, rightStrip: strip)
        return (frame, entries, showLegend, colorIndex, xAxis == nil || yAxis == nil)
    }

    /// The chart as an RGB image of `width`×`height` pixels.
    public func render() -> RGBImage {
        let (frame, entries, showLegend, colorIndex, empty) = layout()
        var image = RGBImage(width: width, height: height, fill: style.background)
        frame.drawBackground(on: &image)
        var drawn = [(x: Double, y: Double)]()
        for i in x.indices where x[i].isFinite && y[i].isFinite {
            let color = labels.map { Palette.color(colorIndex[$0[i]]!) } ?? Palette.color(0)
            let p = (x: frame.pixelX(x[i]), y: frame.pixelY(y[i]))
            image.fillCircle(cx: p.x, cy: p.y, radius: pointRadius, color: color, alpha: pointAlpha, clip: frame.plot)
            drawn.append(p)
        }
        frame.drawAxes(on: &image)
        if showLegend {
            Legend.draw(entries, at: legend, in: frame.plot, style: style, avoiding: drawn, on: &image)
        }
        if empty { frame.drawNote("no finite points to show", on: &image) }
        return image
    }
}
