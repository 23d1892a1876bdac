import Foundation
import LatentTensor

/// Procedural sprites in the spirit of dSprites (Matthey et al., 2017): 64 × 64 binary images of
/// one white shape on black, generated from five known factors — the standard testbed for
/// β-VAE disentanglement, since every image's true generative factors are known.
///
/// The factor grid is dSprites' exactly (its metadata: `linspace(0.5, 1, 6)` scales,
/// `linspace(0, 2π, 40)` orientations — so 0 and 2π both appear, as in the file — and
/// `linspace(0, 1, 32)` positions, in the file's row-major order); the pixels are this renderer's,
/// close to but not identical with the published images (`DSprites.Store` reads those).
///
/// | factor | values | index → value |
/// | --- | --- | --- |
/// | shape | 3: square, ellipse, heart | the index |
/// | scale | 6 in [0.5, 1] | 0.5 + 0.1·i |
/// | rotation | 40 in [0, 2π] (radians, counter-clockwise on screen) | 2πi/39 |
/// | x | 32 in [0, 1] (left → right) | i/31 |
/// | y | 32 in [0, 1] (top → bottom) | i/31 |
///
/// Geometry, in pixels: the shape's centre moves over [14, 50] in both directions; at scale 1 a
/// square has side 20, an ellipse axes 20 and 10, a heart a width of about 18. A pixel is on
/// when its centre lies inside the shape (exact point-in-shape tests after undoing
/// translation, rotation and scale), so images are deterministic functions of the factors.
public enum Sprites {
    /// The three shapes, in factor-index order.
    public enum Shape: Int, CaseIterable, Sendable {
        /// A square of side 2 (shape units).
        case square
        /// An ellipse with semi-axes 1 and ½, long axis along x at rotation 0.
        case ellipse
        /// A heart, tip down at rotation 0.
        case heart
    }

    /// Factor names in column order of `SpriteSet.factors`.
    public static let factorNames = ["shape", "scale", "rotation", "x", "y"]
    /// The number of values of each factor (737 280 combinations in all).
    public static let factorSizes = [3, 6, 40, 32, 32]
    /// Image side in pixels.
    public static let imageSize = 64

    /// The value of `factor` (0…4, see `factorNames`) at `index`.
    public static func factorValue(_ factor: Int, index: Int) -> Float {
        require((0..<5).contains(factor) && (0..<factorSizes[factor]).contains(index),
                "Sprites.factorValue: factor \(factor), index \(index) out of range (sizes \(factorSizes))")
        switch factor {
        case 0: return Float(index)
        case 1: return 0.5 + 0.1 * Float(index)
        case 2: return 2 * Float.pi * Float(index) / 39
        default: return Float(index) / 31
        }
    }

    /// `count` sprites with every factor index drawn uniformly and independently.
    public static func random(count: Int, generator: RandomGenerator) -> SpriteSet {
        render((0..<count).map { _ in factorSizes.map { generator.nextInt(below: $0) } })
    }

    /// Every combination of every `strides[f]`-th value of each factor (all 737 280 with the
    /// default strides of 1 — 12 GB of Float32; choose strides for a subset), in row-major
    /// factor order (shape slowest, y fastest), like the dSprites file.
    public static func grid(strides: [Int] = [1, 1, 1, 1, 1]) -> SpriteSet {
        require(strides.count == 5 && strides.allSatisfy { $0 > 0 }, "Sprites.grid: expected 5 positive strides, got \(strides)")
        var rows: [[Int]] = [[]]
        for (size, stride) in zip(factorSizes, strides) {
            rows = rows.flatMap { row in Swift.stride(from: 0, to: size, by: stride).map { row + [$0] } }
        }
        return render(rows)
    }

