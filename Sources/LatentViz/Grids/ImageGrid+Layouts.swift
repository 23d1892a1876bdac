import LatentTensor
import Foundation

extension ImageGrid {
    /// A grid of samples, `columns` per row (shapes as in `ImageGrid`).
    public static func samples(_ images: Tensor, columns: Int = 8, imageShape: [Int]? = nil, scale: Int = 1) -> RGBImage {
        ImageGrid(columns: columns, scale: scale).render(images, imageShape: imageShape)
    }

    /// Inputs and their reconstructions: pairs of rows, each row of `columns` inputs directly above
    /// the reconstructions of the same images, with a wider gap between pairs. Both tensors hold the
    /// same number of images of the same shape.
    public static func reconstructions(inputs: Tensor, reconstructions: Tensor, columns: Int = 8,
                                       imageShape: [Int]? = nil, scale: Int = 1) -> RGBImage {
        let a = layout(of: inputs, imageShape: imageShape), b = layout(of: reconstructions, imageShape: imageShape)
        require(a == b, "ImageGrid.reconstructions: inputs \(inputs.shape) and reconstructions \(reconstructions.shape) must hold the same images")
        // Inputs are images 0..<n of the concatenation, reconstructions n..<2n.
        var slots = [Int?]()
        let pairs = (a.count + columns - 1) / columns
        for pair in 0..<pairs {
            for offset in [0, a.count] {
                for c in 0..<columns {
                    let i = pair * columns + c
                    slots.append(i < a.count ? offset + i : nil)
                }
            }
        }
        var grid = ImageGrid(columns: columns, scale: scale)
        grid.groupRows = 2
        grid.groupGap = 3 * grid.padding
        return grid.render(inputs.scalars + reconstructions.scalars, shape: a, slots: slots)
    }

    /// Interpolations: `images` holds `rows · steps` images, each run of `steps` consecutive images one
    /// row (e.g. decodings along a line between two latent codes, endpoints included).
    public static func interpolations(_ images: Tensor, steps: Int, imageShape: [Int]? = nil, scale: Int = 1) -> RGBImage {
        let n = layout(of: images, imageShape: imageShape).count
        require(steps >= 2 && n % steps == 0,
                "ImageGrid.interpolations: \(n) images do not split into rows of \(steps) steps (steps ≥ 2)")
        return ImageGrid(columns: steps, scale: scale).render(images, imageShape: imageShape)
    }

    /// A latent traversal: row d shows the decodings as latent dimension `dimensions[d]` takes each of
    /// `values` (one column per value) while the others stay fixed. `images` holds
    /// `dimensions.count · values.count` images, row by row. Rows are labelled "z<dim>", columns with the values.
    public static func traversal(_ images: Tensor, dimensions: [Int], values: [Double], imageShape: [Int]? = nil,
                                 scale: Int = 1) -> RGBImage {
        let n = layout(of: images, imageShape: imageShape).count
        require(!dimensions.isEmpty && !values.isEmpty && n == dimensions.count * values.count,
                "ImageGrid.traversal: \(n) images but \(dimensions.count) dimensions × \(values.count) values = \(dimensions.count * values.count)")
        var grid = ImageGrid(columns: values.count, scale: scale)
        grid.rowLabels = dimensions.map { "z\($0)" }
        let step = values.count > 1 ? abs(values[1] - values[0]) : max(abs(values[0]), 1)
        // As many decimals as the step needs (at most 6); labels of non-finite values read "nan" / "inf".
        let decimals = step.isFinite && step > 0 && step < 1 ? min(6, Int((-Foundation.log10(step)).rounded(.up))) : 0
        grid.columnLabels = values.map { AxisTicks.formatFixed($0, decimals: decimals) }
        return grid.render(images, imageShape: imageShape)
    }
}
