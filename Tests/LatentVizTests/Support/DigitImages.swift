import LatentTensor
import LatentViz

/// Synthetic 28×28 "digits" for grid tests: the built-in font's numerals drawn white on black at
/// scale 3, so grids can be checked by eye as well as by pixel.
enum DigitImages {
    /// One digit as a [1, 28, 28] block of values in {0, 1}, shifted by (dx, dy) pixels.
    static func digit(_ d: Int, dx: Int = 0, dy: Int = 0) -> [Float] {
        var canvas = RGBImage(width: 28, height: 28, fill: .black)
        canvas.drawText(String(d), x: 14 + dx, y: 14 + dy, scale: 3, color: .white, anchor: .center)
        return stride(from: 0, to: canvas.pixels.count, by: 3).map { Float(canvas.pixels[$0]) / 255 }
    }

    /// `n` digits 0, 1, 2, … as an `[n, 1, 28, 28]` tensor.
    static func batch(_ n: Int) -> Tensor {
        Tensor(shape: [n, 1, 28, 28], scalars: (0..<n).flatMap { digit($0 % 10) })
    }

    /// A soft copy of `images` (3×3 box blur per image): stands in for a model's reconstructions.
    static func blurred(_ images: Tensor) -> Tensor {
        let n = images.shape[0], x = images.scalars
        var out = [Float](repeating: 0, count: x.count)
        for k in 0..<n {
            for i in 0..<28 {
                for j in 0..<28 {
                    var sum: Float = 0, count: Float = 0
                    for a in max(0, i - 1)...min(27, i + 1) { for b in max(0, j - 1)...min(27, j + 1) { sum += x[k * 784 + a * 28 + b]; count += 1 } }
                    out[k * 784 + i * 28 + j] = sum / count
                }
            }
        }
        return Tensor(shape: images.shape, scalars: out)
    }
}
