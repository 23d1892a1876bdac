/// An axis-aligned rectangle of whole pixels: `x ..< x + width` by `y ..< y + height`, y down.
public struct PixelRect: Equatable {
    /// Left column and top row.
    public var x: Int, y: Int
    /// Size in pixels (may be 0).
    public var width: Int, height: Int

    /// The rectangle with top-left (x, y) and the given size.
    public init(x: Int, y: Int, width: Int, height: Int) {
        (self.x, self.y, self.width, self.height) = (x, y, max(0, width), max(0, height))
    }

    /// One past the rightmost column.
    public var maxX: Int { x + width }
    /// One past the bottom row.
    public var maxY: Int { y + height }

    /// The pixels in both rectangles (empty when they do not overlap).
    public func intersection(_ other: PixelRect) -> PixelRect {
        let x0 = max(x, other.x), y0 = max(y, other.y)
        return PixelRect(x: x0, y: y0, width: min(maxX, other.maxX) - x0, height: min(maxY, other.maxY) - y0)
    }

    /// True when (px, py) lies inside.
    public func contains(_ px: Int, _ py: Int) -> Bool { px >= x && px < maxX && py >= y && py < maxY }
}
