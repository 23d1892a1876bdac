import Foundation
import Latent

/// The model of a run, whichever family it is, with what it was built from.
public enum RunModel {
    case vae(VAE, VAEConfiguration)
    case cvae(ConditionalVAE, ConditionalVAEConfiguration)
    case vqvae(VQVAE, VQVAEConfiguration)
    case hvae(HierarchicalVAE, HierarchicalVAEConfiguration)
    case flow(FlowModel)
    case flowMatching(FlowMatchingModel)

    /// Checkpoint metadata key of the run settings JSON.
    public static let settingsKey = "latent.settings"
    /// Checkpoint metadata key of the model configuration JSON.
    public static let configurationKey = "latent.model_configuration"

    /// The model as a `Module` (parameters, train/eval, save/load).
    public var module: Module {
        switch self {
        case let .vae(m, _): return m
        case let .cvae(m, _): return m
        case let .vqvae(m, _): return m
        case let .hvae(m, _): return m
        case let .flow(m): return m
        case let .flowMatching(m): return m
        }
    }

    /// The model's own configuration as JSON (stored in checkpoints beside the run settings).
    public func configurationJSON() throws -> String {
        switch self {
        case let .vae(_, c): return try c.json()
        case let .cvae(_, c):
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return String(decoding: try encoder.encode(c), as: UTF8.self)
        case let .vqvae(_, c): return try c.json()
        case let .hvae(_, c): return try c.json()
        case let .flow(m): return try m.configuration.json()
        case let .flowMatching(m): return try m.configuration.json()
        }
    }

    /// A new model for `settings`, weights drawn from its seed. Throws `CLIError` for invalid combinations.
    public static func build(_ settings: RunSettings) throws -> RunModel {
        try settings.checkMemory()
        let kind = try DatasetCatalog.kind(settings.data)
        let seed = UInt64(settings.int("seed"))
        do {
            switch settings.model.family {
            case .vae: return try buildVAE(settings, kind: kind, seed: seed)
            case .cvae: return try buildCVAE(settings, kind: kind, seed: seed)
            case .vqvae: return try buildVQVAE(settings, kind: kind, seed: seed)
            case .hvae: return try buildHVAE(settings, kind: kind, seed: seed)
            case .flow: return .flow(FlowModel(configuration: try flowConfiguration(settings, kind: kind, seed: seed)))
            case .flowMatching: return .flowMatching(FlowMatchingModel(configuration: try flowMatchingConfiguration(settings, seed: seed)))
            }
        } catch let error as ModelConfigurationError {
            throw CLIError.usage(error.description)
        }
    }

    private static func likelihood(_ name: String) -> VAEConfiguration.LikelihoodKind {
        switch name {
        case "continuous-bernoulli": return .continuousBernoulli
        case "gaussian": return .gaussian
        case "gaussian-learned": return .gaussianLearnedScale
        case "discretized-logistic": return .discretizedLogistic
        default: return .bernoulli
        }
    }

    private static func buildVAE(_ s: RunSettings, kind: DatasetCatalog.Kind, seed: UInt64) throws -> RunModel {
        guard case let .images(shape, levels, _) = kind else { throw CLIError.usage("VAEs need image data") }
        let architecture: VAEConfiguration.Architecture = ["mlp": .mlp, "deep-mlp": .deepMLP, "conv": .convolutional][s.string("architecture")]!
        let config = VAEConfiguration(
            architecture: architecture, imageShape: shape, latent: s.int("latent"), hidden: s.ints("hidden"),
            activation: s.string("activation") == "relu" ? .relu : .tanh,
            likelihood: likelihood(s.string("likelihood")), levels: levels,
            prior: ["mixture": .mixture, "vamp": .vamp][s.string("prior")] ?? .standardNormal, priorComponents: s.int("prior-components"),
            posteriorFlowLayers: s.int("posterior-flow"),
            posteriorFlowKind: s.string("posterior-flow-kind") == "planar" ? .planar : .iaf,
            posteriorScaleHead: s.string("posterior-scale") == "log-variance" ? .logVariance : .logScale,
            totalCorrelationBeta: s.double("tc-beta") == 1 ? nil : Float(s.double("tc-beta")), beta: Float(s.double("beta")),
            warmup: VAEConfiguration.WarmupKind(rawValue: s.string("warmup"))!, warmupSteps: s.int("warmup-steps"),
            warmupRamp: s.double("warmup-ramp"), freeBits: Float(s.double("free-bits")),
            capacity: s.double("capacity") > 0 ? Float(s.double("capacity")) : nil, capacitySteps: s.int("capacity-steps"),
            capacityGamma: Float(s.double("capacity-gamma")),
            targetRate: s.double("target-rate") > 0 ? s.double("target-rate") : nil, controllerGain: s.double("controller-gain"),
            trainingSamples: s.int("iwae-samples"), waeLambda: s.model == .wae ? Float(s.double("wae-lambda")) : nil, seed: seed,
            pixelCNN: s.string("decoder") == "pixelcnn"
                ? PixelCNNDecoderConfiguration(layers: s.int("pixelcnn-layers"), channels: s.int("pixelcnn-channels")) : nil)
        let vae = try config.build()
        vae.evaluationImportanceSamples = s.int("eval-samples")
        return .vae(vae, config)
    }

