import Foundation
import LatentTensor

/// Everything needed to rebuild an MLP `ConditionalVAE`: the conditioning task, sizes, prior and
/// likelihood. Codable, stored as JSON in checkpoints like `VAEConfiguration`.
public struct ConditionalVAEConfiguration: Codable, Equatable, Sendable {
    /// How a batch becomes (condition x, target y).
    public enum Task: String, Codable, CaseIterable, Sendable {
        /// x = one-hot label, y = the image (`ConditioningTask.classConditional`).
        case classConditional
        /// x = the visible quadrants, y = the hidden ones (`ConditioningTask.quadrantCompletion`).
        case quadrantCompletion
    }

    /// The conditioning task.
    public var task: Task
    /// `[C, H, W]` of one image (quadrant completion needs C = 1 and H = W, even).
    public var imageShape: [Int]
    /// Classes of the label (class-conditional task).
    public var classes: Int
    /// Visible quadrants, 0 = top-left … 3 = bottom-right (quadrant completion).
    public var visibleQuadrants: [Int]
    /// Hidden width of the three MLPs.
    public var hidden: Int
    /// Latent dimensions L.
    public var latent: Int
    /// Learned prior p(z|x) (true) or the fixed N(0, I) (false).
    public var learnedPrior: Bool
    /// p(y|x, z).
    public var likelihood: VAEConfiguration.LikelihoodKind
    /// Seed of the weight initialization.
    public var seed: UInt64
    /// A PixelCNN decoder p(y|x, z) instead of the MLP (class-conditional task, Bernoulli); nil = the MLP.
    public var pixelCNN: PixelCNNDecoderConfiguration?

    /// A configuration; the defaults are the class-conditional MNIST CVAE with a learned prior.
    public init(task: Task = .classConditional, imageShape: [Int] = [1, 28, 28], classes: Int = 10,
                visibleQuadrants: [Int] = [0], hidden: Int = 400, latent: Int = 20, learnedPrior: Bool = true,
                likelihood: VAEConfiguration.LikelihoodKind = .bernoulli, seed: UInt64 = 0,
                pixelCNN: PixelCNNDecoderConfiguration? = nil) {
        self.task = task
        self.imageShape = imageShape
        self.classes = classes
        self.visibleQuadrants = visibleQuadrants
        self.hidden = hidden
        self.latent = latent
        self.learnedPrior = learnedPrior
        self.likelihood = likelihood
        self.seed = seed
        self.pixelCNN = pixelCNN
    }

    /// The problems of this configuration, each naming the field, its value and what is allowed.
    public func problems() -> [String] {
        var p: [String] = []
        if imageShape.count != 3 || !imageShape.allSatisfy({ $0 > 0 }) { p.append("imageShape \(imageShape): need [C, H, W], all positive") }
        if hidden < 1 { p.append("hidden \(hidden): need ≥ 1") }
        if latent < 1 { p.append("latent \(latent): need ≥ 1") }
        switch task {
        case .classConditional:
            if classes < 2 { p.append("classes \(classes): need ≥ 2") }
        case .quadrantCompletion:
            if imageShape.count == 3 && (imageShape[0] != 1 || imageShape[1] != imageShape[2] || imageShape[1] % 2 != 0) {
                p.append("imageShape \(imageShape): quadrant completion needs one channel and an even square side")
            }
            if visibleQuadrants.isEmpty || visibleQuadrants.count > 3 || !visibleQuadrants.allSatisfy({ (0..<4).contains($0) })
                || Set(visibleQuadrants).count != visibleQuadrants.count {
                p.append("visibleQuadrants \(visibleQuadrants): need 1–3 distinct quadrants in 0…3")
            }
        }
        if [.gaussianLearnedScale, .discretizedLogistic].contains(likelihood) {
            p.append("likelihood \(likelihood.rawValue): the conditional VAE supports bernoulli, continuousBernoulli and gaussian")
        }
        if let pixelCNN = pixelCNN {
            p += pixelCNN.problems(imageShape: imageShape)
            if task != .classConditional { p.append("task \(task) with pixelCNN: the PixelCNN decoder models whole images (the class-conditional task)") }
            if likelihood != .bernoulli { p.append("likelihood \(likelihood.rawValue) with pixelCNN: the PixelCNN decoder is Bernoulli (binarize the data)") }
        }
        return p
    }

    /// The `ConditioningTask` the model is trained on.
    public func conditioningTask() -> ConditioningTask {
        switch task {
        case .classConditional: return .classConditional(classes: classes, imageShape: imageShape)
        case .quadrantCompletion: return .quadrantCompletion(side: imageShape[1], visible: Set(visibleQuadrants))
        }
    }

    /// A new conditional VAE with weights drawn from `seed`. Throws `ModelConfigurationError`.
    public func build() throws -> ConditionalVAE {
        let issues = problems()
        guard issues.isEmpty else { throw ModelConfigurationError(model: "conditional VAE", problems: issues) }
        let likelihood = VAEConfiguration(likelihood: self.likelihood).decoderLikelihood
        return ConditionalVAE.mlp(task: conditioningTask(), hidden: hidden, latent: latent, learnedPrior: learnedPrior,
                                  likelihood: likelihood, pixelCNN: pixelCNN, generator: RandomGenerator(seed: seed))
    }
}
