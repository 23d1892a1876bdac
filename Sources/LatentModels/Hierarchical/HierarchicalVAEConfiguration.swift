import Foundation
import LatentTensor
import LatentNN

/// Everything needed to rebuild a `HierarchicalVAE` of tanh MLPs: Codable, stored as JSON in
/// checkpoints by the command-line tool. The defaults are the two-stochastic-layer MNIST model of
/// Burda et al. (2016, §5): x 784 → 200 → 200 → z₁ 100 → 100 → 100 → z₂ 50, and the mirror image
/// p(z₁|z₂): 50 → 100 → 100 → 100, p(x|z₁): 100 → 200 → 200 → 784 Bernoulli logits.
public struct HierarchicalVAEConfiguration: Codable, Equatable, Sendable {
    /// What training minimizes.
    public enum ObjectiveKind: String, Codable, CaseIterable, Sendable {
        /// The ELBO with `samples` draws averaged.
        case elbo
        /// The IWAE bound with `samples` draws.
        case iwae
    }

    /// `[C, H, W]` of one image.
    public var imageShape: [Int]
    /// Deterministic widths between x and z₁ (mirrored between z₁ and x).
    public var hidden1: [Int]
    /// L₁.
    public var latent1: Int
    /// Deterministic widths between z₁ (ladder: h₁) and z₂ (mirrored between z₂ and z₁).
    public var hidden2: [Int]
    /// L₂.
    public var latent2: Int
    /// Bottom-up or ladder inference.
    public var inference: HierarchicalVAE.Inference
    /// ELBO or IWAE.
    public var objective: ObjectiveKind
    /// k of the objective.
    public var samples: Int
    /// Steps of the ELBO's linear KL warm-up (0 = off; `HierarchicalVAE.warmupSteps`).
    public var warmupSteps: Int
    /// Seed of the weight initialization.
    public var seed: UInt64

    /// A configuration; the defaults are the IWAE paper's two-layer model trained on the ELBO with one sample.
    public init(imageShape: [Int] = [1, 28, 28], hidden1: [Int] = [200, 200], latent1: Int = 100, hidden2: [Int] = [100, 100],
                latent2: Int = 50, inference: HierarchicalVAE.Inference = .bottomUp, objective: ObjectiveKind = .elbo,
                samples: Int = 1, warmupSteps: Int = 0, seed: UInt64 = 0) {
        (self.imageShape, self.hidden1, self.latent1, self.hidden2, self.latent2) = (imageShape, hidden1, latent1, hidden2, latent2)
        (self.inference, self.objective, self.samples, self.warmupSteps, self.seed) = (inference, objective, samples, warmupSteps, seed)
    }

    /// The problems of this configuration, each naming the field, its value and what is allowed.
    public func problems() -> [String] {
        var p: [String] = []
        if imageShape.isEmpty || !imageShape.allSatisfy({ $0 > 0 }) { p.append("imageShape \(imageShape): need positive sizes") }
        if hidden1.isEmpty || !hidden1.allSatisfy({ $0 > 0 }) { p.append("hidden1 \(hidden1): need at least one positive width") }
        if hidden2.isEmpty || !hidden2.allSatisfy({ $0 > 0 }) { p.append("hidden2 \(hidden2): need at least one positive width") }
        if latent1 < 1 { p.append("latent1 \(latent1): need ≥ 1") }
        if latent2 < 1 { p.append("latent2 \(latent2): need ≥ 1") }
        if samples < 1 { p.append("samples \(samples): need ≥ 1") }
        if warmupSteps < 0 { p.append("warmupSteps \(warmupSteps): need ≥ 0") }
        if warmupSteps > 0 && objective == .iwae { p.append("warmupSteps \(warmupSteps): the KL warm-up applies to the ELBO objective only, not to iwae") }
        return p
    }

    /// tanh layers through `widths` from `input` features, then a linear map to `output`.
    private static func mlp(_ input: Int, _ widths: [Int], _ output: Int, generator: RandomGenerator) -> [any Layer] {
        var layers: [any Layer] = []
        var width = input
        for w in widths {
            layers += [Linear(width, w, generator: generator), Activation.tanh]
            width = w
        }
        return layers + [Linear(width, output, generator: generator)]
    }

    /// A new model drawn from `seed` (PyTorch-default initialization). Throws
    /// `ModelConfigurationError` naming every invalid field.
    public func build() throws -> HierarchicalVAE {
        let issues = problems()
        guard issues.isEmpty else { throw ModelConfigurationError(model: "hierarchical VAE", problems: issues) }
        let g = RandomGenerator(seed: seed)
        let d = imageShape.reduce(1, *)
        // x → h₁: the tanh layers below z₁ (the last linear map of `mlp` is the Gaussian head's).
        var up: [any Layer] = [Flatten()]
        var width = d
        for w in hidden1 {
            up += [Linear(width, w, generator: g), Activation.tanh]
            width = w
        }
        let posterior1 = GaussianEncoder(body: Linear(width, 2 * latent1, generator: g), latentDimension: latent1)
        let input2 = inference == .bottomUp ? latent1 : width
        let posterior2 = GaussianEncoder(body: Sequential(Self.mlp(input2, hidden2, 2 * latent2, generator: g)), latentDimension: latent2)
        let prior1 = GaussianEncoder(body: Sequential(Self.mlp(latent2, hidden2.reversed(), 2 * latent1, generator: g)), latentDimension: latent1)
        let decoder = Decoder(body: Sequential(Self.mlp(latent1, hidden1.reversed(), d, generator: g)), outputShape: imageShape)
        let objective: HierarchicalVAE.Objective = self.objective == .elbo ? .elbo(samples: samples) : .iwae(samples: samples)
        let model = HierarchicalVAE(bottomUp: Sequential(up), posterior1: posterior1, posterior2: posterior2, prior1: prior1,
                                    decoder: decoder, inference: inference, objective: objective)
        model.warmupSteps = warmupSteps
        return model
    }

    /// The configuration as compact JSON with sorted keys.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