    private static func buildVQVAE(_ s: RunSettings, kind: DatasetCatalog.Kind, seed: UInt64) throws -> RunModel {
        guard case let .images(shape, _, _) = kind else { throw CLIError.usage("the VQ-VAE needs image data") }
        guard s.ints("hidden").count == 1 else {
            throw CLIError.badSetting(key: "hidden", value: s.values["hidden"]!.description, allowed: "one width for the VQ-VAE's MLPs")
        }
        let config = VQVAEConfiguration(imageShape: shape, hidden: s.ints("hidden")[0], positions: s.int("code-positions"),
                                        dimension: s.int("code-dimension"), codes: s.int("codes"), priorHidden: s.int("prior-hidden"),
                                        commitment: Float(s.double("commitment")), decay: Float(s.double("codebook-decay")), seed: seed)
        return .vqvae(try config.build(), config)
    }

    private static func buildHVAE(_ s: RunSettings, kind: DatasetCatalog.Kind, seed: UInt64) throws -> RunModel {
        guard case let .images(shape, _, _) = kind else { throw CLIError.usage("the hierarchical VAE needs image data") }
        let sizes = s.ints("latent-sizes")
        guard sizes.count == 2 else {
            throw CLIError.badSetting(key: "latent-sizes", value: sizes.map(String.init).joined(separator: ","), allowed: "two widths L₁,L₂ (e.g. 100,50)")
        }
        let config = HierarchicalVAEConfiguration(
            imageShape: shape, hidden1: s.ints("hidden"), latent1: sizes[0], hidden2: s.ints("hidden-top"), latent2: sizes[1],
            inference: HierarchicalVAE.Inference(rawValue: s.string("inference"))!,
            objective: HierarchicalVAEConfiguration.ObjectiveKind(rawValue: s.string("objective"))!, samples: s.int("iwae-samples"),
            warmupSteps: s.int("kl-warmup-steps"), seed: seed)
        let model = try config.build()
        model.evaluationImportanceSamples = s.int("eval-samples")
        return .hvae(model, config)
    }

    private static func buildCVAE(_ s: RunSettings, kind: DatasetCatalog.Kind, seed: UInt64) throws -> RunModel {
        guard case let .images(shape, _, classes) = kind else { throw CLIError.usage("the conditional VAE needs image data") }
        guard s.ints("hidden").count == 1 else {
            throw CLIError.badSetting(key: "hidden", value: s.values["hidden"]!.description, allowed: "one width for the conditional VAE's MLPs")
        }
        let config = ConditionalVAEConfiguration(
            task: s.string("task") == "class" ? .classConditional : .quadrantCompletion, imageShape: shape,
            classes: classes ?? 10, visibleQuadrants: s.ints("visible"), hidden: s.ints("hidden")[0], latent: s.int("latent"),
            learnedPrior: s.bool("learned-prior"), likelihood: likelihood(s.string("likelihood")), seed: seed,
            pixelCNN: s.string("decoder") == "pixelcnn"
                ? PixelCNNDecoderConfiguration(layers: s.int("pixelcnn-layers"), channels: s.int("pixelcnn-channels")) : nil)
        let cvae = try config.build()
        cvae.evaluationImportanceSamples = s.int("eval-samples")
        return .cvae(cvae, config)
    }

