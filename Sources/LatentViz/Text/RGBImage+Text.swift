import LatentTensor
/// Where a piece of text sits relative to the point it is drawn at.
public struct TextAnchor: Equatable {
    /// Which edge (or the middle) of the text's box goes at the point's x.
    public enum Horizontal { case left, center, right }
    /// Which edge (or the middle) of the text's box goes at the point's y; the box spans the cap
    /// height, so `.bottom` puts the baseline there and descenders hang below.
    public enum Vertical { case top, middle, bottom }

    /// Horizontal placement.
    public var horizontal: Horizontal
    /// Vertical placement.
    public var vertical: Vertical

    /// An anchor from its two placements.
    public init(_ horizontal: Horizontal, _ vertical: Vertical) {
        (self.horizontal, self.vertical) = (horizontal, vertical)
    }

    /// The point is the top-left corner of the text.
    public static let topLeft = TextAnchor(.left, .top)
    /// The point is the centre of the text.
    public static let center = TextAnchor(.center, .middle)
}

extension RGBImage {
    /// Draws `text` in the built-in `BitmapFont`, each font pixel a `scale`×`scale` block.
    ///
    /// `anchor` says which point of the text's box lands on (x, y). With `rotated` the text runs
    /// bottom to top (turned 90° counter-clockwise, as y-axis titles are) and the anchor applies to
    /// the turned box. Pixels outside the image are clipped.
    public mutating func drawText(_ text: String, x: Int, y: Int, scale: Int = 1, color: RGB = .black,
                                  anchor: TextAnchor = .topLeft, rotated: Bool = false) {
        require(scale >= 1, "drawText: scale must be at least 1, got \(scale)")
        let size = BitmapFont.size(of: text, scale: scale)
        let (boxWidth, boxHeight) = rotated ? (size.height, size.width) : (size.width, size.height)
        let left: Int
        switch anchor.horizontal {
        case .left: left = x
        case .center: left = x - boxWidth / 2
        case .right: left = x - boxWidth
        }
        let top: Int
        switch anchor.vertical {
        case .top: top = y
        case .middle: top = y - boxHeight / 2
        case .bottom: top = y - boxHeight
        }
        for (index, character) in text.enumerated() {
            let rows = BitmapFont.rows(of: character)
            for (r, bits) in rows.enumerated() where bits != 0 {
                for c in 0..<BitmapFont.glyphWidth where bits & (1 << UInt8(BitmapFont.glyphWidth - 1 - c)) != 0 {
                    // (u, v): the font pixel's offset along and across the text, in image pixels.
                    let u = (index * BitmapFont.advance + c) * scale, v = r * scale
                    let block = rotated
                        ? PixelRect(x: left + v, y: top + boxHeight - u - scale, width: scale, height: scale)
                        : PixelRect(x: left + u, y: top + v, width: scale, height: scale)
                    fill(block, color: color)
                }
            }
        }
    }
}
