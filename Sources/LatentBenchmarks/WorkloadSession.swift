import Foundation
import Latent

/// One workload ready to train: its model, its Adam optimizer (learning rate 1e-3) and a pool of
/// batches it cycles through, so that a timed step is exactly forward, backward and update.
///
/// MNIST batches are consecutive slices of the training set (pixels k/255 in [0, 1], labels as
/// class indices); the toy flow's batches are drawn from the two moons once, up front, so data
/// generation is not timed (PyTorch's script does the same), and so are the synthetic 3×32×32
/// pixels of `conv-vae-32`.
final class WorkloadSession {
    let workload: BenchmarkWorkload
    private let model: any TrainableModel
    private let optimizer: Adam
    private let batches: [Batch]
    private let generator: RandomGenerator
    private var next = 0
    private(set) var stepsTaken = 0
    /// Trainable scalars of the model (what the peers' scripts print as `parameters`).
    let parameterCount: Int

    /// Builds the model of `workload` from `seed`; MNIST comes from `source`.
    init(_ workload: BenchmarkWorkload, source: DataSource, seed: UInt64, poolSize: Int = 64) throws {
        self.workload = workload
        let g = RandomGenerator(seed: seed)
        switch workload {
        case .mlpVAE:
            let (e, d) = VAEArchitectures.mlp(generator: g)
            model = VAE(encoder: e, decoder: d)
        case .conditionalVAE:
            model = ConditionalVAE.mlp(task: .classConditional(), learnedPrior: false, generator: g)
        case .convolutionalVAE:
            let (e, d) = VAEArchitectures.convolutional28(hidden: nil, generator: g)
            model = VAE(encoder: e, decoder: d)
        case .realNVP2D:
            model = FlowModel(configuration: .realNVP(features: 2, layers: 8, hidden: [64, 64], logScaleBound: 1, seed: seed))
        case .convolutionalVAE32:
            let (e, d) = VAEArchitectures.convolutional(channels: 3, size: 32, widths: [32, 64], latent: 16, hidden: nil,
                                                          likelihood: .bernoulli, generator: g)
            model = VAE(encoder: e, decoder: d)
        case .realNVPMNIST:
            model = FlowModel(configuration: .realNVP(features: 784, layers: 8, hidden: [512, 512],
                                                      pattern: .checkerboard(height: 28, width: 28), logScaleBound: 2,
                                                      image: ImagePreprocessing(levels: 256, logitAlpha: 1e-6), seed: seed))
        case .glow:
            // ActNorm initializes itself from the first batch inside the first (untimed) step.
            model = FlowModel(configuration: BenchmarkWorkload.glowConfiguration(seed: seed))
        }
        parameterCount = model.parameterCount
        optimizer = Adam(model.namedParameters(), learningRate: 1e-3)
        generator = RandomGenerator(seed: seed ^ 0xBE7C)
        let b = workload.batchSize
        if workload.usesMNIST {
            let train = try MNISTCache.train(source)
            let count = min(poolSize, train.inputs.shape[0] / b)
            batches = (0..<count).map { i in
                Batch(x: train.inputs.slice(axis: 0, from: i * b, to: (i + 1) * b),
                      y: train.labels!.slice(axis: 0, from: i * b, to: (i + 1) * b))
            }
        } else if workload == .convolutionalVAE32 {
            // 16 batches of 3×32×32 (25 MB, the size of the MNIST pool) keep the data out of cache.
            batches = (0..<min(poolSize, 16)).map { _ in Batch(x: Tensor.uniform([b, 3, 32, 32], low: 0, high: 1, generator: g)) }
        } else {
            let moons = TwoMoons(noise: 0.05, scale: 1)
            batches = (0..<poolSize).map { _ in Batch(x: moons.sample(b, generator: g)) }
        }
    }

    /// One training step on the next batch: loss, backward, Adam. Returns the loss.
    @discardableResult
    func step() -> Float {
        let batch = batches[next]
        next = (next + 1) % batches.count
        let objective = model.trainingLoss(batch, step: stepsTaken, generator: generator)
        let loss = objective.loss.item
        Profiler.mark("loss.read")
        optimizer.zeroGrad()
        objective.loss.backward()
        optimizer.step()
        Profiler.mark("optimizer.adam")
        stepsTaken += 1
        return loss
    }
}

/// The MNIST training split, loaded once per data location and process.
enum MNISTCache {
    private nonisolated(unsafe) static var loaded: [String: Dataset] = [:]
    private static let lock = NSLock()

    static func train(_ source: DataSource) throws -> Dataset {
        lock.lock()
        defer { lock.unlock() }
        let key = source.directory?.path ?? ""
        if let d = loaded[key] { return d }
        let d = try DatasetSplits.load(named: "mnist", source: source).train
        loaded[key] = d
        return d
    }
}
