import LatentTensor

/// A 2-D heat map of a density (or log-density) over a rectangle, with a color bar, axes, and optional
/// sample points on top: the picture of a flow's learned density next to its samples.
///
/// The values form a grid of `rows`×`columns` cells covering `xRange`×`yRange`; cell (r, c) holds the
/// value at x = x₀ + (c + ½)·Δx, y = y₀ + (r + ½)·Δy. **Row 0 is the bottom** (smallest y), as when
/// a grid is evaluated over ascending y. Between cell centres the values are interpolated bilinearly.
///
/// ```swift
/// var map = DensityMap(xRange: -4...4, yRange: -4...4, title: "p(x)") { x, y in exp(logDensity(x, y)) }
/// map.overlay(samples: flowSamples /* [N, 2] */)
/// try PNG.write(map.render(), to: "density.png")
/// ```
public struct DensityMap {
    /// The grid, row-major, row 0 at the bottom. −∞ is drawn in the colormap's low color, +∞ in its
    /// high color, NaN in `missingColor`; a grid without any finite value draws an empty plot with a note.
    public let values: [Double]
    /// Grid size.
    public let rows: Int, columns: Int
    /// The data rectangle the grid covers.
    public let xRange: ClosedRange<Double>, yRange: ClosedRange<Double>
    /// Drawn bold above the plot.
    public var title: String
    /// Axis titles.
    public var xTitle = "x1", yTitle = "x2"
    /// Title of the color bar (e.g. "density", "log p").
    public var valueTitle = ""
    /// Values mapped to the colormap's ends; nil spans the finite values.
    public var valueRange: ClosedRange<Double>?
    /// Values → colors.
    public var colormap = Colormap.viridis
    /// Color of NaN cells (outside every colormap here, so a broken model's holes show).
    public var missingColor = RGB(190, 190, 190)
    /// Points drawn over the map (data coordinates); those outside the rectangle are clipped.
    public var samples: [(x: Double, y: Double)] = []
    /// Look of the sample dots: red reads on every part of viridis.
    public var sampleColor = RGB(230, 30, 30), sampleRadius = 1.6, sampleAlpha = 0.8
    /// Image size in pixels.
    public var width = 680, height = 560
    /// Text size and colors (grid lines are not drawn over the map).
    public var style = ChartStyle()

    /// A map of a `[rows, columns]` tensor of values (row 0 at the bottom) over the given rectangle.
    public init(values: Tensor, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, title: String = "") {
        require(values.rank == 2 && values.shape[0] > 0 && values.shape[1] > 0,
                "DensityMap: values must have shape [rows, columns] with both > 0, got \(values.shape)")
        self.init(grid: values.scalars.map { Double($0) }, rows: values.shape[0], columns: values.shape[1],
                  xRange: xRange, yRange: yRange, title: title)
    }

    /// A map of `density(x, y)` evaluated at the centres of a `resolution`×`resolution` grid over the rectangle.
    public init(xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, resolution: Int = 128, title: String = "",
                density: (Double, Double) -> Double) {
        require(resolution >= 2, "DensityMap: resolution must be at least 2, got \(resolution)")
        var grid = [Double]()
        grid.reserveCapacity(resolution * resolution)
        for r in 0..<resolution {
            let y = yRange.lowerBound + (Double(r) + 0.5) / Double(resolution) * (yRange.upperBound - yRange.lowerBound)
            for c in 0..<resolution {
                let x = xRange.lowerBound + (Double(c) + 0.5) / Double(resolution) * (xRange.upperBound - xRange.lowerBound)
                grid.append(density(x, y))
            }
        }
        self.init(grid: grid, rows: resolution, columns: resolution, xRange: xRange, yRange: yRange, title: title)
    }

    init(grid: [Double], rows: Int, columns: Int, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, title: String) {
        for (name, range) in [("xRange", xRange), ("yRange", yRange)] {
            require(range.lowerBound.isFinite && range.upperBound.isFinite && range.upperBound > range.lowerBound,
                    "DensityMap: \(name) must be finite with upper > lower, got \(range)")
        }
        (values, self.rows, self.columns) = (grid, rows, columns)
        (self.xRange, self.yRange, self.title) = (xRange, yRange, title)
    }

