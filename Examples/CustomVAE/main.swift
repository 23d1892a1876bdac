// A custom VAE in a few lines: your own encoder and decoder networks, the library's ELBO.
//
//     swift run -c release example-custom-vae                      # 64×64 sprites made on the fly
//     swift run -c release example-custom-vae --data-dir /data     # MNIST from /data/mnist/*.gz
//     options: --steps N (default 400)
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
let steps = option("--steps", 400)
let rng = RandomGenerator(seed: 0)

// Data: images [N, 1, H, W] with values in [0, 1].
let splits: DatasetSplits
if let directory = option("--data-dir") {
    do { splits = try MNIST.load(.mnist, source: DataSource(directory: URL(fileURLWithPath: directory))) } catch {
        print("error: \(error)")   // names the files it looked for and where
        exit(1)
    }
} else {
    splits = DatasetSplits(train: Sprites.random(count: 2_000, generator: rng).dataset,
                           test: Sprites.random(count: 500, generator: rng).dataset)
}
let shape = splits.train.exampleShape, pixels = shape.reduce(1, *), latent = 8

// q(z|x): any layer that maps x to [B, 2·latent] values, read as (μ, log σ).
let encoder = GaussianEncoder(body: Sequential(
    Flatten(), Linear(pixels, 256, generator: rng), Activation.elu, Linear(256, 2 * latent, generator: rng)),
    latentDimension: latent)
// p(x|z): any layer that maps z to one logit per pixel, read as independent Bernoullis.
let decoder = Decoder(body: Sequential(
    Linear(latent, 256, generator: rng), Activation.elu, Linear(256, pixels, generator: rng)),
    outputShape: shape, likelihood: .bernoulli)
let vae = VAE(encoder: encoder, decoder: decoder)             // prior p(z) = N(0, I)

/// −ELBO in nats per image on the first 500 test images (evaluation mode, no gradients).
func testLoss() -> Double {
    vae.eval()
    defer { vae.train() }
    return withoutGrad { vae.evaluationMetrics(Batch(x: splits.test.prefix(500).inputs), generator: RandomGenerator(seed: 1))["loss"]! }
}

// A hand-written loop: loss → backward → Adam step (`Trainer` does this, plus checkpoints and logs).
let before = testLoss()
let optimizer = Adam(vae.namedParameters(), learningRate: 1e-3)
let loader = DataLoader(splits.train, batchSize: 64, shuffle: true, seed: 0)
var step = 0
while step < steps {
    for (x, _) in loader where step < steps {
        let objective = vae.trainingLoss(Batch(x: x), step: step, generator: rng)   // −ELBO, KL in closed form
        optimizer.zeroGrad()
        objective.loss.backward()
        optimizer.step()
        step += 1
    }
}
print(String(format: "test -ELBO: %.2f nats before training, %.2f after %d steps", before, testLoss(), steps))
