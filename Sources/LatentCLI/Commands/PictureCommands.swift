import ArgumentParser
import Foundation
import Latent

/// Throws `CLIError.usage` naming `--flag`, its value and the allowed range unless `value` lies in
/// `range` (NaN never does). Commands check every number before loading anything.
func checkFlag<T: Comparable>(_ flag: String, _ value: T, in range: ClosedRange<T>) throws {
    guard range.contains(value) else { throw CLIError.usage("--\(flag) must be in \(range.lowerBound)…\(range.upperBound), got \(value)") }
}

/// Throws `CLIError.usage` unless `path` ends in one of `extensions` (lowercase, with the dot).
func checkOutput(_ path: String, _ extensions: [String] = [".png"]) throws {
    guard extensions.contains(where: { path.lowercased().hasSuffix($0) }) else {
        throw CLIError.usage("--output \(path): must end in \(extensions.joined(separator: " or "))")
    }
}

/// Writes `image` to `path` (PNG) and says where.
private func save(_ image: RGBImage, _ path: String, _ console: Console, what: String) throws {
    try checkOutput(path)
    try AtomicFile.write(image, to: URL(fileURLWithPath: path))
    console.json(["event": "written", "what": what, "path": path])
    console.result("\(what) → \(path)")
}

/// `latent sample RUN`: draws from a trained model, as a PNG grid or a `.npy` array.
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sample", abstract: "Draw samples from a trained model (PNG grid or .npy array).")

    @OptionGroup var modelArgument: ModelArgument
    @Option(name: .long, help: "Number of samples (1…100000).") var count = 64
    @Option(name: .long, help: "Temperature T in (0, 100]: base draws are scaled by T (T < 1: fewer, cleaner modes).") var temperature: Float = 1
    @Option(name: .long, help: "Class of the samples, for conditional models (default: cycle through the classes).") var `class`: Int?
    @Option(name: .long, help: "Output file: .png for a picture, .npy for the raw array.") var output = "samples.png"
    @Option(name: .long, help: "Seed of the draws.") var seed: UInt64 = 0
    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        try checkFlag("count", count, in: 1...100_000)
        guard temperature > 0 && temperature <= 100 else { throw CLIError.usage("--temperature must be in (0, 100], got \(temperature)") }
        try checkOutput(output, [".png", ".npy"])
        let console = outputOptions.console()
        let (model, settings, _) = try modelArgument.load()
        if let c = `class` {
            let classes: Int
            switch model {
            case let .cvae(_, config) where config.task == .classConditional: classes = config.classes
            case let .flow(flow) where flow.configuration.contextFeatures > 0: classes = flow.configuration.contextFeatures
            default: throw CLIError.usage("--class needs a class-conditional model (cvae with task class, or a flow trained with conditional: true)")
            }
            guard (0..<classes).contains(c) else { throw CLIError.badSetting(key: "class", value: String(c), allowed: "a class in 0…\(classes - 1)") }
        }
        var condition: Tensor? = nil
        if case let .cvae(_, config) = model, config.task == .quadrantCompletion {
            let test = try modelArgument.testData(settings)
            condition = test.inputs.slice(axis: 0, from: 0, to: min(count, test.count))
        }
        let samples = try RunPictures.samples(model, count: condition?.shape[0] ?? count, temperature: temperature, label: `class`,
                                              condition: condition, generator: RandomGenerator(seed: seed))
        if output.lowercased().hasSuffix(".npy") {
            do { try NPY.write(samples, to: URL(fileURLWithPath: output)) } catch { throw CLIError.failed("cannot write \(output): \(error)") }
            console.json(["event": "written", "what": "samples", "path": output, "shape": samples.shape])
            console.result("\(samples.shape[0]) samples \(samples.shape) → \(output)")
        } else {
            try save(try RunPictures.picture(of: samples, model: model, title: "samples (T = \(temperature))"), output, console, what: "\(samples.shape[0]) samples")
        }
    }
}

/// `latent reconstruct RUN`: test images above their reconstructions.
struct ReconstructCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reconstruct", abstract: "Show test images above their reconstructions (VAEs) or completions (quadrant CVAE).")
    @OptionGroup var modelArgument: ModelArgument
    @Option(name: .long, help: "Number of test images (1…1000; at most the test split).") var count = 16
    @Option(name: .long, help: "Output PNG.") var output = "reconstructions.png"
    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        try checkFlag("count", count, in: 1...1000)
        try checkOutput(output)
        let (model, settings, _) = try modelArgument.load()
        let test = try modelArgument.testData(settings)
        let images = test.inputs.slice(axis: 0, from: 0, to: min(count, test.count))
        try save(try RunPictures.reconstructions(model, images: images, generator: RandomGenerator(seed: 0)), output,
                 outputOptions.console(), what: "\(images.shape[0]) reconstructions")
    }
}

