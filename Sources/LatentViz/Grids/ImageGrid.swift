import LatentTensor

/// Lays out a batch of images as a grid of tiles with padding: samples, reconstructions beside their
/// inputs, interpolations and latent traversals. It only arranges the tensors the caller provides.
///
/// Input shapes: `[N, C, H, W]` with C = 1 (gray) or 3 (RGB planes), `[N, H, W]` (gray), or any
/// `[N, …]` together with `imageShape` (`[C, H, W]` or `[H, W]`), e.g. `[N, 784]` with `[28, 28]`.
/// Values are intensities in [0, 1]: clamped (±∞ too), byte = round(255·v); a pixel with a NaN
/// channel is drawn in `missingColor`, so a broken model's output shows as such.
///
/// Tile (row r, column c) has its top-left corner at `tileOrigin(row: r, column: c, …)`: a `padding`
/// border surrounds every tile, and labels (when given) take a margin left of and above the tiles.
public struct ImageGrid {
    /// Tiles per row.
    public var columns: Int
    /// Background pixels between tiles and around the grid.
    public var padding: Int
    /// Color of padding, label margins and unfilled tiles.
    public var background: RGB
    /// Each image pixel becomes a `scale`×`scale` block (28-pixel digits are small on screen).
    public var scale: Int
    /// Text left of each row and above each column (empty: no margin).
    public var rowLabels: [String] = [], columnLabels: [String] = []
    /// Font scale for the labels.
    public var labelScale = 1
    /// Extra background rows after every `groupRows` rows (0: none), e.g. between input/reconstruction pairs.
    public var groupRows = 0, groupGap = 0
    /// Color of pixels with a NaN value (magenta: no gray or RGB image of intensities means it).
    public var missingColor = RGB(255, 0, 255)

    /// A grid `columns` tiles wide.
    public init(columns: Int, padding: Int = 2, background: RGB = .white, scale: Int = 1) {
        require(columns >= 1, "ImageGrid: columns must be at least 1, got \(columns)")
        require(padding >= 0 && scale >= 1, "ImageGrid: padding must be ≥ 0 and scale ≥ 1, got \(padding) and \(scale)")
        (self.columns, self.padding, self.background, self.scale) = (columns, padding, background, scale)
    }

    /// Channels, height and width of each image in `images`, checked against the accepted shapes.
    static func layout(of images: Tensor, imageShape: [Int]?) -> (count: Int, channels: Int, height: Int, width: Int) {
        require(images.rank >= 1 && images.shape[0] >= 1, "ImageGrid: need at least one image, got shape \(images.shape)")
        let n = images.shape[0]
        let perImage = Array(imageShape ?? Array(images.shape.dropFirst()))
        require(perImage.count == 2 || perImage.count == 3,
                "ImageGrid: images must be [N, C, H, W] or [N, H, W], or pass imageShape [C, H, W] or [H, W]; got \(images.shape)")
        let chw = perImage.count == 2 ? [1] + perImage : perImage
        require(chw[0] == 1 || chw[0] == 3, "ImageGrid: images need 1 or 3 channels, got \(chw[0]) (shape \(images.shape))")
        require(chw[1] >= 1 && chw[2] >= 1, "ImageGrid: image height and width must be positive, got \(chw)")
        require(images.count == n * chw[0] * chw[1] * chw[2],
                "ImageGrid: shape \(images.shape) holds \(images.count / n) values per image, but imageShape \(chw) needs \(chw[0] * chw[1] * chw[2])")
        return (n, chw[0], chw[1], chw[2])
    }

    /// Pixels left of the tiles (row labels) and above them (column labels).
    var labelMargins: (left: Int, top: Int) {
        let left = rowLabels.isEmpty ? 0 : (rowLabels.map { BitmapFont.size(of: $0, scale: labelScale).width }.max() ?? 0) + 2 * labelScale + padding
        let top = columnLabels.isEmpty ? 0 : (BitmapFont.capHeight + BitmapFont.descent) * labelScale + 2 + padding
        return (left, top)
    }

