// A model of your own trained by the shared `Trainer`: a mixture of K diagonal Gaussians — a
// latent-variable model whose latent is the component index — fitted by maximum likelihood to
// a 2-D density, with per-epoch test metrics, a JSON Lines log, checkpoints and a density picture.
//
//     swift run -c release example-custom-model [--epochs N] [--output DIR]   (default 20, ./custom-model)
import Foundation
import Latent

/// p(x) = Σₖ πₖ N(x; μₖ, diag σₖ²), with π = softmax(logits). Conforming to `TrainableModel` takes
/// two methods: the differentiable loss of a training batch and the metrics of a test batch.
final class GaussianMixture: Module, TrainableModel {
    let logits: Parameter        // [K]
    let means: Parameter         // [K, D]
    let logScales: Parameter     // [K, D]

    init(components: Int, features: Int, generator: RandomGenerator) {
        logits = Parameter(Tensor.zeros([components]))
        means = Parameter(Tensor.randn([components, features], generator: generator) * 1.5)
        logScales = Parameter(Tensor.full([components, features], -0.5))
    }

    /// The mixture as a library distribution (built from the current parameter values, so it is
    /// differentiable with respect to them): batch `[]`, event `[D]`.
    var distribution: MixtureSameFamily {
        MixtureSameFamily(mixtureLogits: logits.value,
                          components: Normal(loc: means.value, logScale: logScales.value).independent(1))
    }

    // Losses are nats per example (summed over dimensions, averaged over the batch).
    func trainingLoss(_ batch: Batch, step: Int, generator: RandomGenerator) -> TrainingLoss {
        let nll = -distribution.logProb(batch.x).mean()
        return TrainingLoss(loss: nll, parts: ["nll": Double(nll.item)])
    }

    // "loss" is what `TrainerConfiguration.bestMetric` watches by default to pick `best.safetensors`.
    func evaluationMetrics(_ batch: Batch, generator: RandomGenerator) -> [String: Double] {
        ["loss": -Double(distribution.logProb(batch.x).mean().item)]
    }
}

/// The value after `name` on the command line, if any.
func option(_ name: String) -> String? {
    let args = CommandLine.arguments
    return args.firstIndex(of: name).flatMap { $0 + 1 < args.count ? args[$0 + 1] : nil }
}
/// The positive integer after `name` (`fallback` when absent); stops with a message otherwise.
func option(_ name: String, _ fallback: Int) -> Int {
    guard let text = option(name) else { return fallback }
    guard let value = Int(text), value > 0 else { print("error: \(name) needs a positive integer, got '\(text)'"); exit(2) }
    return value
}
let epochs = option("--epochs", 20)
let output = URL(fileURLWithPath: option("--output") ?? "custom-model")

// A fixed training set and test set drawn from the pinwheel density.
let density = Pinwheel()
let train = DataLoader(inputs: density.sample(8_192, generator: RandomGenerator(seed: 1)), batchSize: 256, seed: 0)
let test = DataLoader(inputs: density.sample(4_096, generator: RandomGenerator(seed: 2)), batchSize: 4_096, shuffle: false)

let model = GaussianMixture(components: 12, features: 2, generator: RandomGenerator(seed: 0))
let trainer = Trainer(model: model, optimizer: Adam(model.namedParameters(), learningRate: 3e-2),
                      configuration: TrainerConfiguration(epochs: epochs, checkpointDirectory: output.appendingPathComponent("checkpoints"),
                                                          metricsFile: output.appendingPathComponent("metrics.jsonl")))
trainer.onEpochEnd = { report, _ in
    print(String(format: "epoch %d  train nll %.3f  test nll %.3f", report.epoch, report.train["nll"]!, report.test["loss"]!))
}
do {
    try trainer.fit(train: train, test: test)
    // The learned density p(x) on a 128×128 grid over [−4, 4]² (row 0 at the bottom), test points on top.
    let n = 128, axis = Tensor.linspace(-4, 4, count: n)
    let points = Tensor.concat([axis.reshaped([1, n]).expanded(to: [n, n]).reshaped([n * n, 1]),
                                axis.reshaped([n, 1]).expanded(to: [n, n]).reshaped([n * n, 1])], axis: 1)
    var map = DensityMap(values: withoutGrad { model.distribution.logProb(points).exp().reshaped([n, n]) },
                         xRange: -4...4, yRange: -4...4, title: "mixture of 12 Gaussians on pinwheel")
    map.overlay(samples: test.inputs.slice(axis: 0, from: 0, to: 500))
    _ = try PNG.write(map.render(), to: output.appendingPathComponent("density.png").path)
    print("best test nll \(String(format: "%.3f", trainer.bestValue)); wrote \(output.path)/{metrics.jsonl,checkpoints,density.png}")
} catch {
    print("error: \(error)")
    exit(1)
}
