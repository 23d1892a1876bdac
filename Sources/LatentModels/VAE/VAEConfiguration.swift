import Foundation
import LatentTensor
import LatentNN

/// Everything needed to rebuild a `VAE`: architecture and sizes, likelihood, prior, posterior
/// flow, KL control and objective. Codable; `VAE.save(checkpointTo:)` stores it as JSON in the
/// checkpoint's metadata and `VAE.load(checkpointFrom:)` builds the same network again.
///
///     let config = VAEConfiguration(architecture: .mlp, imageShape: [1, 28, 28], latent: 20, hidden: [400])
///     let vae = try config.build()          // weights drawn from config.seed
public struct VAEConfiguration: Codable, Equatable, Sendable {
    /// The encoder/decoder family.
    public enum Architecture: String, Codable, CaseIterable, Sendable {
        /// One hidden ReLU layer of `hidden[0]` units (Kingma & Welling; 784-400-20 by default).
        case mlp
        /// Hidden tanh layers of the widths in `hidden` (the IWAE paper's 200-200-50).
        case deepMLP
        /// Stride-2 4×4 convolutions: 32-64 for 28×28 images (`hidden` = optional fc width),
        /// 32-32-64-64 + 256 fc for 64×64 images (`VAEArchitectures`).
        case convolutional
    }

    /// The observation model p(x|z) (see `Likelihood`).
    public enum LikelihoodKind: String, Codable, CaseIterable, Sendable {
        case bernoulli, continuousBernoulli, gaussian, gaussianLearnedScale, discretizedLogistic
    }

    /// The prior p(z).
    public enum PriorKind: String, Codable, CaseIterable, Sendable {
        /// N(0, I).
        case standardNormal
        /// A learned mixture of `priorComponents` diagonal Gaussians.
        case mixture
        /// The VampPrior: q(z|u) averaged over `priorComponents` learned pseudo-inputs u (`VampPrior`).
        case vamp
    }

    /// Hidden-unit nonlinearity of the deep MLP.
    public enum ActivationKind: String, Codable, CaseIterable, Sendable {
        case relu, tanh
    }

    /// The layers of a posterior flow (`PosteriorFlow`), both conditioned on x.
    public enum PosteriorFlowKind: String, Codable, CaseIterable, Sendable {
        /// Inverse autoregressive layers (Kingma et al., 2016).
        case iaf
        /// Planar layers (Rezende & Mohamed, 2015) with parameters offset per x.
        case planar
    }

    /// KL warm-up schedules (see `KLWarmup`).
    public enum WarmupKind: String, Codable, CaseIterable, Sendable {
        case none, linear, cyclical
    }

    /// Encoder/decoder family.
    public var architecture: Architecture
    /// `[C, H, W]` of one image.
    public var imageShape: [Int]
    /// Latent dimensions L.
    public var latent: Int
    /// Hidden widths (mlp: one; deepMLP: any; convolutional 28×28 and 32×32: empty or one fc width).
    public var hidden: [Int]
    /// Nonlinearity of the deepMLP's hidden layers (the mlp and convolutional ones use ReLU).
    public var activation: ActivationKind
    /// p(x|z).
    public var likelihood: LikelihoodKind
    /// log σ of the fixed-variance Gaussian likelihood.
    public var gaussianLogScale: Float
    /// Bins of the discretized logistic likelihood.
    public var levels: Int
    /// p(z).
    public var prior: PriorKind
    /// Components of the `mixture` prior, or pseudo-inputs of the `vamp` prior.
    public var priorComponents: Int
    /// Flow layers refining q(z|x), conditioned on x (0: a plain Gaussian posterior).
    public var posteriorFlowLayers: Int
    /// Which layers refine q(z|x).
    public var posteriorFlowKind: PosteriorFlowKind
    /// How the encoder's scale output is read; nil means `.logScale` (and is what configurations
    /// saved before this field existed decode to).
    public var posteriorScaleHead: GaussianEncoder.ScaleHead?
    /// β-TCVAE's weight on the total correlation (Chen et al., 2018); nil or 1 = the plain KL.
    /// Sets `VAE.totalCorrelationWeight` to this − 1.
    public var totalCorrelationBeta: Float?
    /// β of the KL term (1 = the ELBO; > 1 = β-VAE).
    public var beta: Float
    /// KL warm-up schedule.
    public var warmup: WarmupKind
    /// Steps of the linear warm-up, or the period of the cyclical one.
    public var warmupSteps: Int
    /// Fraction of each cyclical period spent ramping up.
    public var warmupRamp: Double
    /// Free-bits floor per latent dimension (nats; 0 = off).
    public var freeBits: Float
    /// Capacity annealing: the target KL C rises to this many nats (nil = off).
    public var capacity: Float?
    /// Steps over which C rises.
    public var capacitySteps: Int
    /// γ of the capacity penalty γ·|KL − C|.
    public var capacityGamma: Float
    /// Target rate in nats for the β controller (nil = off).
    public var targetRate: Double?
    /// Gain of the β controller.
    public var controllerGain: Double
    /// Importance samples K of the IWAE training objective (1 = the ELBO).
    public var trainingSamples: Int
    /// λ of the WAE-MMD objective (`VAEObjective.wae`); nil = a VAE.
    public var waeLambda: Float?
    /// Seed of the weight initialization.
    public var seed: UInt64
    /// A PixelCNN decoder instead of the architecture's (whose encoder stays); nil = the
    /// architecture's factorized decoder. Needs the Bernoulli likelihood and one-channel images.
    public var pixelCNN: PixelCNNDecoderConfiguration?

