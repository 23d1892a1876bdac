/// The five reference training workloads of the performance issue, each with exactly the
/// architecture, batch size and optimizer (Adam, learning rate 1e-3) of its model issue.
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

    /// Examples per training step.
    public var batchSize: Int { self == .realNVP2D ? 512 : 128 }

    /// The throughput unit: images per second for MNIST workloads, steps per second for the toy flow.
    public var unit: String { self == .realNVP2D ? "steps/s" : "img/s" }

    /// Whether the workload trains on MNIST (and so needs the data files).
    public var usesMNIST: Bool { self != .realNVP2D }

    /// The model issue's quality target: the metric reported by the quality run and its upper bound.
    public var qualityTarget: (metric: String, value: Double) {
        switch self {
        case .mlpVAE: return ("test_negative_elbo", 105.8)
        case .conditionalVAE: return ("test_negative_elbo", 102.3)
        case .convolutionalVAE: return ("test_negative_elbo", 107.1)
        case .realNVP2D: return ("test_nll", 0.35)
        case .realNVPMNIST: return ("test_bits_per_dim", 2.05)
        }
    }
}
