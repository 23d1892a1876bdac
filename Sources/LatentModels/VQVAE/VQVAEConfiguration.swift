import Foundation
import LatentTensor
import LatentNN

/// Everything needed to rebuild an MLP `VQVAE` (`VQVAE.mlp`): Codable, stored as JSON in
/// checkpoints by the command-line tool.
public struct VQVAEConfiguration: Codable, Equatable, Sendable {
    /// `[C, H, W]` of one image.
    public var imageShape: [Int]
    /// Width of the encoder's and decoder's hidden ReLU layer.
    public var hidden: Int
    /// Code positions M per image.
    public var positions: Int
    /// Code dimension D.
    public var dimension: Int
    /// Codebook size K.
    public var codes: Int
    /// Hidden width of the autoregressive code prior.
    public var priorHidden: Int
    /// β of the commitment loss.
    public var commitment: Float
    /// γ of the codebook's moving averages.
    public var decay: Float
    /// Seed of the weight and codebook initialization.
    public var seed: UInt64

    /// A configuration; the defaults are 784-400-(8 × 16), 64 codes, a 256-unit prior, β = 0.25, γ = 0.99.
    public init(imageShape: [Int] = [1, 28, 28], hidden: Int = 400, positions: Int = 8, dimension: Int = 16, codes: Int = 64,
                priorHidden: Int = 256, commitment: Float = 0.25, decay: Float = 0.99, seed: UInt64 = 0) {
        (self.imageShape, self.hidden, self.positions, self.dimension, self.codes) = (imageShape, hidden, positions, dimension, codes)
        (self.priorHidden, self.commitment, self.decay, self.seed) = (priorHidden, commitment, decay, seed)
    }

    /// The problems of this configuration, each naming the field, its value and what is allowed.
    public func problems() -> [String] {
        var p: [String] = []
        if imageShape.count != 3 || !imageShape.allSatisfy({ $0 > 0 }) { p.append("imageShape \(imageShape): need [C, H, W], all positive") }
        if hidden < 1 { p.append("hidden \(hidden): need ≥ 1") }
        if positions < 1 { p.append("positions \(positions): need ≥ 1") }
        if dimension < 1 { p.append("dimension \(dimension): need ≥ 1") }
        if codes < 2 { p.append("codes \(codes): need ≥ 2") }
        if priorHidden < 1 { p.append("priorHidden \(priorHidden): need ≥ 1") }
        if !(commitment >= 0 && commitment.isFinite) { p.append("commitment \(commitment): need a finite value ≥ 0") }
        if !(decay > 0 && decay < 1) { p.append("decay \(decay): need 0 < decay < 1") }
        return p
    }

    /// A new VQ-VAE drawn from `seed`. Throws `ModelConfigurationError` naming every invalid field.
    public func build() throws -> VQVAE {
        let issues = problems()
        guard issues.isEmpty else { throw ModelConfigurationError(model: "VQ-VAE", problems: issues) }
        let g = RandomGenerator(seed: seed)
        let d = imageShape.reduce(1, *), width = positions * dimension
        let encoder = Sequential(Flatten(), Linear(d, hidden, generator: g), Activation.relu, Linear(hidden, width, generator: g))
        let decoder = Decoder(body: Sequential(Linear(width, hidden, generator: g), Activation.relu, Linear(hidden, d, generator: g)),
                              outputShape: imageShape)
        return VQVAE(encoder: encoder, quantizer: VectorQuantizer(codes: codes, dimension: dimension, decay: decay, generator: g),
                     decoder: decoder, prior: CodePrior(positions: positions, codes: codes, hidden: [priorHidden], generator: g),
                     commitmentWeight: commitment)
    }

    /// The configuration as compact JSON with sorted keys.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
