import Latent

/// The model issues' full quality runs, through the existing experiment functions, as metrics
/// named like `BenchmarkWorkload.qualityTarget`.
enum QualityRuns {
    static func run(_ workload: BenchmarkWorkload, source: DataSource, seed: UInt64) throws -> [String: Double] {
        let options = VAEExperiments.Options(source: source, seed: seed)
        switch workload {
        case .mlpVAE:
            return try VAEExperiments.mlpVAE(epochs: 10, importanceSamples: 0, options: options).metrics
        case .conditionalVAE:
            return try VAEExperiments.conditionalVAE(learnedPrior: false, importanceSamples: 0, options: options).metrics
        case .convolutionalVAE:
            return try VAEExperiments.convolutionalVAE(epochs: 3, hidden: nil, options: options).metrics
        case .realNVP2D:
            let r = FlowExperiments.twoMoonsRealNVP(steps: 5000, seed: seed)
            return ["test_nll": r.testNLL, "train_seconds": r.seconds]
        case .realNVPMNIST:
            let r = try FlowExperiments.mnistRealNVP(epochs: 1, source: source, seed: seed)
            return ["test_nll": r.testNLL, "test_bits_per_dim": r.testBitsPerDim ?? .nan, "train_seconds": r.seconds]
        case .glow:
            let r = try FlowExperiments.mnistGlow(epochs: 1, source: source, seed: seed)
            return ["test_nll": r.testNLL, "test_bits_per_dim": r.testBitsPerDim ?? .nan, "train_seconds": r.seconds]
        case .convolutionalVAE32:
            return [:]  // synthetic pixels: nothing to reach
        }
    }
}