    /// A configuration; the defaults are the classic MLP VAE on MNIST with the plain ELBO.
    public init(architecture: Architecture = .mlp, imageShape: [Int] = [1, 28, 28], latent: Int = 20, hidden: [Int] = [400],
                activation: ActivationKind = .tanh, likelihood: LikelihoodKind = .bernoulli, gaussianLogScale: Float = -2, levels: Int = 256,
                prior: PriorKind = .standardNormal, priorComponents: Int = 10, posteriorFlowLayers: Int = 0,
                posteriorFlowKind: PosteriorFlowKind = .iaf, posteriorScaleHead: GaussianEncoder.ScaleHead? = nil,
                totalCorrelationBeta: Float? = nil,
                beta: Float = 1, warmup: WarmupKind = .none, warmupSteps: Int = 0, warmupRamp: Double = 0.5,
                freeBits: Float = 0, capacity: Float? = nil, capacitySteps: Int = 10_000, capacityGamma: Float = 1000,
                targetRate: Double? = nil, controllerGain: Double = 0.05, trainingSamples: Int = 1, waeLambda: Float? = nil,
                seed: UInt64 = 0, pixelCNN: PixelCNNDecoderConfiguration? = nil) {
        self.architecture = architecture
        self.imageShape = imageShape
        self.latent = latent
        self.hidden = hidden
        self.activation = activation
        self.likelihood = likelihood
        self.gaussianLogScale = gaussianLogScale
        self.levels = levels
        self.prior = prior
        self.priorComponents = priorComponents
        self.posteriorFlowLayers = posteriorFlowLayers
        self.posteriorFlowKind = posteriorFlowKind
        self.posteriorScaleHead = posteriorScaleHead
        self.totalCorrelationBeta = totalCorrelationBeta
        self.beta = beta
        self.warmup = warmup
        self.warmupSteps = warmupSteps
        self.warmupRamp = warmupRamp
        self.freeBits = freeBits
        self.capacity = capacity
        self.capacitySteps = capacitySteps
        self.capacityGamma = capacityGamma
        self.targetRate = targetRate
        self.controllerGain = controllerGain
        self.trainingSamples = trainingSamples
        self.waeLambda = waeLambda
        self.seed = seed
        self.pixelCNN = pixelCNN
    }

    /// The `Likelihood` the decoder uses.
    public var decoderLikelihood: Likelihood {
        switch likelihood {
        case .bernoulli: return .bernoulli
        case .continuousBernoulli: return .continuousBernoulli
        case .gaussian: return .gaussian(logScale: gaussianLogScale)
        case .gaussianLearnedScale: return .gaussianLearnedScale
        case .discretizedLogistic: return .discretizedLogistic(levels: levels)
        }
    }

