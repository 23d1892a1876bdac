import Foundation
import LatentTensor
import LatentNN
import LatentProbability

/// The VQ-VAE (van den Oord et al., 2017, "Neural Discrete Representation Learning"): an encoder
/// maps x to M vectors of D values, each is replaced by its nearest code of a K-entry codebook
/// (`VectorQuantizer`, EMA updates, straight-through gradients), and the decoder reconstructs x
/// from the M codes. An autoregressive `CodePrior` over the M code indices is trained in the same
/// loop on the (discrete, gradient-free) codes, so the model samples by drawing codes from it.
///
/// Training loss per example (nats, summed over pixels and positions, batch mean):
///
///     −log p(x | e_c(x)) + β Σ_m ‖z_m − sg(e_{c_m})‖² − log p(c(x)),
///
/// the last term touching only the prior's weights. With the deterministic one-hot posterior
/// q(c|x), KL(q ‖ p) = −log p(c(x)), so reconstruction + code NLL is an upper bound on −log p(x)
/// (what `evaluationMetrics` reports as `loss`). Shapes: x `[B] + imageShape`.
public final class VQVAE: Module, TrainableModel {
    /// x `[B, …]` → `[B, M·D]`.
    public let encoder: any Layer
    /// The codebook.
    public let quantizer: VectorQuantizer
    /// p(x | codes) from the quantized `[B, M·D]`.
    public let decoder: Decoder
    /// p(c) over the M code indices.
    public let prior: CodePrior
    /// Code positions M per example.
    public let positions: Int
    /// β of the commitment loss (0.25 in the paper).
    public let commitmentWeight: Float

    /// A VQ-VAE from its parts: `encoder` must output `[B, positions · quantizer.dimension]`.
    public init(encoder: any Layer, quantizer: VectorQuantizer, decoder: Decoder, prior: CodePrior, commitmentWeight: Float = 0.25) {
        require(prior.positions > 0 && prior.codes == quantizer.codeCount,
                "VQVAE: the prior models \(prior.codes) code values but the codebook has \(quantizer.codeCount)")
        require(commitmentWeight >= 0 && commitmentWeight.isFinite, "VQVAE: commitment weight must be finite and ≥ 0, got \(commitmentWeight)")
        self.encoder = encoder
        self.quantizer = quantizer
        self.decoder = decoder
        self.prior = prior
        self.positions = prior.positions
        self.commitmentWeight = commitmentWeight
    }

    /// An MLP VQ-VAE for images of `imageShape`: D pixels → `hidden` ReLU → M·`dimension`, K
    /// `codes`, decoder M·`dimension` → `hidden` ReLU → D Bernoulli logits; the prior's hidden
    /// layer has `priorHidden` units (`VQVAEConfiguration`, weights drawn from `seed`).
    public static func mlp(imageShape: [Int] = [1, 28, 28], hidden: Int = 400, positions: Int = 8, dimension: Int = 16,
                           codes: Int = 64, priorHidden: Int = 256, seed: UInt64) throws -> VQVAE {
        try VQVAEConfiguration(imageShape: imageShape, hidden: hidden, positions: positions, dimension: dimension, codes: codes,
                               priorHidden: priorHidden, seed: seed).build()
    }

    /// The parts of the objective on x `[B, …]`: reconstruction −log p(x|e) `[B]`, commitment
    /// `[B]` (summed over positions), the code rows, the quantizer's output (perplexity, usage).
    public func terms(_ x: Tensor, generator: RandomGenerator)
        -> (reconstruction: Tensor, commitment: Tensor, codes: [[Int]], quantization: VectorQuantizer.Output) {
        let b = x.shape[0]
        let z = encoder(x)
        require(z.rank == 2 && z.shape[1] == positions * quantizer.dimension,
                "VQVAE: encoder must output [B, \(positions * quantizer.dimension)], got \(z.shape)")
        let q = quantizer(z.reshaped([b * positions, quantizer.dimension]), generator: generator)
        let reconstruction = -decoder(q.quantized.reshaped([b, positions * quantizer.dimension])).logProb(x)
        let rows = (0..<b).map { Array(q.indices[($0 * positions)..<(($0 + 1) * positions)]) }
        return (reconstruction, q.commitment.reshaped([b, positions]).sum(axis: 1), rows, q)
    }

    /// Reconstruction + β·commitment + code NLL (batch means); parts `reconstruction`,
    /// `commitment`, `code_nll`, `perplexity`, `usage`.
    public func trainingLoss(_ batch: Batch, step: Int, generator: RandomGenerator) -> TrainingLoss {
        let t = terms(batch.x, generator: generator)
        let reconstruction = t.reconstruction.mean(), commitment = t.commitment.mean()
        let codeNLL = -prior.logProb(t.codes).mean()
        return TrainingLoss(loss: reconstruction + commitment * commitmentWeight + codeNLL,
                            parts: ["reconstruction": Double(reconstruction.item), "commitment": Double(commitment.item),
                                    "code_nll": Double(codeNLL.item), "perplexity": t.quantization.perplexity, "usage": t.quantization.usage])
    }

    /// `loss` = reconstruction + code NLL (an upper bound on −log p(x), nats), and its parts,
    /// `commitment`, `perplexity`, `usage` of the batch.
    public func evaluationMetrics(_ batch: Batch, generator: RandomGenerator) -> [String: Double] {
        let t = terms(batch.x, generator: generator)
        let r = Double(t.reconstruction.mean().item), nll = Double(-prior.logProb(t.codes).mean().item)
        return ["loss": r + nll, "reconstruction": r, "code_nll": nll, "commitment": Double(t.commitment.mean().item),
                "perplexity": t.quantization.perplexity, "usage": t.quantization.usage]
    }

    /// The decoder's mean at codes `rows` (M indices each): `[N] + outputShape`.
    public func decode(_ rows: [[Int]]) -> Tensor {
        withoutGrad {
            let flat = rows.flatMap { $0 }
            let e = quantizer.codebook.value.indexSelect(axis: 0, indices: flat)
            return decoder(e.reshaped([rows.count, positions * quantizer.dimension])).mean
        }
    }

    /// n draws: codes from the prior, decoded (no gradients).
    public func sample(_ n: Int, generator: RandomGenerator) -> Tensor { decode(prior.sample(n, generator: generator)) }

    /// The decoder's mean at the codes of x (no gradients, the codebook untouched).
    public func reconstruct(_ x: Tensor) -> Tensor {
        withoutGrad {
            let z = encoder(x)
            let flat = quantizer.nearest(z.reshaped([x.shape[0] * positions, quantizer.dimension]))
            return decode((0..<x.shape[0]).map { Array(flat[($0 * positions)..<(($0 + 1) * positions)]) })
        }
    }
}
