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
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // `swift package generate-documentation` (the DocC catalogs); a build plugin only, nothing is linked.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
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
        // MPI loaded at run time (dlopen): no MPI needed to build, test or run on one process.
        .target(name: "CLatentMPI", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        // Layer 5: data-parallel training over MPI ranks (or threads, for tests).
        .target(name: "LatentDistributed", dependencies: ["LatentModels", "CLatentMPI"]),
        // Umbrella module re-exporting the public layers.
        .target(name: "Latent", dependencies: ["LatentTensor", "LatentNN", "LatentProbability", "LatentData", "LatentViz", "LatentModels"]),
        // The reference training workloads of the performance issue, timed and profiled.
        .target(name: "LatentBenchmarks", dependencies: ["Latent", "CLatentKernels"]),
        // The `latent` command's implementation: argument parsing, run configuration, progress, run files.
        .target(name: "LatentCLI", dependencies: [
            "Latent", "LatentBenchmarks", "LatentDistributed",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Yams", package: "Yams"),
        ]),
        // Executables.
        .executableTarget(name: "latent", dependencies: ["LatentCLI"]),
        .executableTarget(name: "latent-bench", dependencies: ["Latent", "LatentBenchmarks", "CLatentKernels"]),
        // Examples/: short programs a reader can copy (README "Using Latent from Swift"); tested by ExamplesTests.
        .executableTarget(name: "example-custom-vae", dependencies: ["Latent"], path: "Examples/CustomVAE"),
        .executableTarget(name: "example-custom-bijector", dependencies: ["Latent"], path: "Examples/CustomBijector"),
        .executableTarget(name: "example-custom-model", dependencies: ["Latent"], path: "Examples/CustomModel"),
        .executableTarget(name: "example-checkpoint", dependencies: ["Latent"], path: "Examples/CheckpointSampling"),
        // Tests mirror the source tree; LatentTestSupport holds helpers every test target shares.
        .target(name: "LatentTestSupport", path: "Tests/LatentTestSupport"),
        .testTarget(name: "CLatentKernelsTests", dependencies: ["CLatentKernels"]),
        .testTarget(name: "LatentTensorTests", dependencies: ["LatentTestSupport", "LatentTensor"]),
        .testTarget(name: "LatentNNTests", dependencies: ["LatentTestSupport", "LatentNN"], resources: [.copy("Fixtures")]),
        .testTarget(name: "LatentProbabilityTests", dependencies: ["LatentTestSupport", "LatentProbability"]),
        .testTarget(name: "LatentModelsTests", dependencies: ["LatentTestSupport", "LatentModels"]),
        .testTarget(name: "LatentDataTests", dependencies: ["LatentTestSupport", "LatentData", "LatentViz", "CZlib"]),
        .testTarget(name: "LatentVizTests", dependencies: ["LatentTestSupport", "LatentViz", "CZlib"]),
        .testTarget(name: "LatentDistributedTests", dependencies: ["LatentTestSupport", "LatentDistributed", "Latent"]),
        .testTarget(name: "LatentBenchmarksTests", dependencies: ["LatentTestSupport", "LatentBenchmarks"]),
        // End-to-end tests run the built `latent` executable (hence the dependency on it).
        .testTarget(name: "LatentCLITests", dependencies: ["LatentTestSupport", "Latent", "LatentCLI", "latent"],
                    resources: [.copy("Fixtures")]),
        // Runs each built example with tiny settings and checks what it printed and wrote.
        .testTarget(name: "ExamplesTests", dependencies: ["LatentTestSupport", "Latent", "latent", "example-custom-vae",
                                                          "example-custom-bijector", "example-custom-model", "example-checkpoint"]),
    ],
    swiftLanguageModes: [.v5]
)