    /// Draws the rows of an `[N, 2]` tensor (e.g. samples from a flow) over the map.
    public mutating func overlay(samples points: Tensor) {
        require(points.rank == 2 && points.shape[1] == 2, "DensityMap.overlay: samples must have shape [N, 2], got \(points.shape)")
        let flat = points.scalars
        samples += stride(from: 0, to: flat.count, by: 2).map { (Double(flat[$0]), Double(flat[$0 + 1])) }
    }

    /// True when no value is finite: the plot is left empty with a note.
    public var isEmpty: Bool { !values.contains { $0.isFinite } }

    /// The color scale's range: `valueRange`, or the finite values' extent (widened if they are all
    /// equal; magnitudes beyond `Axis.largestMagnitude` clamped; 0…1 when there is none).
    var colorRange: ClosedRange<Double> {
        if let valueRange { return valueRange }
        let finite = values.filter(\.isFinite).map { min(Axis.largestMagnitude, max(-Axis.largestMagnitude, $0)) }
        guard let low = finite.min(), let high = finite.max() else { return 0...1 }
        if high > low { return low...high }
        let half = low == 0 ? 0.5 : abs(low) * 0.1
        return (low - half)...(high + half)
    }

    /// `values` with ±∞ replaced by the ends of `range` (NaN stays NaN), ready to interpolate.
    func drawable(in range: ClosedRange<Double>) -> [Double] {
        values.map { $0.isNaN ? $0 : min(range.upperBound, max(range.lowerBound, $0)) }
    }

    /// The value at continuous grid coordinates (column, row), bilinear between cell centres, clamped at the edges.
    func interpolated(_ values: [Double], column u: Double, row v: Double) -> Double {
        let cu = min(max(u, 0), Double(columns - 1)), cv = min(max(v, 0), Double(rows - 1))
        let c0 = Int(cu), r0 = Int(cv)
        let c1 = min(c0 + 1, columns - 1), r1 = min(r0 + 1, rows - 1)
        let fu = cu - Double(c0), fv = cv - Double(r0)
        let bottom = values[r0 * columns + c0] * (1 - fu) + values[r0 * columns + c1] * fu
        let top = values[r1 * columns + c0] * (1 - fu) + values[r1 * columns + c1] * fu
        return bottom * (1 - fv) + top * fv
    }

    /// The plot layout (axes over the grid's rectangle, no grid lines) and the color bar.
    func layout() -> (frame: ChartFrame, bar: ColorBar) {
        let range = colorRange
        require(range.lowerBound.isFinite && range.upperBound.isFinite && range.upperBound > range.lowerBound,
                "DensityMap '\(title)': valueRange must be finite with upper > lower, got \(range)")
        var noGrid = style
        noGrid.showGrid = false
        let bar = ColorBar(range: range, title: valueTitle, colormap: colormap, style: style)
        let frame = ChartFrame(width: width, height: height, title: title, x: Axis(range: xRange, title: xTitle),
                               y: Axis(range: yRange, title: yTitle), style: noGrid, rightStrip: bar.stripWidth)
        return (frame, bar)
    }

    /// The chart as an RGB image of `width`×`height` pixels.
    public func render() -> RGBImage {
        let (frame, bar) = layout()
        let range = bar.range
        var image = RGBImage(width: width, height: height, fill: style.background)
        frame.drawBackground(on: &image)
        let table = colormap.lookupTable()
        let plot = frame.plot
        let span = range.upperBound - range.lowerBound
        let grid = drawable(in: range)
        for py in plot.y..<plot.maxY {
            // Data y at the pixel centre, then the continuous row coordinate (cell centres at integers).
            let fy = (Double(plot.maxY - py) - 0.5) / Double(plot.height)
            let v = fy * Double(rows) - 0.5
            for px in plot.x..<plot.maxX {
                let fx = (Double(px - plot.x) + 0.5) / Double(plot.width)
                let t = (interpolated(grid, column: fx * Double(columns) - 0.5, row: v) - range.lowerBound) / span
                image[px, py] = t.isNaN ? missingColor : table[Int(min(1, max(0, t)) * 255 + 0.5)]
            }
        }
        for s in samples where s.x.isFinite && s.y.isFinite {
            image.fillCircle(cx: frame.pixelX(s.x), cy: frame.pixelY(s.y), radius: sampleRadius,
                             color: sampleColor, alpha: sampleAlpha, clip: plot)
        }
        frame.drawAxes(on: &image)
        bar.draw(beside: plot, on: &image)
        if isEmpty { frame.drawNote("no finite values to show", on: &image) }
        return image
    }
}
