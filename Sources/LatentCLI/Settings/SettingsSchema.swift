/// Every hyper-parameter `latent train` accepts, as flag and config-file key.
public enum SettingsSchema {
    /// The keys, in help order.
    public static let keys: [SettingKey] = [
        // Data and loop.
        SettingKey(name: "data", kind: .dataset, scope: .all, help: "dataset: a name, or your own folder:PATH (PNG images), npy:FILE|DIR, npz:FILE, csv:FILE"),
        SettingKey(name: "test-fraction", kind: .double(0.01...0.9), scope: .all, help: "share of your own data held out as the test split, drawn with the seed (only for own data without train/test parts)", datasets: OwnData.prefixes),
        SettingKey(name: "data-dir", kind: .text, scope: .all, help: "folder holding the dataset files (default: $LATENT_DATA, then ~/.cache/latent)"),
        SettingKey(name: "train-size", kind: .int(0...10_000_000), scope: .all, help: "training examples (0 = all; drawn examples for sprites and 2-D densities)"),
        SettingKey(name: "test-size", kind: .int(0...10_000_000), scope: .all, help: "test examples (0 = all; drawn examples for sprites and 2-D densities)"),
        SettingKey(name: "epochs", kind: .int(1...100_000), scope: .all, help: "training epochs"),
        SettingKey(name: "batch-size", kind: .int(1...65_536), scope: .all, help: "examples per optimizer step"),
        SettingKey(name: "learning-rate", kind: .double(1e-8...1), scope: .all, help: "Adam learning rate"),
        SettingKey(name: "clip-norm", kind: .double(0...1e6), scope: .all, help: "gradient-norm clipping (0 = off)"),
        SettingKey(name: "seed", kind: .int(0...Int.max), scope: .all, help: "seed of every random draw"),
        SettingKey(name: "threads", kind: .int(1...256), scope: .all, help: "worker threads of the matrix kernels"),
        SettingKey(name: "noise", kind: .double(0...10), scope: .all, help: "σ of the 2-D density's Gaussian noise (moons: scikit-learn's noise, before scaling; default: the density's own, FFJORD's)", datasets: DensityParameters.noiseDatasets),
        SettingKey(name: "scale", kind: .double(0.001...1000), scope: .all, help: "overall size of the 2-D density (moons: 1 = scikit-learn's, 2 = FFJORD's, the default)", datasets: DensityParameters.scaleDatasets),
        SettingKey(name: "picture-every", kind: .int(0...100_000), scope: .all, help: "save pictures every N epochs (0 = only at the end)"),
        SettingKey(name: "binarize", kind: .choice(["none", "dynamic", "static"]), scope: .imageModels, help: "pixels in [0, 1] as Bernoulli draws: dynamic = a fresh draw of the training images every epoch (the IWAE paper's protocol), static = one fixed draw; the test split is drawn once with a fixed seed, the same for every run"),
        SettingKey(name: "eval-samples", kind: .int(0...100_000), scope: .latentVariable, help: "importance samples K for the per-epoch IWAE estimate of log p(x) (0 = off)"),
        // VAE family.
        SettingKey(name: "architecture", kind: .choice(["mlp", "deep-mlp", "conv"]), scope: .vae, help: "encoder/decoder family"),
        SettingKey(name: "activation", kind: .choice(["relu", "tanh"]), scope: .vae, help: "hidden units of the deep-mlp architecture"),
        SettingKey(name: "latent", kind: .int(1...4096), scope: .vaeFamily, help: "latent dimensions"),
        SettingKey(name: "hidden", kind: .ints(1...65_536), scope: .all, help: "hidden widths (VAE: mlp one, deep-mlp any, conv optional fc; flows: conditioner widths, glow: channels)", allowsEmpty: true),
        SettingKey(name: "likelihood", kind: .choice(["bernoulli", "continuous-bernoulli", "gaussian", "gaussian-learned", "discretized-logistic"]), scope: .vaeFamily, help: "decoder distribution p(x|z)"),
        SettingKey(name: "prior", kind: .choice(["standard", "mixture", "vamp"]), scope: .vae,
                   help: "prior p(z): N(0, I), a learned Gaussian mixture, or the VampPrior (q(z|u) over learned pseudo-inputs u)"),
        SettingKey(name: "prior-components", kind: .int(1...1000), scope: .vae, help: "components of the mixture prior, or pseudo-inputs of the VampPrior"),
        SettingKey(name: "prior-init", kind: .choice(["uniform", "data"]), scope: .vae,
                   help: "VampPrior pseudo-inputs start as uniform noise in [0, 1] or as random training images"),
        SettingKey(name: "posterior-flow", kind: .int(0...64), scope: .vae, help: "flow layers refining q(z|x), conditioned on x"),
        SettingKey(name: "posterior-flow-kind", kind: .choice(["iaf", "planar"]), scope: .vae, help: "inverse autoregressive or planar posterior layers"),
        SettingKey(name: "posterior-scale", kind: .choice(["log-sigma", "log-variance"]), scope: .vae, help: "the encoder's scale output read as log σ or as log σ² (PyTorch's usual logvar head)"),
        SettingKey(name: "tc-beta", kind: .double(0...1e4), scope: .vae, help: "β-TCVAE: weight of the total correlation of q(z) inside the KL (1 = plain KL; minibatch-weighted estimate)"),
        SettingKey(name: "beta", kind: .double(0...1e4), scope: .vae, help: "weight β of the KL term (β-VAE)"),
        SettingKey(name: "warmup", kind: .choice(["none", "linear", "cyclical"]), scope: .vae, help: "KL warm-up schedule"),
        SettingKey(name: "warmup-steps", kind: .int(0...100_000_000), scope: .vae, help: "steps of the linear warm-up, or the cyclical period"),
        SettingKey(name: "warmup-ramp", kind: .double(0.001...1), scope: .vae, help: "fraction of a cyclical period spent ramping"),
        SettingKey(name: "free-bits", kind: .double(0...1e3), scope: .vae, help: "free-bits floor per latent dimension, nats (0 = off)"),
        SettingKey(name: "capacity", kind: .double(0...1e4), scope: .vae, help: "capacity annealing: final KL target C, nats (0 = off)"),
        SettingKey(name: "capacity-steps", kind: .int(0...100_000_000), scope: .vae, help: "steps over which C rises"),
        SettingKey(name: "capacity-gamma", kind: .double(1e-6...1e6), scope: .vae, help: "γ of the capacity penalty γ·|KL − C|"),
        SettingKey(name: "target-rate", kind: .double(0...1e4), scope: .vae, help: "KL rate, nats, that a β controller steers to (0 = off)"),
        SettingKey(name: "controller-gain", kind: .double(1e-6...10), scope: .vae, help: "gain of the β controller"),
        SettingKey(name: "wae-lambda", kind: .double(0...1e6), scope: .wae,
                   help: "λ of the WAE: loss = −log p(x|z) + λ·MMD²(codes, N(0, I) draws), inverse multiquadratic kernel"),
        SettingKey(name: "decoder", kind: .choice(["factorized", "pixelcnn"]), scope: .vaeFamily,
                   help: "p(x|z): the architecture's factorized decoder, or a gated PixelCNN conditioned on z (Bernoulli: binarize the data; one-channel images)"),
        SettingKey(name: "pixelcnn-layers", kind: .int(1...32), scope: .vaeFamily, help: "gated masked-convolution layers of the PixelCNN decoder (5×5 type-A first, then 3×3 type B)"),
        SettingKey(name: "pixelcnn-channels", kind: .int(1...1024), scope: .vaeFamily, help: "hidden channels of the PixelCNN decoder"),
        SettingKey(name: "iwae-samples", kind: .int(1...10_000), scope: .importanceWeighted, help: "K of the importance-weighted training bound (1 = ELBO; hvae: k of --objective, averaged for elbo)"),
        SettingKey(name: "task", kind: .choice(["class", "quadrant"]), scope: .cvae, help: "label → image, or visible quadrant → hidden quadrants"),
        SettingKey(name: "learned-prior", kind: .bool, scope: .cvae, help: "learned conditional prior p(z|x) (false: N(0, I))"),
        SettingKey(name: "visible", kind: .ints(0...3), scope: .cvae, help: "visible quadrants for the quadrant task (0 = top-left … 3)"),
        // VQ-VAE.
        SettingKey(name: "codes", kind: .int(2...4096), scope: .vqvae, help: "codebook size K"),
        SettingKey(name: "code-positions", kind: .int(1...1024), scope: .vqvae, help: "codes M per image (the encoder outputs M vectors)"),
        SettingKey(name: "code-dimension", kind: .int(1...1024), scope: .vqvae, help: "dimension D of each code vector"),
        SettingKey(name: "commitment", kind: .double(0...100), scope: .vqvae, help: "β of the commitment loss ‖z − sg(e)‖²"),
        SettingKey(name: "codebook-decay", kind: .double(0.5...0.99999), scope: .vqvae, help: "γ of the codebook's moving averages"),
        SettingKey(name: "prior-hidden", kind: .int(1...65_536), scope: .vqvae, help: "hidden width of the autoregressive code prior"),
        // Hierarchical VAE.
        SettingKey(name: "latent-sizes", kind: .ints(1...4096), scope: .hvae, help: "widths L₁,L₂ of the two stochastic layers z₁ (next to x) and z₂ (top)"),
        SettingKey(name: "hidden-top", kind: .ints(1...65_536), scope: .hvae, help: "tanh widths between z₁ and z₂ (--hidden: between x and z₁), mirrored in p(z₁|z₂)"),
        SettingKey(name: "objective", kind: .choice(["elbo", "iwae"]), scope: .hvae, help: "training bound: the ELBO (k samples averaged) or the IWAE bound (k samples), k = --iwae-samples"),
        SettingKey(name: "kl-warmup-steps", kind: .int(0...100_000_000), scope: .hvae, help: "steps over which the ELBO's KL weight rises linearly from 0 to 1 (0 = off; not with --objective iwae)"),
        SettingKey(name: "inference", kind: .choice(["bottom-up", "ladder"]), scope: .hvae, help: "q(z₁|x)q(z₂|z₁), or the ladder VAE's top-down q(z₂|x)q(z₁|z₂,x) (precision-weighted merge)"),
        // Flows.
        SettingKey(name: "layers", kind: .int(1...1000), scope: .flow, help: "flow layers (glow: steps per scale)"),
        SettingKey(name: "scales", kind: .int(1...6), scope: .flow, help: "levels of the multi-scale image flows"),
        SettingKey(name: "bins", kind: .int(2...256), scope: .flow, help: "spline bins"),
        SettingKey(name: "bound", kind: .double(0.1...1e3), scope: .flow, help: "spline tail bound B"),
        SettingKey(name: "log-scale-bound", kind: .double(0.01...100), scope: .flow, help: "c of the log-scale clamp c·tanh(s/c)"),
        SettingKey(name: "logit-alpha", kind: .double(0...0.5), scope: .flow, help: "α of the logit pre-processing of images"),
        SettingKey(name: "conditional", kind: .bool, scope: .flow, help: "condition on the class label (class-conditional flow)"),
        SettingKey(name: "lipschitz", kind: .double(0.01...0.999), scope: .residualFlow, help: "c < 1, the spectral-norm bound of every linear layer of the residual branches g (Lip g ≤ c^(hidden layers + 1))"),
        SettingKey(name: "residual-activation", kind: .choice(["lipswish", "elu"]), scope: .residualFlow, help: "1-Lipschitz activation of g: LipSwish (smooth, Chen et al.) or ELU (Behrmann et al.)"),
        SettingKey(name: "logdet", kind: .choice(["roulette", "exact"]), scope: .residualFlow, help: "training log-determinant: the unbiased Russian-roulette power series (Hutchinson traces) or the exact D×D determinant (evaluation is always exact in 2-D)"),
        // Flow matching.
        SettingKey(name: "sigma-min", kind: .double(0...0.5), scope: .flowMatching, help: "σ_min of the OT path x_t = (1 − (1 − σ_min)t)x₀ + t·x₁ (the end width of each conditional path)"),
        SettingKey(name: "solver", kind: .choice(["rk4", "dopri5"]), scope: .flowMatching, help: "ODE solver for sampling and the likelihood: fixed-step RK4 (ode-steps) or adaptive Dormand–Prince (tolerance)"),
        SettingKey(name: "ode-steps", kind: .int(1...10_000), scope: .flowMatching, help: "RK4 steps from noise (t = 0) to data (t = 1)"),
        SettingKey(name: "tolerance", kind: .double(1e-7...0.1), scope: .flowMatching, help: "Dormand–Prince relative and absolute tolerance"),
        SettingKey(name: "trace", kind: .choice(["exact", "hutchinson"]), scope: .flowMatching, help: "tr ∂v/∂x in the likelihood ODE: exact (one backward pass per dimension) or Hutchinson's estimate (one Rademacher probe)"),
    ]

    /// The names, for messages.
    public static var names: [String] { keys.map(\.name) }

    /// The key called `name`, or nil.
    public static func key(_ name: String) -> SettingKey? { keys.first { $0.name == name } }
}
