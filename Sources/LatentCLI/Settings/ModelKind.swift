import Latent

/// The models `latent train` builds, by name, with their families and default settings.
public enum ModelKind: String, CaseIterable, Codable {
    case vae, betaVAE = "beta-vae", iwae, wae, cvae, vqvae = "vq-vae"
    case realNVP = "realnvp", glow, maf, iaf, nsf, nsfAR = "nsf-ar", planar, radial
    case residualFlow = "residual-flow"
    case flowMatching = "flow-matching"
    /// The hierarchical VAE (listed last so that the older names keep their order in messages).
    case hvae

    /// The families of models, which read different settings (`SettingKey.Scope`).
    public enum Family: String { case vae, cvae, vqvae, hvae, flow, flowMatching = "flow-matching" }

    /// The family.
    public var family: Family {
        switch self {
        case .vae, .betaVAE, .iwae, .wae: return .vae
        case .cvae: return .cvae
        case .flowMatching: return .flowMatching
        case .vqvae: return .vqvae
        case .hvae: return .hvae
        default: return .flow
        }
    }

    /// Every name, for messages.
    public static var names: [String] { allCases.map(\.rawValue) }

    /// The model called `name`. Throws `CLIError.unknown` listing the valid names.
    public static func named(_ name: String) throws -> ModelKind {
        guard let kind = ModelKind(rawValue: name) else { throw CLIError.unknown(what: "model", name: name, valid: names) }
        return kind
    }

    /// One line about the model for help texts.
    public var summary: String {
        switch self {
        case .vae: return "variational autoencoder (MLP or convolutional), ELBO"
        case .betaVAE: return "β-VAE (β = 4 by default) for disentangling, on sprites by default"
        case .iwae: return "importance-weighted autoencoder (K = 5 samples), deep MLP 200-200-50"
        case .wae: return "Wasserstein autoencoder, MMD penalty (deterministic encoder, λ = 10)"
        case .cvae: return "conditional VAE: label → image or quadrant completion, learned prior p(z|x)"
        case .vqvae: return "VQ-VAE: discrete codes (EMA codebook), autoregressive prior over the codes"
        case .hvae: return "hierarchical VAE, two stochastic layers (IWAE paper 100-50), ELBO or IWAE, bottom-up or ladder inference"
        case .realNVP: return "RealNVP affine couplings (flat; checkerboard masks on images)"
        case .glow: return "Glow multi-scale flow for images (ActNorm, 1×1 conv, couplings)"
        case .maf: return "masked autoregressive flow"
        case .iaf: return "inverse autoregressive flow"
        case .nsf: return "neural spline flow, coupling form"
        case .nsfAR: return "neural spline flow, autoregressive form"
        case .planar: return "planar flow stack (2-D demos)"
        case .radial: return "radial flow stack (2-D demos)"
        case .residualFlow: return "residual flow (invertible ResNet): spectral norm, Russian-roulette log-det, exact 2-D eval"
        case .flowMatching: return "flow matching (OT paths): continuous flow, ODE sampling, exact ODE likelihood (2-D)"
        }
    }

    /// The dataset used when `--data` is not given.
    public var defaultData: String {
        switch self {
        case .vae, .iwae, .wae, .cvae, .vqvae, .hvae, .glow: return "mnist"
        case .betaVAE: return "sprites"
        default: return "moons"
        }
    }

    /// Whether `key` applies to this model.
    public func reads(_ key: SettingKey) -> Bool {
        switch key.scope {
        case .all: return true
        case .vae: return family == .vae
        case .cvae: return family == .cvae
        case .vaeFamily: return family == .vae || family == .cvae
        case .imageModels: return family == .vae || family == .cvae || family == .vqvae || family == .hvae
        case .latentVariable: return family == .vae || family == .cvae || family == .hvae
        case .importanceWeighted: return family == .vae || family == .hvae
        case .hvae: return family == .hvae
        case .vqvae: return family == .vqvae
        case .flow: return family == .flow
        case .flowMatching: return family == .flowMatching
        case .wae: return self == .wae
        case .residualFlow: return self == .residualFlow
        }
    }

