import LatentTensor
/// One named curve of a `LineChart`: y against x, drawn in order of the points.
public struct LineSeries {
    /// Shown in the legend.
    public var name: String
    /// Horizontal coordinates (e.g. step or epoch).
    public var x: [Double]
    /// Vertical coordinates (e.g. loss); same count as `x`.
    public var y: [Double]
    /// The line color; nil takes the next palette color (`Palette.tableau10`) by series index.
    public var color: RGB?

    /// A series from matching x and y values; points with a NaN or infinite coordinate (or y ≤ 0 on a
    /// log axis) are left out and break the line there.
    public init<X: BinaryFloatingPoint, Y: BinaryFloatingPoint>(name: String, x: [X], y: [Y], color: RGB? = nil) {
        require(x.count == y.count, "LineSeries '\(name)': x has \(x.count) values but y has \(y.count)")
        self.name = name
        self.x = x.map { Double($0) }
        self.y = y.map { Double($0) }
        self.color = color
    }

    /// A series whose x values are 0, 1, 2, … (one per y value), as for per-step or per-epoch metrics.
    public init<Y: BinaryFloatingPoint>(name: String, y: [Y], color: RGB? = nil) {
        self.init(name: name, x: (0..<y.count).map { Double($0) }, y: y, color: color)
    }
}

/// A line chart for training curves: several named series, axes with nice ticks, axis titles, a
/// legend, and an optional log₁₀ y axis for losses spanning decades. Points with a non-finite
/// coordinate break their line; a chart with no finite point draws empty axes and says so.
///
/// ```swift
/// var chart = LineChart(title: "ELBO", xTitle: "epoch", yTitle: "nats")
/// chart.add(LineSeries(name: "train", y: trainLoss))
/// chart.add(LineSeries(name: "test", y: testLoss))
/// try PNG.write(chart.render(), to: "elbo.png")
/// ```
public struct LineChart {
    /// Drawn bold above the plot (may be empty).
    public var title: String
    /// Horizontal axis title.
    public var xTitle: String
    /// Vertical axis title (drawn rotated).
    public var yTitle: String
    /// The curves, drawn in order (later ones on top).
    public var series: [LineSeries] = []
    /// Linear or log₁₀ placement on the y axis.
    public var yScale: AxisScale = .linear
    /// Fixed axis ranges; nil fits the data with a small margin.
    public var xRange: ClosedRange<Double>?, yRange: ClosedRange<Double>?
    /// Image size in pixels.
    public var width = 800, height = 500
    /// Line thickness in pixels.
    public var lineWidth = 2.5
    /// Where the legend goes; it is drawn only when there is more than one series or a series has a name.
    public var legend: LegendPosition = .automatic
    /// Text size, colors and grid.
    public var style = ChartStyle()

    /// An empty chart with the given titles.
    public init(title: String = "", xTitle: String = "", yTitle: String = "") {
        (self.title, self.xTitle, self.yTitle) = (title, xTitle, yTitle)
    }

    /// Appends a curve.
    public mutating func add(_ series: LineSeries) { self.series.append(series) }

    /// The axes fitted to the data, the plot layout and the legend entries; `empty` when no point
    /// has two finite coordinates (positive y on a log axis) and fixed ranges are not given.
    func layout() -> (frame: ChartFrame, entries: [LegendEntry], showLegend: Bool, empty: Bool) {
        require(!series.isEmpty, "LineChart '\(title)': no series to draw; add at least one with add(_:)")
        for s in series {
            require(!s.x.isEmpty, "LineChart '\(title)': series '\(s.name)' has no points")
        }
        let points = series.flatMap { s in zip(s.x, s.y).filter { $0.0.isFinite && $0.1.isFinite && (yScale == .linear || $0.1 > 0) } }
        let xAxis = xRange.map { Axis(range: $0, title: xTitle) }
            ?? Axis.fittingIfPossible(points.map(\.0), title: xTitle, margin: 0.02)
        let yAxis = yRange.map { Axis(range: $0, scale: yScale, title: yTitle) }
            ?? Axis.fittingIfPossible(points.map(\.1), scale: yScale, title: yTitle)
        let entries = series.enumerated().map { i, s in LegendEntry(label: s.name, color: s.color ?? Palette.color(i), marker: .line) }
        let showLegend = legend != .hidden && (series.count > 1 || !series[0].name.isEmpty)
        let strip = showLegend && legend == .outside ? Legend.outsideWidth(of: entries, scale: style.textScale) : 0
        let frame = ChartFrame(width: width, height: height, title: title, x: xAxis ?? .placeholder(scale: .linear, title: xTitle),
                               y: yAxis ?? .placeholder(scale: yScale, title: yTitle), style: style, rightStrip: strip)
        return (frame, entries, showLegend, xAxis == nil || yAxis == nil)
    }

    /// The chart as an RGB image of `width`×`height` pixels.
    public func render() -> RGBImage {
        let (frame, entries, showLegend, empty) = layout()
        var image = RGBImage(width: width, height: height, fill: style.background)
        frame.drawBackground(on: &image)
        var drawn = [(x: Double, y: Double)]()
        for (index, s) in series.enumerated() {
            let color = s.color ?? Palette.color(index)
            for run in runs(of: s, in: frame) {
                image.strokePolyline(run, color: color, width: lineWidth, clip: frame.plot)
                drawn += LineChart.densify(run)
            }
        }
        frame.drawAxes(on: &image)
        if showLegend {
            Legend.draw(entries, at: legend, in: frame.plot, style: style, avoiding: drawn, on: &image)
        }
        if empty { frame.drawNote("no finite values to show", on: &image) }
        return image
    }

    /// The series' points in pixel coordinates, split into runs at points that cannot be shown.
    func runs(of s: LineSeries, in frame: ChartFrame) -> [[(x: Double, y: Double)]] {
        var runs = [[(x: Double, y: Double)]](), current = [(x: Double, y: Double)]()
        for (x, y) in zip(s.x, s.y) {
            let px = frame.pixelX(x), py = frame.pixelY(y)
            if x.isFinite && y.isFinite && px.isFinite && py.isFinite {
                current.append((px, py))
            } else if !current.isEmpty {
                runs.append(current)
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    /// Points every few pixels along a polyline, so legend placement sees long straight segments.
    static func densify(_ run: [(x: Double, y: Double)]) -> [(x: Double, y: Double)] {
        var points = run
        for (p, q) in zip(run, run.dropFirst()) {
            let length = ((q.x - p.x) * (q.x - p.x) + (q.y - p.y) * (q.y - p.y)).squareRoot()
            let steps = min(200, Int(length / 4))
            if steps > 1 {
                for k in 1..<steps {
                    let t = Double(k) / Double(steps)
                    points.append((p.x + t * (q.x - p.x), p.y + t * (q.y - p.y)))
                }
            }
        }
        return points
    }
}