    /// The sprites with the given factor indices (one row of 5 per image).
    public static func render(_ factorIndices: [[Int]]) -> SpriteSet {
        let n = factorIndices.count
        var images = Tensor.zeros([n, 1, imageSize, imageSize])
        var values = [Float](repeating: 0, count: 5 * n)
        var indices = [Float](repeating: 0, count: 5 * n)
        images.withUnsafeMutableBufferPointer { pixels in
            for (i, row) in factorIndices.enumerated() {
                require(row.count == 5, "Sprites.render: row \(i) has \(row.count) factor indices, expected 5")
                for f in 0..<5 {
                    values[5 * i + f] = factorValue(f, index: row[f])
                    indices[5 * i + f] = Float(row[f])
                }
                draw(Shape(rawValue: row[0])!, scale: Double(values[5 * i + 1]), rotation: Double(values[5 * i + 2]),
                     x: Double(values[5 * i + 3]), y: Double(values[5 * i + 4]),
                     into: pixels.baseAddress! + i * imageSize * imageSize)
            }
        }
        return SpriteSet(images: images, factors: Tensor(shape: [n, 5], scalars: values),
                         factorIndices: Tensor(shape: [n, 5], scalars: indices))
    }

    /// Half the side of a square at scale 1, in pixels (the unit of the shapes' own coordinates).
    static let unit = 10.0
    /// Centre positions span [margin, 64 − margin] pixels.
    static let margin = 14.0

    /// Sets to 1 the pixels of one 64 × 64 image whose centres lie inside the shape.
    private static func draw(_ shape: Shape, scale: Double, rotation: Double, x: Double, y: Double,
                             into image: UnsafeMutablePointer<Float>) {
        let size = Double(imageSize)
        let cx = margin + x * (size - 2 * margin), cy = margin + y * (size - 2 * margin)
        let h = unit * scale
        let (c, s) = (cos(rotation), sin(rotation))
        // Every shape lies within radius √2 in its own units; visit only that box.
        let reach = 1.5 * h + 1
        let rows = max(0, Int(cy - reach))...min(imageSize - 1, Int(cy + reach))
        let cols = max(0, Int(cx - reach))...min(imageSize - 1, Int(cx + reach))
        for r in rows {
            for col in cols {
                // Pixel centre relative to the sprite centre, y pointing up, then rotated by −θ.
                let dx = Double(col) + 0.5 - cx, dy = cy - (Double(r) + 0.5)
                let u = (c * dx + s * dy) / h, v = (-s * dx + c * dy) / h
                if contains(shape, u, v) { image[r * imageSize + col] = 1 }
            }
        }
    }

    /// Whether the point (u, v) (shape units, y up) is inside the unrotated shape at scale 1.
    static func contains(_ shape: Shape, _ u: Double, _ v: Double) -> Bool {
        switch shape {
        case .square:
            return abs(u) <= 1 && abs(v) <= 1
        case .ellipse:
            return u * u + 4 * v * v <= 1
        case .heart:
            // (a² + b² − 1)³ ≤ a²b³ is the classic heart, |a| ≤ 1.14, −1 ≤ b ≤ 1.24, tip down;
            // scaled by 1.25 and centred so that it spans about [−0.9, 0.9] × [−0.9, 0.9].
            let a = 1.25 * u, b = 1.25 * v + 0.12
            let q = a * a + b * b - 1
            return q * q * q <= a * a * b * b * b
        }
    }
}

/// Rendered sprites with their generative factors.
public struct SpriteSet {
    /// Binary images `[N, 1, 64, 64]`, 1 = shape.
    public var images: Tensor
    /// Factor values `[N, 5]`: shape index, scale, rotation (radians), x and y in [0, 1].
    public var factors: Tensor
    /// Factor indices `[N, 5]` (whole numbers below `Sprites.factorSizes`), for disentanglement metrics.
    public var factorIndices: Tensor

    /// The images as a `Dataset` named `sprites`, with the factor indices `[N, 5]` as labels.
    public var dataset: Dataset { Dataset(name: "sprites", inputs: images, labels: factorIndices) }
}
