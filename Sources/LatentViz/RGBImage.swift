import LatentTensor

/// An 8-bit RGB raster, row-major from the top-left: the canvas every picture is drawn on
/// before it is encoded (`PNG.encode`).
public struct RGBImage: Equatable {
    /// Size in pixels.
    public let width: Int, height: Int
    /// `width · height · 3` bytes: R, G, B of each pixel, rows top to bottom.
    public var pixels: [UInt8]

    /// A canvas filled with one color (white by default).
    public init(width: Int, height: Int, fill: RGB = .white) {
        require(width > 0 && height > 0, "RGBImage: size must be positive, got \(width)×\(height)")
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) {
            pixels[3 * i] = fill.r; pixels[3 * i + 1] = fill.g; pixels[3 * i + 2] = fill.b
        }
    }

    /// The color at (x, y); (0, 0) is the top-left pixel.
    public subscript(x: Int, y: Int) -> RGB {
        get {
            let i = 3 * (y * width + x)
            return RGB(pixels[i], pixels[i + 1], pixels[i + 2])
        }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            let i = 3 * (y * width + x)
            pixels[i] = newValue.r; pixels[i + 1] = newValue.g; pixels[i + 2] = newValue.b
        }
    }
}

/// An 8-bit sRGB color.
public struct RGB: Equatable, Hashable {
    /// Red, green and blue intensities, 0 (none) to 255 (full).
    public var r: UInt8, g: UInt8, b: UInt8
    /// A color from its red, green and blue bytes.
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { (self.r, self.g, self.b) = (r, g, b) }

    /// (255, 255, 255).
    public static let white = RGB(255, 255, 255)
    /// (0, 0, 0).
    public static let black = RGB(0, 0, 0)
}
