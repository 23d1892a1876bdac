import LatentTensor
/// The layout every chart shares: a title on top, the plot rectangle, ticks and labels left and
/// below, axis titles outside those, and an optional strip on the right (color bars).
///
/// Charts draw grid lines first, then their data clipped to `plot`, then the frame and labels on top.
struct ChartFrame {
    /// Where data are drawn; the frame line runs just outside it.
    let plot: PixelRect
    let x: Axis, y: Axis
    let title: String
    let style: ChartStyle

    static let outerPadding = 12
    static let tickLength = 5

    /// Lays out a `width`×`height` chart, keeping `rightStrip` pixels right of the plot free.
    init(width: Int, height: Int, title: String, x: Axis, y: Axis, style: ChartStyle, rightStrip: Int = 0) {
        self.x = x
        self.y = y
        self.title = title
        self.style = style
        let s = style.textScale, textHeight = BitmapFont.capHeight * s
        let pad = ChartFrame.outerPadding, tick = ChartFrame.tickLength
        let yLabelWidth = y.ticks.labels.map { BitmapFont.size(of: $0, scale: s).width }.max() ?? 0
        let lastXLabel = x.ticks.labels.last.map { BitmapFont.size(of: $0, scale: s).width } ?? 0
        let top = pad + (title.isEmpty ? textHeight / 2 : BitmapFont.capHeight * style.titleScale + 2 * pad)
        let left = pad + (y.title.isEmpty ? 0 : textHeight + 2 * s + 6) + yLabelWidth + tick + 6
        let bottom = pad + (x.title.isEmpty ? 0 : textHeight + 2 * s + 8) + textHeight + 2 * s + tick + 5
        let right = pad + max(lastXLabel / 2, rightStrip)
        plot = PixelRect(x: left, y: top, width: width - left - right, height: height - top - bottom)
        require(plot.width >= 40 && plot.height >= 40,
                "Chart: \(width)×\(height) pixels leave only \(plot.width)×\(plot.height) for the plot; make the image larger or the text smaller")
    }

    /// Continuous horizontal pixel coordinate of data value `v`.
    func pixelX(_ v: Double) -> Double { Double(plot.x) + x.fraction(of: v) * Double(plot.width) }
    /// Continuous vertical pixel coordinate of data value `v` (larger values higher up).
    func pixelY(_ v: Double) -> Double { Double(plot.maxY) - y.fraction(of: v) * Double(plot.height) }

    /// The pixel column of a tick at `v`, kept inside the plot.
    func column(_ v: Double) -> Int { min(plot.maxX - 1, max(plot.x, Int(pixelX(v).rounded(.down)))) }
    /// The pixel row of a tick at `v`, kept inside the plot.
    func row(_ v: Double) -> Int { min(plot.maxY - 1, max(plot.y, Int(pixelY(v).rounded(.down)))) }

    /// Background and grid lines at the labelled ticks.
    func drawBackground(on image: inout RGBImage) {
        image.fill(image.bounds, color: style.background)
        guard style.showGrid else { return }
        for v in x.ticks.values { image.verticalLine(x: column(v), from: plot.y, to: plot.maxY - 1, color: .gridLine) }
        for v in y.ticks.values { image.horizontalLine(y: row(v), from: plot.x, to: plot.maxX - 1, color: .gridLine) }
    }

    /// Frame, ticks, tick labels, axis titles and the chart title.
    func drawAxes(on image: inout RGBImage) {
        let s = style.textScale, ink = style.ink, tick = ChartFrame.tickLength, pad = ChartFrame.outerPadding
        image.stroke(PixelRect(x: plot.x - 1, y: plot.y - 1, width: plot.width + 2, height: plot.height + 2), color: ink)
        for v in x.ticks.minor { image.verticalLine(x: column(v), from: plot.maxY + 1, to: plot.maxY + tick / 2 + 1, color: ink) }
        for v in y.ticks.minor { image.horizontalLine(y: row(v), from: plot.x - tick / 2 - 2, to: plot.x - 2, color: ink) }
        let labelTop = plot.maxY + tick + 5
        for (index, (v, label)) in zip(x.ticks.values, x.ticks.labels).enumerated() {
            image.verticalLine(x: column(v), from: plot.maxY + 1, to: plot.maxY + tick + 1, color: ink)
            if index % xLabelStride == 0 {
                image.drawText(label, x: column(v) + 1, y: labelTop, scale: s, color: ink, anchor: TextAnchor(.center, .top))
            }
        }
        for (v, label) in zip(y.ticks.values, y.ticks.labels) {
            image.horizontalLine(y: row(v), from: plot.x - tick - 2, to: plot.x - 2, color: ink)
            image.drawText(label, x: plot.x - tick - 6, y: row(v) + 1, scale: s, color: ink, anchor: TextAnchor(.right, .middle))
        }
        if !x.title.isEmpty {
            image.drawText(x.title, x: plot.x + plot.width / 2, y: image.height - pad - 2 * s, scale: s, color: ink,
                           anchor: TextAnchor(.center, .bottom))
        }
        if !y.title.isEmpty {
            image.drawText(y.title, x: pad, y: plot.y + plot.height / 2, scale: s, color: ink,
                           anchor: TextAnchor(.left, .middle), rotated: true)
        }
        if !title.isEmpty {
            for dx in 0...1 {
                image.drawText(title, x: plot.x + plot.width / 2 + dx, y: pad, scale: style.titleScale, color: ink,
                               anchor: TextAnchor(.center, .top))
            }
        }
    }

    /// `note` centred in the plot on a background box: what an empty chart says instead of data.
    func drawNote(_ note: String, on image: inout RGBImage) {
        let s = style.textScale, size = BitmapFont.size(of: note, scale: s)
        let cx = plot.x + plot.width / 2, cy = plot.y + plot.height / 2
        let box = PixelRect(x: cx - size.width / 2 - 6, y: cy - size.height / 2 - 5, width: size.width + 12, height: size.height + 10)
        image.fill(box.intersection(plot), color: style.background)
        image.stroke(box.intersection(plot), color: style.ink)
        image.drawText(note, x: cx, y: cy, scale: s, color: style.ink, anchor: TextAnchor(.center, .middle))
    }

    /// Label every k-th x tick so neighbouring labels keep a gap of at least two characters.
    var xLabelStride: Int {
        let values = x.ticks.values
        guard values.count >= 2 else { return 1 }
        let spacing = abs(pixelX(values[1]) - pixelX(values[0]))
        let widest = x.ticks.labels.map { BitmapFont.size(of: $0, scale: style.textScale).width }.max() ?? 0
        let needed = Double(widest + 2 * BitmapFont.advance * style.textScale)
        return max(1, Int((needed / max(spacing, 1)).rounded(.up)))
    }
}
