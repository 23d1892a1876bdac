/// The vertical strip right of a heat map that shows which color means which value.
struct ColorBar {
    let range: ClosedRange<Double>
    let title: String
    let colormap: Colormap
    let style: ChartStyle
    let ticks: AxisTicks

    static let gap = 18, barWidth = 16

    init(range: ClosedRange<Double>, title: String, colormap: Colormap, style: ChartStyle) {
        (self.range, self.title, self.colormap, self.style) = (range, title, colormap, style)
        ticks = .linear(in: range, approximateCount: 6)
    }

    /// Pixels the bar, its tick labels and its title take right of the plot.
    var stripWidth: Int {
        let s = style.textScale
        let labels = ticks.labels.map { BitmapFont.size(of: $0, scale: s).width }.max() ?? 0
        return ColorBar.gap + ColorBar.barWidth + ChartFrame.tickLength + 4 + labels
            + (title.isEmpty ? 0 : 10 + BitmapFont.capHeight * s + 2 * s)
    }

    /// Draws the bar as tall as `plot`, low values at the bottom.
    func draw(beside plot: PixelRect, on image: inout RGBImage) {
        let s = style.textScale, ink = style.ink
        let bar = PixelRect(x: plot.maxX + ColorBar.gap, y: plot.y, width: ColorBar.barWidth, height: plot.height)
        for py in bar.y..<bar.maxY {
            let t = (Double(bar.maxY - py) - 0.5) / Double(bar.height)
            image.fill(PixelRect(x: bar.x, y: py, width: bar.width, height: 1), color: colormap.color(at: t))
        }
        image.stroke(PixelRect(x: bar.x - 1, y: bar.y - 1, width: bar.width + 2, height: bar.height + 2), color: ink)
        let span = range.upperBound - range.lowerBound
        for (v, label) in zip(ticks.values, ticks.labels) {
            let row = min(bar.maxY - 1, max(bar.y, Int((Double(bar.maxY) - (v - range.lowerBound) / span * Double(bar.height)).rounded(.down))))
            image.horizontalLine(y: row, from: bar.maxX + 1, to: bar.maxX + ChartFrame.tickLength, color: ink)
            image.drawText(label, x: bar.maxX + ChartFrame.tickLength + 4, y: row + 1, scale: s, color: ink,
                           anchor: TextAnchor(.left, .middle))
        }
        if !title.isEmpty {
            image.drawText(title, x: image.width - ChartFrame.outerPadding, y: bar.y + bar.height / 2, scale: s, color: ink,
                           anchor: TextAnchor(.right, .middle), rotated: true)
        }
    }
}