/// `latent interpolate RUN`: decodings along lines between pairs of test images.
struct InterpolateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "interpolate", abstract: "Decode straight lines in latent space between pairs of test images.")
    @OptionGroup var modelArgument: ModelArgument
    @Option(name: .long, help: "Pairs of test images (rows, 1…100).") var pairs = 4
    @Option(name: .long, help: "Steps per line, endpoints included (2…100).") var steps = 10
    @Option(name: .long, help: "Output PNG.") var output = "interpolations.png"
    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        try checkFlag("pairs", pairs, in: 1...100)
        try checkFlag("steps", steps, in: 2...100)
        try checkOutput(output)
        let (model, settings, _) = try modelArgument.load()
        let test = try modelArgument.testData(settings)
        guard 2 * pairs <= test.count else { throw CLIError.usage("--pairs must be in 1…\(test.count / 2) (the test split has \(test.count) images), got \(pairs)") }
        let images = test.inputs.slice(axis: 0, from: 0, to: 2 * pairs)
        try save(try RunPictures.interpolations(model, images: images, steps: steps), output, outputOptions.console(),
                 what: "\(pairs) interpolations")
    }
}

/// `latent traverse RUN`: each latent dimension swept while the others stay fixed.
struct TraverseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "traverse", abstract: "Latent traversal: sweep single latent dimensions of a test image's code.")
    @OptionGroup var modelArgument: ModelArgument
    @Option(name: .long, parsing: .upToNextOption, help: "Latent dimensions to sweep, at most 100 (default: the 10 with the largest KL).") var dims: [Int] = []
    @Option(name: .long, help: "Sweep z_d over [−range, range], range in 0.001…1000.") var range = 3.0
    @Option(name: .long, help: "Values per dimension (2…100).") var steps = 7
    @Option(name: .long, help: "Which test image gives the fixed code.") var image = 0
    @Option(name: .long, help: "Output PNG.") var output = "traversal.png"
    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        try checkFlag("steps", steps, in: 2...100)
        try checkFlag("range", range, in: 1e-3...1e3)
        guard dims.count <= 100 else { throw CLIError.usage("--dims takes at most 100 dimensions, got \(dims.count)") }
        try checkOutput(output)
        let (model, settings, _) = try modelArgument.load()
        let test = try modelArgument.testData(settings)
        guard (0..<test.count).contains(image) else { throw CLIError.usage("--image must be in 0…\(test.count - 1), got \(image)") }
        let probe = test.inputs.slice(axis: 0, from: 0, to: min(500, test.count))
        let chosen = dims.isEmpty ? RunPictures.informativeDimensions(model, images: probe, count: 10) : dims
        let values = (0..<steps).map { -range + 2 * range * Double($0) / Double(steps - 1) }
        try save(try RunPictures.traversal(model, image: test.inputs.slice(axis: 0, from: image, to: image + 1), dimensions: chosen, values: values),
                 output, outputOptions.console(), what: "traversal of dimensions \(chosen)")
    }
}

/// `latent density RUN`: the heat map of a 2-D flow's density.
struct DensityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "density", abstract: "Heat map of a 2-D model's density p(x), with samples on top.")
    @OptionGroup var modelArgument: ModelArgument
    @Option(name: .long, help: "Plot [−range, range]², range in 0.001…1000.") var range = 4.0
    @Option(name: .long, help: "Grid cells per side (2…2000).") var resolution = 150
    @Option(name: .long, help: "Model samples drawn on top (0 = none, at most 100000).") var samples = 500
    @Option(name: .long, help: "Output PNG.") var output = "density.png"
    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        try checkFlag("range", range, in: 1e-3...1e3)
        try checkFlag("resolution", resolution, in: 2...2000)
        try checkFlag("samples", samples, in: 0...100_000)
        try checkOutput(output)
        let (model, _, _) = try modelArgument.load()
        switch model {
        case .flow, .flowMatching: break
        default: throw CLIError.usage("a density map needs a 2-D flow (realnvp, maf, nsf, planar, flow-matching, … on a 2-D dataset)")
        }
        let overlay = samples > 0 ? try RunPictures.samples(model, count: samples, generator: RandomGenerator(seed: 0)) : nil
        try save(try RunPictures.density(model, range: range, resolution: resolution, title: "p(x)", overlay: overlay), output,
                 outputOptions.console(), what: "density map")
    }
}