    /// The KL weighting in force during training.
    public func regularizer() -> KLRegularizer {
        let schedule: KLWarmup
        switch warmup {
        case .none: schedule = .none
        case .linear: schedule = .linear(steps: warmupSteps)
        case .cyclical: schedule = .cyclical(period: max(warmupSteps, 1), rampFraction: warmupRamp)
        }
        return KLRegularizer(beta: beta, warmup: schedule, freeBits: freeBits,
                             capacity: capacity.map { CapacityAnnealing(maximum: $0, steps: capacitySteps, gamma: capacityGamma) },
                             controller: targetRate.map { TargetRateController(target: $0, gain: controllerGain) })
    }

    /// The problems of this configuration, each naming the field, its value and what is allowed
    /// (empty when it can be built).
    public func problems() -> [String] {
        var p: [String] = []
        if imageShape.count != 3 || !imageShape.allSatisfy({ $0 > 0 }) { p.append("imageShape \(imageShape): need [C, H, W], all positive") }
        if latent < 1 { p.append("latent \(latent): need ≥ 1") }
        if hidden.contains(where: { $0 < 1 }) { p.append("hidden \(hidden): widths must be ≥ 1") }
        if let b = totalCorrelationBeta {
            if !(b >= 0) { p.append("totalCorrelationBeta \(b): need ≥ 0") }
            if b != 1 && posteriorFlowLayers > 0 {
                p.append("totalCorrelationBeta \(b) with posteriorFlowLayers \(posteriorFlowLayers): the total-correlation estimate needs the Gaussian posterior without a flow")
            }
        }
        switch architecture {
        case .mlp where hidden.count != 1: p.append("hidden \(hidden): the mlp architecture takes exactly one width")
        case .deepMLP where hidden.isEmpty: p.append("hidden \(hidden): deepMLP needs at least one width")
        case .convolutional:
            let side = imageShape.count == 3 ? imageShape[1] : 0
            if ![28, 32, 64].contains(side) || imageShape.count == 3 && imageShape[2] != side {
                p.append("imageShape \(imageShape): the convolutional architecture takes 28×28, 32×32 or 64×64 images")
            }
            if hidden.count > 1 { p.append("hidden \(hidden): the convolutional architecture takes at most one fc width") }
        default: break
        }
        if priorComponents < 1 { p.append("priorComponents \(priorComponents): need ≥ 1") }
        if posteriorFlowLayers < 0 { p.append("posteriorFlowLayers \(posteriorFlowLayers): need ≥ 0") }
        if beta < 0 || !beta.isFinite { p.append("beta \(beta): need a finite value ≥ 0") }
        if warmup != .none && warmupSteps < 1 { p.append("warmupSteps \(warmupSteps): a \(warmup) warm-up needs ≥ 1 step") }
        if !(warmupRamp > 0 && warmupRamp <= 1) { p.append("warmupRamp \(warmupRamp): need 0 < ramp ≤ 1") }
        if freeBits < 0 { p.append("freeBits \(freeBits): need ≥ 0 nats") }
        if freeBits > 0 && (prior != .standardNormal || posteriorFlowLayers > 0) {
            p.append("freeBits \(freeBits): needs per-dimension KLs, i.e. the standardNormal prior and no posterior flow")
        }
        if let c = capacity, c < 0 { p.append("capacity \(c): need ≥ 0 nats") }
        if capacitySteps < 0 { p.append("capacitySteps \(capacitySteps): need ≥ 0") }
        if capacityGamma <= 0 { p.append("capacityGamma \(capacityGamma): need > 0") }
        if let r = targetRate, !(r > 0) { p.append("targetRate \(r): need > 0 nats") }
        if controllerGain <= 0 { p.append("controllerGain \(controllerGain): need > 0") }
        if trainingSamples < 1 { p.append("trainingSamples \(trainingSamples): need ≥ 1") }
        if let lambda = waeLambda {
            if !(lambda >= 0 && lambda.isFinite) { p.append("waeLambda \(lambda): need a finite value ≥ 0") }
            if prior != .standardNormal { p.append("waeLambda with prior \(prior): the WAE's kernel scales assume the standardNormal prior") }
            if posteriorFlowLayers > 0 || trainingSamples > 1 {
                p.append("waeLambda with posteriorFlowLayers \(posteriorFlowLayers), trainingSamples \(trainingSamples): the WAE's encoder is deterministic (no flow, no importance samples)")
            }
        }
        if likelihood == .discretizedLogistic && levels < 2 { p.append("levels \(levels): need ≥ 2") }
        if let pixelCNN = pixelCNN {
            p += pixelCNN.problems(imageShape: imageShape)
            if likelihood != .bernoulli { p.append("likelihood \(likelihood) with pixelCNN: the PixelCNN decoder is Bernoulli (binarize the data)") }
        }
        return p
    }

