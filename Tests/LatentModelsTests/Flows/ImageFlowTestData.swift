import LatentTensor
import LatentData
import LatentModels

/// Inputs shared by the image-flow tests.
enum ImageFlowTestData {
    /// Dequantized 8-bit 1×4×4 images y ∈ [0, 1), `[n, 16]`.
    static func images(_ n: Int, seed: UInt64) -> Tensor {
        let g = RandomGenerator(seed: seed)
        let k = Tensor(shape: [n, 1, 4, 4], scalars: (0..<(16 * n)).map { _ in Float(g.nextInt(below: 256)) / 255 })
        return Transforms.dequantize(k, levels: 256, generator: g).reshaped([n, 16])
    }

    /// A fixed random context of `rows` rows when the configuration takes one, else nil.
    static func context(_ c: FlowConfiguration, rows: Int) -> Tensor? {
        c.contextFeatures > 0 ? Tensor.randn([rows, c.contextFeatures], generator: RandomGenerator(seed: 5)) : nil
    }
}