    /// Top-left pixel of tile (row, column) for tiles of the given size in pixels (after `scale`).
    public func tileOrigin(row: Int, column: Int, tileWidth: Int, tileHeight: Int) -> (x: Int, y: Int) {
        let margins = labelMargins
        let gaps = groupRows > 0 ? (row / groupRows) * groupGap : 0
        return (margins.left + padding + column * (tileWidth + padding),
                margins.top + padding + row * (tileHeight + padding) + gaps)
    }

    /// The grid of all images in `images`, row by row, `columns` per row; a last row that is not full
    /// leaves background.
    public func render(_ images: Tensor, imageShape: [Int]? = nil) -> RGBImage {
        let shape = ImageGrid.layout(of: images, imageShape: imageShape)
        return render(images.scalars, shape: shape, slots: Array(0..<shape.count))
    }

    /// Draws image `slots[k]` of `values` (nil: leave background) in grid position k, row by row.
    func render(_ values: [Float], shape: (count: Int, channels: Int, height: Int, width: Int), slots: [Int?]) -> RGBImage {
        let (channels, h, w) = (shape.channels, shape.height, shape.width)
        let rows = (slots.count + columns - 1) / columns
        let tileWidth = w * scale, tileHeight = h * scale
        let end = tileOrigin(row: rows - 1, column: columns - 1, tileWidth: tileWidth, tileHeight: tileHeight)
        var canvas = RGBImage(width: end.x + tileWidth + padding, height: end.y + tileHeight + padding, fill: background)
        let plane = h * w
        for (slot, image) in slots.enumerated() {
            guard let image else { continue }
            let origin = tileOrigin(row: slot / columns, column: slot % columns, tileWidth: tileWidth, tileHeight: tileHeight)
            let base = image * channels * plane
            for y in 0..<h {
                for x in 0..<w {
                    let p = base + y * w + x
                    let color: RGB
                    if channels == 1 {
                        let gray = values[p]
                        color = gray.isNaN ? missingColor : RGB(ImageGrid.byte(gray), ImageGrid.byte(gray), ImageGrid.byte(gray))
                    } else {
                        let (r, g, b) = (values[p], values[p + plane], values[p + 2 * plane])
                        color = r.isNaN || g.isNaN || b.isNaN ? missingColor : RGB(ImageGrid.byte(r), ImageGrid.byte(g), ImageGrid.byte(b))
                    }
                    canvas.fill(PixelRect(x: origin.x + x * scale, y: origin.y + y * scale, width: scale, height: scale), color: color)
                }
            }
        }
        drawLabels(on: &canvas, rows: rows, tileWidth: tileWidth, tileHeight: tileHeight)
        return canvas
    }

    /// An intensity in [0, 1] as a byte (clamped; NaN → 0, though `render` draws NaN in `missingColor`).
    static func byte(_ v: Float) -> UInt8 { v.isNaN ? 0 : UInt8((min(1, max(0, v)) * 255).rounded()) }

    func drawLabels(on canvas: inout RGBImage, rows: Int, tileWidth: Int, tileHeight: Int) {
        let luminance = 299 * Int(background.r) + 587 * Int(background.g) + 114 * Int(background.b)
        let ink = luminance > 127_500 ? RGB.ink : RGB.white
        for (r, label) in rowLabels.prefix(rows).enumerated() {
            let origin = tileOrigin(row: r, column: 0, tileWidth: tileWidth, tileHeight: tileHeight)
            canvas.drawText(label, x: origin.x - padding - labelScale, y: origin.y + tileHeight / 2, scale: labelScale,
                            color: ink, anchor: TextAnchor(.right, .middle))
        }
        for (c, label) in columnLabels.prefix(columns).enumerated() {
            let origin = tileOrigin(row: 0, column: c, tileWidth: tileWidth, tileHeight: tileHeight)
            canvas.drawText(label, x: origin.x + tileWidth / 2, y: origin.y - padding - BitmapFont.descent * labelScale - 1,
                            scale: labelScale, color: ink, anchor: TextAnchor(.center, .bottom))
        }
    }
}