    /// A new VAE with weights drawn from `seed`. Throws `ModelConfigurationError` naming every
    /// invalid field.
    public func build() throws -> VAE {
        let issues = problems()
        guard issues.isEmpty else { throw ModelConfigurationError(model: "VAE", problems: issues) }
        let g = RandomGenerator(seed: seed)
        let pair: (encoder: GaussianEncoder, decoder: Decoder)
        switch architecture {
        case .mlp:
            pair = VAEArchitectures.mlp(imageShape: imageShape, hidden: hidden[0], latent: latent,
                                        likelihood: decoderLikelihood, generator: g)
        case .deepMLP:
            let relu = activation == .relu
            pair = VAEArchitectures.deepMLP(imageShape: imageShape, hidden: hidden, latent: latent,
                                            activation: { relu ? Activation.relu : Activation.tanh },
                                            likelihood: decoderLikelihood, generator: g)
        case .convolutional:
            switch imageShape[1] {
            case 28:
                pair = VAEArchitectures.convolutional28(channels: imageShape[0], latent: latent, hidden: hidden.first,
                                                        likelihood: decoderLikelihood, generator: g)
            case 32:
                pair = VAEArchitectures.convolutional32(channels: imageShape[0], latent: latent, hidden: hidden.first,
                                                        likelihood: decoderLikelihood, generator: g)
            default:
                pair = VAEArchitectures.convolutional64(channels: imageShape[0], latent: latent,
                                                        likelihood: decoderLikelihood, generator: g)
            }
        }
        pair.encoder.scaleHead = posteriorScaleHead ?? .logScale
        let p: (any LatentPrior)?
        switch prior {
        case .standardNormal: p = nil
        case .mixture: p = MixtureOfGaussiansPrior(latentDimension: latent, components: priorComponents, generator: g)
        case .vamp: p = VampPrior(encoder: pair.encoder, inputShape: imageShape, components: priorComponents, generator: g)
        }
        let inputs = imageShape.reduce(1, *), width = hidden.first ?? 256
        var flow: PosteriorFlow? = nil
        if posteriorFlowLayers > 0 {
            switch posteriorFlowKind {
            case .iaf:
                flow = PosteriorFlow.inverseAutoregressive(latent: latent, inputFeatures: inputs, count: posteriorFlowLayers,
                                                           hidden: [width], contextFeatures: width, generator: g)
            case .planar:
                flow = PosteriorFlow.planar(latent: latent, inputFeatures: inputs, count: posteriorFlowLayers,
                                            contextFeatures: width, generator: g)
            }
        }
        let decoder = pixelCNN?.decoder(imageShape: imageShape, inputs: latent, hidden: width, generator: g) ?? pair.decoder
        let vae = VAE(encoder: pair.encoder, decoder: decoder, prior: p, flow: flow, regularizer: regularizer(),
                      objective: waeLambda.map { .wae(lambda: $0) } ?? (trainingSamples > 1 ? .iwae(samples: trainingSamples) : .elbo))
        vae.totalCorrelationWeight = (totalCorrelationBeta ?? 1) - 1
        return vae
    }

    /// The configuration as compact JSON with sorted keys.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Decodes a configuration written by `json()`.
    public static func decode(json: String) throws -> VAEConfiguration {
        try JSONDecoder().decode(VAEConfiguration.self, from: Data(json.utf8))
    }
}

/// A model configuration that cannot be built: every problem names the field, its value and
/// what is allowed.
public struct ModelConfigurationError: Error, CustomStringConvertible {
    /// Which model family.
    public var model: String
    /// One line per invalid field.
    public var problems: [String]

    public init(model: String, problems: [String]) { (self.model, self.problems) = (model, problems) }

    public var description: String { "invalid \(model) configuration: " + problems.joined(separator: "; ") }
}
