// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Latent",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Latent", targets: ["Latent"]),
        .executable(name: "latent", targets: ["latent"]),
        .executable(name: "latent-bench", targets: ["latent-bench"]),
    ],
    targets: [
        // Layer 0: the hot loops in C, compiled per ISA and dispatched at run time.
        .target(name: "CLatentKernels"),
        // Layer 1: Tensor, ops, autodiff, RNG, threads.
        .target(name: "LatentTensor", dependencies: ["CLatentKernels"]),
        // Layer 2: modules, layers, initializers, optimizers, checkpoints.
        .target(name: "LatentNN", dependencies: ["LatentTensor", "CLatentKernels"]),
        // Layer 3: distributions, KL divergence, bijectors and flow layers.
        .target(name: "LatentProbability", dependencies: ["LatentTensor", "LatentNN"]),
        // zlib from the system (gzip'd datasets, PNG deflate).
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // Layer 3 (beside the models): datasets, loaders, transforms.
        .target(name: "LatentData", dependencies: ["LatentTensor", "CZlib"]),
        // Pictures: PNG, image grids, charts.
        .target(name: "LatentViz", dependencies: ["LatentTensor", "CZlib"]),
        // Layer 4: VAE family, flow models, the shared training loop.
        .target(name: "LatentModels", dependencies: ["LatentTensor", "LatentNN", "LatentProbability", "LatentData", "LatentViz"]),
        // Umbrella module re-exporting the public layers.
        .target(name: "Latent", dependencies: ["LatentTensor", "LatentNN", "LatentProbability", "LatentData", "LatentViz", "LatentModels"]),
        // Executables.
        .executableTarget(name: "latent", dependencies: ["Latent"]),
        .executableTarget(name: "latent-bench", dependencies: ["Latent", "CLatentKernels"]),
        // Tests mirror the source tree; LatentTestSupport holds helpers every test target shares.
        .target(name: "LatentTestSupport", path: "Tests/LatentTestSupport"),
        .testTarget(name: "CLatentKernelsTests", dependencies: ["CLatentKernels"]),
        .testTarget(name: "LatentTensorTests", dependencies: ["LatentTestSupport", "LatentTensor"]),
        .testTarget(name: "LatentNNTests", dependencies: ["LatentTestSupport", "LatentNN"], resources: [.copy("Fixtures")]),
        .testTarget(name: "LatentProbabilityTests", dependencies: ["LatentTestSupport", "LatentProbability"]),
        .testTarget(name: "LatentModelsTests", dependencies: ["LatentTestSupport", "LatentModels"]),
        .testTarget(name: "LatentDataTests", dependencies: ["LatentTestSupport", "LatentData", "CZlib"]),
        .testTarget(name: "LatentVizTests", dependencies: ["LatentTestSupport", "LatentViz", "CZlib"]),
    ],
    swiftLanguageModes: [.v5]
)
