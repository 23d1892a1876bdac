/// A (height, width) pair for convolution strides, paddings and dilations. Write `2` for (2, 2)
/// or `[2, 1]` for different sizes.
public struct Size2D: Equatable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral, CustomStringConvertible {
    /// Along the height axis.
    public var h: Int
    /// Along the width axis.
    public var w: Int

    /// (h, w).
    public init(_ h: Int, _ w: Int) { self.h = h; self.w = w }
    /// (v, v).
    public init(integerLiteral v: Int) { self.init(v, v) }
    /// From exactly two values `[h, w]`.
    public init(arrayLiteral v: Int...) {
        require(v.count == 2, "Size2D: expected [height, width], got \(v)")
        self.init(v[0], v[1])
    }

    public var description: String { "(\(h), \(w))" }
}
