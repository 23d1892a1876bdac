/// Where a chart puts its legend box, inside the plot.
public enum LegendPosition: Equatable {
    /// The corner that covers the fewest data points (ties: top right, top left, bottom right, bottom left).
    case automatic
    /// A fixed corner inside the plot.
    case topRight, topLeft, bottomRight, bottomLeft
    /// Right of the plot, top-aligned (the chart narrows the plot to make room); for many entries.
    case outside
    /// No legend.
    case hidden
}

/// One legend line: a swatch in the series' color, then its name.
struct LegendEntry {
    enum Marker { case line, dot }
    let label: String
    let color: RGB
    let marker: Marker
}

/// Draws a legend box in a corner of the plot.
enum Legend {
    static let swatchWidth = 24

    /// Size of the box for `entries` at text scale `s`.
    static func size(of entries: [LegendEntry], scale s: Int) -> (width: Int, height: Int) {
        let rowHeight = BitmapFont.capHeight * s + 8
        let textWidth = entries.map { BitmapFont.size(of: $0.label, scale: s).width }.max() ?? 0
        return (8 + swatchWidth + 8 + textWidth + 10, entries.count * rowHeight + 8)
    }

    /// Pixels a chart keeps right of the plot for an `.outside` legend.
    static func outsideWidth(of entries: [LegendEntry], scale s: Int) -> Int { size(of: entries, scale: s).width + 16 }

    /// The box for `position` (which must not be `.automatic` or `.hidden`) inside `plot`, or right of
    /// it for `.outside`.
    static func box(at position: LegendPosition, size: (width: Int, height: Int), in plot: PixelRect) -> PixelRect {
        let inset = 8
        if position == .outside {
            return PixelRect(x: plot.maxX + 16, y: plot.y, width: size.width, height: size.height)
        }
        let left = position == .topLeft || position == .bottomLeft
        let top = position == .topLeft || position == .topRight
        return PixelRect(x: left ? plot.x + inset : plot.maxX - inset - size.width,
                         y: top ? plot.y + inset : plot.maxY - inset - size.height,
                         width: size.width, height: size.height)
    }

    /// The corner whose box holds the fewest of `points` (pixel coordinates).
    static func emptiestCorner(size: (width: Int, height: Int), in plot: PixelRect,
                               avoiding points: [(x: Double, y: Double)]) -> LegendPosition {
        let corners: [LegendPosition] = [.topRight, .topLeft, .bottomRight, .bottomLeft]
        let counts = corners.map { corner -> Int in
            let b = box(at: corner, size: size, in: plot)
            return points.reduce(0) { n, p in
                n + (p.x >= Double(b.x) && p.x < Double(b.maxX) && p.y >= Double(b.y) && p.y < Double(b.maxY) ? 1 : 0)
            }
        }
        return corners[counts.firstIndex(of: counts.min()!)!]
    }

    /// Draws the legend; `points` (pixel coordinates of the data) steer `.automatic` placement.
    static func draw(_ entries: [LegendEntry], at position: LegendPosition, in plot: PixelRect, style: ChartStyle,
                     avoiding points: [(x: Double, y: Double)], on image: inout RGBImage) {
        guard position != .hidden, !entries.isEmpty else { return }
        let s = style.textScale
        let size = self.size(of: entries, scale: s)
        let corner = position == .automatic ? emptiestCorner(size: size, in: plot, avoiding: points) : position
        let b = box(at: corner, size: size, in: plot)
        for y in b.y..<b.maxY { for x in b.x..<b.maxX { image.blend(x: x, y: y, color: style.background, alpha: 0.88) } }
        image.stroke(b, color: RGB(190, 190, 190))
        let rowHeight = BitmapFont.capHeight * s + 8
        for (i, entry) in entries.enumerated() {
            let midY = Double(b.y + 4 + i * rowHeight) + Double(rowHeight) / 2
            let swatchLeft = Double(b.x + 8)
            switch entry.marker {
            case .line:
                image.strokePolyline([(swatchLeft, midY), (swatchLeft + Double(swatchWidth), midY)], color: entry.color, width: 3)
            case .dot:
                image.fillCircle(cx: swatchLeft + Double(swatchWidth) / 2, cy: midY, radius: 4.5, color: entry.color)
            }
            image.drawText(entry.label, x: b.x + 8 + swatchWidth + 8, y: Int(midY.rounded(.down)) + 1, scale: s,
                           color: style.ink, anchor: TextAnchor(.left, .middle))
        }
    }
}
