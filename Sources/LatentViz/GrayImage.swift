import LatentTensor
/// An 8-bit grayscale raster, row-major from the top-left: one byte per pixel.
///
/// A third of an `RGBImage`'s bytes, and what `PNG` stores as color type 0 (gray8). MNIST grids are
/// gray, so `PNG.encode(_:)` of an `RGBImage` whose channels agree everywhere stores this form.
public struct GrayImage: Equatable {
    /// Size in pixels.
    public let width: Int, height: Int
    /// `width · height` bytes, rows top to bottom; 0 is black, 255 white.
    public var pixels: [UInt8]

    /// A canvas filled with one level (black by default).
    public init(width: Int, height: Int, fill: UInt8 = 0) {
        require(width > 0 && height > 0, "GrayImage: size must be positive, got \(width)×\(height)")
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: fill, count: width * height)
    }

    /// An image from row-major bytes; `pixels.count` must be `width · height`.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        require(width > 0 && height > 0, "GrayImage: size must be positive, got \(width)×\(height)")
        require(pixels.count == width * height,
                "GrayImage: \(width)×\(height) needs \(width * height) bytes, got \(pixels.count)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The luma of a color image (Rec. 601 weights 0.299 R + 0.587 G + 0.114 B, rounded);
    /// exact for images whose three channels already agree.
    public init(luminanceOf image: RGBImage) {
        self.init(width: image.width, height: image.height)
        for i in 0..<(width * height) {
            let r = Int(image.pixels[3 * i]), g = Int(image.pixels[3 * i + 1]), b = Int(image.pixels[3 * i + 2])
            pixels[i] = UInt8((299 * r + 587 * g + 114 * b + 500) / 1000)
        }
    }

    /// The level at (x, y); (0, 0) is the top-left pixel. Writes outside the image are ignored.
    public subscript(x: Int, y: Int) -> UInt8 {
        get { pixels[y * width + x] }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            pixels[y * width + x] = newValue
        }
    }
}

extension RGBImage {
    /// True when every pixel has R = G = B, so the image loses nothing as a `GrayImage`.
    public var isGrayscale: Bool {
        var i = 0
        while i < pixels.count {
            if pixels[i] != pixels[i + 1] || pixels[i] != pixels[i + 2] { return false }
            i += 3
        }
        return true
    }
}
