import LatentTensor
import LatentNN
import LatentProbability

/// The options of a residual flow (`FlowConfiguration.residual`): the blocks' settings and whether
/// an ActNorm follows each block.
public struct ResidualFlowOptions: Codable, Equatable, Sendable {
    /// Every block's settings (Lipschitz coefficient, power iterations, log-determinant estimator, inverse).
    public var block: ResidualBlock.Settings
    /// An `ActNorm` (data-initialized) after every block, data side first.
    public var actNorm: Bool

    /// The default block settings, with ActNorm.
    public init(block: ResidualBlock.Settings = ResidualBlock.Settings(), actNorm: Bool = true) {
        self.block = block
        self.actNorm = actNorm
    }
}

/// Building and driving the residual flow stack (`FlowConfiguration.Architecture.residual`).
///
/// Density direction (data → noise): x → block₁ → ActNorm₁ → … → block_K → ActNorm_K → z, each
/// block x ↦ x + g(x) computed forward with its log-determinant (exact in evaluation, the
/// Russian-roulette estimate in training); sampling runs the blocks' fixed-point inverses. The
/// stack enters the noise → data `Chain` of `FlowModel` as one `Inverse`.
enum ResidualFlow {
    /// `Inverse(Chain([block, ActNorm, …]))` for `configuration`.
    static func bijector(_ c: FlowConfiguration, generator: RandomGenerator) -> any Bijector {
        let options = c.residual ?? ResidualFlowOptions()
        var dataToNoise: [any Bijector] = []
        for _ in 0..<c.layers {
            dataToNoise.append(ResidualBlock(features: c.features, hidden: c.hidden, contextFeatures: c.contextFeatures,
                                             settings: options.block, generator: generator))
            if options.actNorm { dataToNoise.append(ActNorm(channels: c.features)) }
        }
        return Inverse(Chain(dataToNoise))
    }

    /// Every residual block under `module`, in order.
    static func blocks(in module: Module) -> [ResidualBlock] {
        if let block = module as? ResidualBlock { return [block] }
        return module.namedChildren().flatMap { blocks(in: $0.1) }
    }
}

extension ResidualFlow {
    /// Points every residual block of `model` at `generator` (the step's generator, so the
    /// roulette's draws follow from the seed and the step, and resumed runs repeat them).
    static func useGenerator(_ generator: RandomGenerator, in model: FlowModel) {
        guard model.configuration.architecture == .residual else { return }
        for block in blocks(in: model.flow) { block.generator = generator }
    }

    /// Throws `FlowModelError.inverseDidNotConverge` naming the first block inverted (the last in
    /// data → noise order) whose last inverse of `total` samples left rows unconverged (the blocks
    /// inverted after it receive its NaN rows and fail too).
    static func checkInverses(of model: FlowModel, total: Int) throws {
        guard model.configuration.architecture == .residual else { return }
        for (index, block) in blocks(in: model.flow).enumerated().reversed() {
            if let report = block.lastInverse, report.unconverged > 0 {
                throw FlowModelError.inverseDidNotConverge(block: index, rows: report.unconverged, total: total,
                                                           iterations: report.iterations, lastStep: report.lastStep)
            }
        }
    }
}
