extension RGBImage {
    /// The whole image as a rectangle.
    public var bounds: PixelRect { PixelRect(x: 0, y: 0, width: width, height: height) }

    /// Mixes `color` into the pixel at (x, y) with opacity `alpha` in [0, 1] (0 leaves it, 1 replaces it).
    /// Pixels outside the image are ignored.
    public mutating func blend(x: Int, y: Int, color: RGB, alpha: Double) {
        guard x >= 0, y >= 0, x < width, y < height, alpha > 0 else { return }
        let a = min(alpha, 1)
        let i = 3 * (y * width + x)
        pixels[i] = RGBImage.mix(pixels[i], color.r, a)
        pixels[i + 1] = RGBImage.mix(pixels[i + 1], color.g, a)
        pixels[i + 2] = RGBImage.mix(pixels[i + 2], color.b, a)
    }

    @inline(__always)
    static func mix(_ under: UInt8, _ over: UInt8, _ alpha: Double) -> UInt8 {
        UInt8((Double(under) * (1 - alpha) + Double(over) * alpha).rounded())
    }

    /// Paints every pixel of `rect` (clipped to the image) with `color`.
    public mutating func fill(_ rect: PixelRect, color: RGB) {
        let r = rect.intersection(bounds)
        guard r.width > 0, r.height > 0 else { return }
        for y in r.y..<r.maxY {
            var i = 3 * (y * width + r.x)
            for _ in 0..<r.width {
                pixels[i] = color.r; pixels[i + 1] = color.g; pixels[i + 2] = color.b
                i += 3
            }
        }
    }

    /// A rectangle's outline, `thickness` pixels wide, drawn inside `rect`.
    public mutating func stroke(_ rect: PixelRect, color: RGB, thickness: Int = 1) {
        let t = min(thickness, rect.width, rect.height)
        guard t > 0 else { return }
        fill(PixelRect(x: rect.x, y: rect.y, width: rect.width, height: t), color: color)
        fill(PixelRect(x: rect.x, y: rect.maxY - t, width: rect.width, height: t), color: color)
        fill(PixelRect(x: rect.x, y: rect.y, width: t, height: rect.height), color: color)
        fill(PixelRect(x: rect.maxX - t, y: rect.y, width: t, height: rect.height), color: color)
    }

    /// An anti-aliased filled disc centred at (cx, cy) in pixel coordinates (pixel (i, j) covers
    /// [i, i+1) × [j, j+1)), with opacity `alpha`; only pixels inside `clip` change. Discs with a
    /// non-finite centre or radius, or entirely outside, draw nothing.
    public mutating func fillCircle(cx: Double, cy: Double, radius: Double, color: RGB, alpha: Double = 1,
                                    clip: PixelRect? = nil) {
        guard cx.isFinite, cy.isFinite, radius.isFinite, radius > 0 else { return }
        let area = (clip ?? bounds).intersection(bounds)
        // Far-away centres (a diverged model's samples) touch nothing, and must not reach Int().
        guard cx + radius + 1 >= Double(area.x), cx - radius - 1 <= Double(area.maxX),
              cy + radius + 1 >= Double(area.y), cy - radius - 1 <= Double(area.maxY) else { return }
        let x0 = max(area.x, Int((cx - radius - 1).rounded(.down))), x1 = min(area.maxX - 1, Int((cx + radius + 1).rounded(.up)))
        let y0 = max(area.y, Int((cy - radius - 1).rounded(.down))), y1 = min(area.maxY - 1, Int((cy + radius + 1).rounded(.up)))
        guard x0 <= x1, y0 <= y1 else { return }
        for y in y0...y1 {
            for x in x0...x1 {
                let dx = Double(x) + 0.5 - cx, dy = Double(y) + 0.5 - cy
                let coverage = min(1, max(0, radius + 0.5 - (dx * dx + dy * dy).squareRoot()))
                if coverage > 0 { blend(x: x, y: y, color: color, alpha: coverage * alpha) }
            }
        }
    }
}
