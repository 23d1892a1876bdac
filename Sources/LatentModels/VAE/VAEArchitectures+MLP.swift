import LatentTensor
import LatentNN

extension VAEArchitectures {
    /// A deep MLP pair: x `[B, …]` flattened to D → each width of `hidden` with `activation` →
    /// (μ, log σ) of `latent`; z → `hidden` reversed with `activation` → D parameters reshaped to
    /// `imageShape`. The defaults are the one-stochastic-layer model of Burda et al. (IWAE, 2016):
    /// 784-200-200-50 with tanh units.
    public static func deepMLP(imageShape: [Int] = [1, 28, 28], hidden: [Int] = [200, 200], latent: Int = 50,
                               activation: @escaping () -> Activation = { Activation.tanh },
                               likelihood: Likelihood = .bernoulli,
                               generator: RandomGenerator = .global) -> (encoder: GaussianEncoder, decoder: Decoder) {
        require(!hidden.isEmpty && hidden.allSatisfy { $0 > 0 }, "VAEArchitectures.deepMLP: hidden widths must be positive, got \(hidden)")
        let d = imageShape.reduce(1, *)
        var down: [any Layer] = [Flatten()]
        var width = d
        for h in hidden {
            down += [Linear(width, h, generator: generator), activation()]
            width = h
        }
        down.append(Linear(width, 2 * latent, generator: generator))
        var up: [any Layer] = []
        width = latent
        for h in hidden.reversed() {
            up += [Linear(width, h, generator: generator), activation()]
            width = h
        }
        up.append(Linear(width, d, generator: generator))
        return (GaussianEncoder(body: Sequential(down), latentDimension: latent),
                Decoder(body: Sequential(up), outputShape: imageShape, likelihood: likelihood))
    }
}