    /// The flow configuration `settings` describe.
    static func flowConfiguration(_ s: RunSettings, kind: DatasetCatalog.Kind, seed: UInt64) throws -> FlowConfiguration {
        var features = 2
        if case let .points(count) = kind { features = count }
        var image: ImagePreprocessing? = nil
        var shape: [Int]? = nil
        var context = 0
        if case let .images(imageShape, levels, classes) = kind {
            features = imageShape.reduce(1, *)
            image = ImagePreprocessing(levels: levels, logitAlpha: Float(s.double("logit-alpha")))
            shape = imageShape
            if s.bool("conditional") { context = classes ?? 0 }
        }
        let layers = s.int("layers"), hidden = s.ints("hidden"), bound = Float(s.double("log-scale-bound"))
        var config: FlowConfiguration
        switch s.model {
        case .realNVP:
            let pattern: FlowConfiguration.CouplingPattern = shape.map { $0[0] == 1 ? .checkerboard(height: $0[1], width: $0[2]) : .alternating } ?? .alternating
            config = .realNVP(features: features, layers: layers, hidden: hidden, contextFeatures: context, pattern: pattern,
                              logScaleBound: bound, image: image, seed: seed)
        case .glow:
            guard let shape = shape else { throw CLIError.usage("glow needs image data") }
            guard hidden.count == 1 else {
                throw CLIError.badSetting(key: "hidden", value: hidden.description, allowed: "one channel count for glow's conditioners")
            }
            config = .glow(imageShape: shape, scales: s.int("scales"), stepsPerScale: layers, hiddenChannels: hidden[0],
                           contextFeatures: context, logScaleBound: bound, image: image, learnedSplitPrior: true, seed: seed)
        case .maf: config = .maf(features: features, layers: layers, hidden: hidden, contextFeatures: context, logScaleBound: bound, seed: seed)
        case .iaf: config = .iaf(features: features, layers: layers, hidden: hidden, contextFeatures: context, logScaleBound: bound, seed: seed)
        case .nsf:
            config = .splineCoupling(features: features, layers: layers, hidden: hidden, contextFeatures: context,
                                     bins: s.int("bins"), bound: Float(s.double("bound")), seed: seed)
        case .nsfAR:
            config = .autoregressiveSpline(features: features, layers: layers, hidden: hidden, contextFeatures: context,
                                           bins: s.int("bins"), bound: Float(s.double("bound")), seed: seed)
        case .planar: config = .planar(features: features, layers: layers, contextFeatures: context, seed: seed)
        case .radial: config = .radial(features: features, layers: layers, contextFeatures: context, seed: seed)
        case .residualFlow:
            var options = ResidualFlowOptions()
            options.block.lipschitzCoefficient = Float(s.double("lipschitz"))
            options.block.activation = s.string("residual-activation") == "elu" ? .elu : .lipSwish
            options.block.trainingLogDet = s.string("logdet") == "exact" ? .exact : .russianRoulette
            config = .residual(features: features, layers: layers, hidden: hidden, contextFeatures: context, options: options, seed: seed)
        default: throw CLIError.usage("\(s.model.rawValue) is not a flow")
        }
        if config.image == nil { config.image = image }
        if config.architecture == .glow, let shape = shape, shape[1] % (1 << s.int("scales")) != 0 {
            throw CLIError.badSetting(key: "scales", value: String(s.int("scales")),
                                      allowed: "a count L with the image side \(shape[1]) divisible by 2^L")
        }
        let problems = config.problems()
        guard problems.isEmpty else { throw ModelConfigurationError(model: s.model.rawValue, problems: problems) }
        return config
    }

    /// The flow matching configuration `settings` describe (2-D points).
    static func flowMatchingConfiguration(_ s: RunSettings, seed: UInt64) throws -> FlowMatchingConfiguration {
        let config = FlowMatchingConfiguration(
            features: 2, hidden: s.ints("hidden"), sigmaMin: s.double("sigma-min"),
            solver: s.string("solver") == "rk4" ? .rk4 : .dopri5, steps: s.int("ode-steps"), tolerance: s.double("tolerance"),
            trace: s.string("trace") == "hutchinson" ? .hutchinson : .exact, seed: seed)
        let problems = config.problems()
        guard problems.isEmpty else { throw ModelConfigurationError(model: s.model.rawValue, problems: problems) }
        return config
    }

    /// Rebuilds the model a checkpoint holds (from its stored settings) and loads its weights.
    /// Throws `CLIError.failed` naming the file and, for incompatible checkpoints, the parameters that differ.
    public static func load(checkpoint url: URL) throws -> (RunModel, RunSettings, [String: String]) {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw CLIError.failed("no checkpoint at \(url.path); pass a run folder (with checkpoints/) or a .safetensors file written by `latent train`")
        }
        let metadata: [String: String]
        do { metadata = try SafeTensorsFile(contentsOf: url).metadata } catch {
            throw CLIError.failed("\(url.path) is not a readable checkpoint: \(error)")
        }
        guard let json = metadata[settingsKey] else {
            throw CLIError.failed("\(url.path) has no run settings (metadata key \(settingsKey)); it was not written by `latent train`")
        }
        let settings = try RunSettings.decode(json: json, source: url.path)
        let model = try build(settings)
        do { _ = try model.module.load(from: url) } catch let error as CheckpointError where error.kind == .nonFinite {
            throw CLIError.failed("checkpoint \(url.path) is unusable: \(error)")
        } catch {
            throw CLIError.failed("checkpoint \(url.path) does not fit the model its settings describe: \(error)")
        }
        return (model, settings, metadata)
    }
}
