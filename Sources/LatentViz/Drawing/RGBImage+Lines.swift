extension RGBImage {
    /// An anti-aliased polyline through `points` (pixel coordinates, y down), `width` pixels thick with
    /// round joins and caps; only pixels inside `clip` change.
    ///
    /// Each pixel's coverage is `clamp(width/2 + 0.5 − d, 0, 1)` with `d` the distance from its centre to
    /// the nearest segment; the coverages of all segments are merged (maximum) before the color is
    /// blended once, so joins are not darkened by overlapping segments. Non-finite points are skipped.
    public mutating func strokePolyline(_ points: [(x: Double, y: Double)], color: RGB, width lineWidth: Double,
                                        alpha: Double = 1, clip: PixelRect? = nil) {
        let finite = points.filter { $0.x.isFinite && $0.y.isFinite }
        guard !finite.isEmpty, lineWidth > 0 else { return }
        let reach = lineWidth / 2 + 1
        // Clamp before converting to Int so far-away points cannot overflow.
        func clamped(_ v: Double, _ limit: Int) -> Int { Int(min(max(v, -2), Double(limit + 2))) }
        let x0 = clamped((finite.map(\.x).min()! - reach).rounded(.down), width)
        let x1 = clamped((finite.map(\.x).max()! + reach).rounded(.up), width)
        let y0 = clamped((finite.map(\.y).min()! - reach).rounded(.down), height)
        let y1 = clamped((finite.map(\.y).max()! + reach).rounded(.up), height)
        let box = PixelRect(x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1)
            .intersection((clip ?? bounds).intersection(bounds))
        guard box.width > 0, box.height > 0 else { return }
        var coverage = [Double](repeating: 0, count: box.width * box.height)
        let half = lineWidth / 2
        let segments = finite.count == 1 ? [(finite[0], finite[0])] : Array(zip(finite, finite.dropFirst()))
        for (p, q) in segments {
            let x0 = max(box.x, clamped((min(p.x, q.x) - reach).rounded(.down), width))
            let x1 = min(box.maxX - 1, clamped((max(p.x, q.x) + reach).rounded(.up), width))
            let y0 = max(box.y, clamped((min(p.y, q.y) - reach).rounded(.down), height))
            let y1 = min(box.maxY - 1, clamped((max(p.y, q.y) + reach).rounded(.up), height))
            guard x0 <= x1, y0 <= y1 else { continue }
            let dx = q.x - p.x, dy = q.y - p.y
            let lengthSquared = dx * dx + dy * dy
            for y in y0...y1 {
                let rowStart = (y - box.y) * box.width - box.x
                for x in x0...x1 {
                    let cx = Double(x) + 0.5 - p.x, cy = Double(y) + 0.5 - p.y
                    let t = lengthSquared > 0 ? min(1, max(0, (cx * dx + cy * dy) / lengthSquared)) : 0
                    let ex = cx - t * dx, ey = cy - t * dy
                    let c = half + 0.5 - (ex * ex + ey * ey).squareRoot()
                    if c > 0 {
                        let k = rowStart + x
                        coverage[k] = max(coverage[k], min(1, c))
                    }
                }
            }
        }
        for y in box.y..<box.maxY {
            for x in box.x..<box.maxX {
                let c = coverage[(y - box.y) * box.width + (x - box.x)]
                if c > 0 { blend(x: x, y: y, color: color, alpha: c * alpha) }
            }
        }
    }

    /// A one-pixel horizontal line from `x0` to `x1` (inclusive) on row `y`.
    public mutating func horizontalLine(y: Int, from x0: Int, to x1: Int, color: RGB) {
        fill(PixelRect(x: min(x0, x1), y: y, width: abs(x1 - x0) + 1, height: 1), color: color)
    }

    /// A one-pixel vertical line from `y0` to `y1` (inclusive) in column `x`.
    public mutating func verticalLine(x: Int, from y0: Int, to y1: Int, color: RGB) {
        fill(PixelRect(x: x, y: min(y0, y1), width: 1, height: abs(y1 - y0) + 1), color: color)
    }
}
