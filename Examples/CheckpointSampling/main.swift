// Save a model, load it back, sample from it. Trains a small MLP VAE on sprites with `Trainer`
// (which writes checkpoints), rebuilds it from `best.safetensors` alone and writes a grid of samples.
//
//     swift run -c release example-checkpoint [--epochs N] [--train-size N] [--hidden N] [--output DIR]
//         (defaults: 8 epochs of 2048 sprites, 512 hidden units, ./checkpoint-example)
//     swift run -c release example-checkpoint --checkpoint runs/vae/checkpoints/best.safetensors
//         (a checkpoint of `latent train vae …`: only loads it and samples)
import Foundation
import Latent

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
let output = URL(fileURLWithPath: option("--output") ?? "checkpoint-example")
let epochs = option("--epochs", 8), trainSize = option("--train-size", 2048)
let hidden = option("--hidden", 512)

do {
    try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
    let vae: VAE
    if let path = option("--checkpoint") {
        // The `latent` command stores the model's configuration under its own metadata key.
        vae = try VAE.load(checkpointFrom: URL(fileURLWithPath: path), configurationKey: "latent.model_configuration").vae
    } else {
        // 1. Train, with the configuration in every checkpoint's metadata so the file can rebuild the model.
        let configuration = VAEConfiguration(architecture: .mlp, imageShape: [1, 64, 64], latent: 8, hidden: [hidden])
        let model = try configuration.build()
        let rng = RandomGenerator(seed: 0)
        let train = DataLoader(Sprites.random(count: trainSize, generator: rng).dataset, batchSize: 64, seed: 0)
        let test = DataLoader(Sprites.random(count: 256, generator: rng).dataset, batchSize: 256, shuffle: false)
        let folder = output.appendingPathComponent("checkpoints")
        var settings = TrainerConfiguration(epochs: epochs, checkpointDirectory: folder)
        settings.checkpointMetadata[VAE.configurationKey] = try configuration.json()
        let trainer = Trainer(model: model, optimizer: Adam(model.namedParameters(), learningRate: 2e-3), configuration: settings)
        for report in try trainer.fit(train: train, test: test) {
            print(String(format: "epoch %d  test -ELBO %.2f nats", report.epoch, report.test["loss"]!))
        }

        // 2. Load: a new model from the file alone (configuration + weights). `last.safetensors` is
        //    the end of training (what `model` holds now); `best.safetensors` the lowest test loss.
        let last = folder.appendingPathComponent("last.safetensors")
        vae = try VAE.load(checkpointFrom: last).vae
        let x = test.inputs.slice(axis: 0, from: 0, to: 16)
        model.eval()
        let difference = (vae.reconstruct(x) - model.reconstruct(x)).abs().max().item
        print("reloaded \(last.lastPathComponent): \(vae.parameterCount) parameters, max |reconstruction difference| = \(difference)")
    }

    // 3. Sample: decoder means at z ~ N(0, I), as an 8 × 8 grid.
    let samples = vae.sample(64, generator: RandomGenerator(seed: 7))        // [64, 1, H, W] in [0, 1]
    let file = output.appendingPathComponent("samples.png")
    _ = try PNG.write(ImageGrid.samples(samples, columns: 8), to: file.path)
    print("wrote \(file.path) (\(samples.shape[0]) samples of \(Array(samples.shape.dropFirst())))")
} catch {
    print("error: \(error)")
    exit(1)
}
