import Latent

/// The reference training workloads of the performance issues, each with exactly the
/// architecture, batch size and optimizer (Adam, learning rate 1e-3) of its model issue, a
/// CIFAR-shaped convolutional VAE on synthetic pixels and the default MNIST Glow (issue 16).
public enum BenchmarkWorkload: String, CaseIterable, Codable, Sendable {
    /// MLP VAE 784-400-20 (ReLU), Bernoulli likelihood on MNIST in [0, 1], batch 128.
    case mlpVAE = "mlp-vae"
    /// Conditional VAE, one-hot label concatenated, fixed prior N(0, I), 400 hidden, latent 20, batch 128.
    case conditionalVAE = "cvae"
    /// Convolutional VAE: conv 32-64 (4×4, stride 2), latent 16, no extra fully connected layer, batch 128.
    case convolutionalVAE = "conv-vae"
    /// RealNVP, 8 affine couplings with separate s and t MLPs 2-64-64-2, on two moons, batch 512.
    case realNVP2D = "realnvp-2d"
    /// RealNVP on MNIST: 8 checkerboard couplings, s and t MLPs 784-512-512-784, uniform
    /// dequantization, logit α = 1e-6, batch 128.
    case realNVPMNIST = "realnvp-mnist"
    /// The convolutional VAE's layers on `[128, 3, 32, 32]` images (`VAEArchitectures.convolutional` at size 32:
    /// conv 32-64, 32 → 16 → 8, latent 16, Bernoulli likelihood), on synthetic pixels uniform in
    /// [0, 1]: the CIFAR-10 shape without the data set. Timing only: it has no quality run.
    case convolutionalVAE32 = "conv-vae-32"
    /// Glow as `latent train glow` trains it on MNIST by default (`glowConfiguration`): 2 levels ×
    /// 4 steps (ActNorm → LU 1×1 convolution → affine coupling with a 3×3-1×1-3×3 conditioner of 32
    /// channels, log-scales 3·tanh(ŝ/3)), Glow's learned split prior, uniform dequantization and
    /// logit α = 1e-6, batch 64.
    case glow = "glow"

    /// Examples per training step.
    public var batchSize: Int {
        switch self {
        case .realNVP2D: return 512
        case .glow: return 64
        default: return 128
        }
    }

    /// The throughput unit: images per second for MNIST workloads, steps per second for the toy flow.
    public var unit: String { self == .realNVP2D ? "steps/s" : "img/s" }

    /// Whether the workload trains on MNIST (and so needs the data files).
    public var usesMNIST: Bool { self != .realNVP2D && self != .convolutionalVAE32 }

    /// The model issue's quality target: the metric reported by the quality run and its upper
    /// bound; nil for the synthetic-pixel workload, which has no quality run.
    public var qualityTarget: (metric: String, value: Double)? {
        switch self {
        case .mlpVAE: return ("test_negative_elbo", 105.8)
        case .conditionalVAE: return ("test_negative_elbo", 102.3)
        case .convolutionalVAE: return ("test_negative_elbo", 107.1)
        case .realNVP2D: return ("test_nll", 0.35)
        case .realNVPMNIST: return ("test_bits_per_dim", 2.05)
        case .convolutionalVAE32: return nil
        // docs/FLOW_RESULTS.md: this model reached 1.582 test bits/dim in a 30 s probe (389 steps);
        // the quality run trains one epoch (938 steps), as `latent train glow` does by default.
        case .glow: return ("test_bits_per_dim", 1.582)
        }
    }

    /// The `glow` workload's model: `latent train glow`'s default settings on MNIST (`--layers 4`
    /// steps per scale, `--hidden 32`, `--scales 2`, `--log-scale-bound 3`, `--logit-alpha 1e-6`, the
    /// learned split prior), weights drawn from `seed`. LatentCLITests checks it against the CLI.
    public static func glowConfiguration(seed: UInt64) -> FlowConfiguration {
        .glow(imageShape: [1, 28, 28], scales: 2, stepsPerScale: 4, hiddenChannels: 32, logScaleBound: 3,
              image: ImagePreprocessing(levels: 256, logitAlpha: 1e-6), learnedSplitPrior: true, seed: seed)
    }
}