    /// The default of every key this model reads, for data of `kind` called `data` (`noise` and
    /// `scale` only for the 2-D densities that have them).
    public func defaults(for kind: DatasetCatalog.Kind, data: String) -> [String: SettingValue] {
        let images: Bool
        if case .images = kind { images = true } else { images = false }
        var d: [String: SettingValue] = [
            "data": .string(data), "data-dir": .string(""), "train-size": .int(0), "test-size": .int(0),
            "epochs": .int(images ? 10 : 20), "batch-size": .int(images ? 128 : 512), "learning-rate": .double(1e-3),
            "clip-norm": .double(0), "seed": .int(0), "threads": .int(Threads.count), "picture-every": .int(1),
        ]
        if let noise = DensityParameters.defaultNoise(data) { d["noise"] = .double(noise) }
        if let scale = DensityParameters.defaultScale(data) { d["scale"] = .double(scale) }
        if OwnData.isOwn(data) && !OwnData.hasOwnSplit(data) { d["test-fraction"] = .double(0.1) }
        switch family {
        case .vae:
            let sprites = data == "sprites" || data == "dsprites"
            d["binarize"] = .string("none")
            // Sprites: the ReLU MLP 4096-512-512-10 with a KL warm-up, which trains in a minute
            // (docs/RESULTS.md); the convolutional 64×64 pair collapses its posterior there.
            d["eval-samples"] = .int(0)
            d["architecture"] = .string(self == .iwae || sprites ? "deep-mlp" : "mlp")
            d["activation"] = .string(sprites ? "relu" : "tanh")
            d["latent"] = .int(self == .iwae ? 50 : (sprites ? 10 : 20))
            d["hidden"] = .ints(self == .iwae ? [200, 200] : (sprites ? [512, 512] : [400]))
            d["likelihood"] = .string("bernoulli")
            d["prior"] = .string("standard")
            d["prior-components"] = .int(10)
            d["prior-init"] = .string("uniform")
            d["posterior-flow"] = .int(0)
            d["posterior-flow-kind"] = .string("iaf")
            d["posterior-scale"] = .string("log-sigma")
            d["tc-beta"] = .double(1)
            d["beta"] = .double(self == .betaVAE ? 4 : 1)
            d["warmup"] = .string(sprites ? "linear" : "none")
            d["warmup-steps"] = .int(sprites ? 500 : 0)
            d["warmup-ramp"] = .double(0.5)
            d["free-bits"] = .double(0)
            d["capacity"] = .double(0)
            d["capacity-steps"] = .int(10_000)
            d["capacity-gamma"] = .double(1000)
            d["target-rate"] = .double(0)
            d["controller-gain"] = .double(0.05)
            d["iwae-samples"] = .int(self == .iwae ? 5 : 1)
            d["decoder"] = .string("factorized")
            d["pixelcnn-layers"] = .int(5)
            d["pixelcnn-channels"] = .int(32)
            if self == .wae { d["wae-lambda"] = .double(10) }
            if sprites {
                d["epochs"] = .int(8)
                d["batch-size"] = .int(64)
            }
        case .vqvae:
            d["binarize"] = .string("none")
            d["hidden"] = .ints([400])
            d["codes"] = .int(64)
            d["code-positions"] = .int(8)
            d["code-dimension"] = .int(16)
            d["commitment"] = .double(0.25)
            d["codebook-decay"] = .double(0.99)
            d["prior-hidden"] = .int(256)
        case .hvae:
            // The IWAE paper's two-layer model and protocol: dynamic binarization, batch 100.
            d["binarize"] = .string("dynamic")
            d["batch-size"] = .int(100)
            d["eval-samples"] = .int(0)
            d["hidden"] = .ints([200, 200])
            d["hidden-top"] = .ints([100, 100])
            d["latent-sizes"] = .ints([100, 50])
            d["objective"] = .string("elbo")
            d["iwae-samples"] = .int(1)
            d["inference"] = .string("bottom-up")
            d["kl-warmup-steps"] = .int(0)
        case .cvae:
            d["binarize"] = .string("none")
            d["eval-samples"] = .int(0)
            d["latent"] = .int(20)
            d["hidden"] = .ints([400])
            d["likelihood"] = .string("bernoulli")
            d["task"] = .string("class")
            d["decoder"] = .string("factorized")
            d["pixelcnn-layers"] = .int(5)
            d["pixelcnn-channels"] = .int(32)
            d["learned-prior"] = .bool(true)
            d["visible"] = .ints([0])
        case .flow:
            let layers: [ModelKind: Int] = [.realNVP: 8, .glow: 4, .maf: 5, .iaf: 5, .nsf: 4, .nsfAR: 4, .planar: 16, .radial: 16, .residualFlow: 8]
            d["layers"] = .int(layers[self]!)
            d["hidden"] = .ints(self == .glow ? [32] : (images && self == .realNVP ? [512, 512] : [64, 64]))
            d["scales"] = .int(2)
            d["bins"] = .int(8)
            d["bound"] = .double(images ? 4 : 5)
            d["log-scale-bound"] = .double(self == .realNVP ? (images ? 2 : 1) : 3)
            d["logit-alpha"] = .double(1e-6)
            d["conditional"] = .bool(false)
            if self == .residualFlow {
                d["lipschitz"] = .double(0.9)
                d["residual-activation"] = .string("lipswish")
                d["logdet"] = .string("roulette")
            }
            if images {
                d["epochs"] = .int(1)
                d["batch-size"] = .int(self == .glow ? 64 : 128)
            }
        case .flowMatching:
            d["hidden"] = .ints([128, 128, 128])
            d["sigma-min"] = .double(1e-4)
            d["solver"] = .string("dopri5")
            d["ode-steps"] = .int(50)
            d["tolerance"] = .double(1e-5)
            d["trace"] = .string("exact")
        }
        return d
    }
}
