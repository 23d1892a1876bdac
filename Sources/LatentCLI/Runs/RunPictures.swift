import Foundation
import Latent

/// The pictures (and arrays) a run's model can make: samples, reconstructions, interpolations,
/// latent traversals, 2-D density maps, training curves. Every function works without gradients,
/// checks its sizes against `MemoryBudget` before the work, and throws `CLIError` — `.usage` for
/// arguments outside their ranges, `.failed` when the model's output is NaN or infinite (a
/// diverged or broken model: nothing is drawn from it) — instead of stopping the process.
public enum RunPictures {
    /// Examples one model pass handles at a time when drawing many samples.
    static let chunk = 1024

    /// `count` samples as a tensor (`[count, C, H, W]` images, flat flows on images included, or
    /// `[count, 2]` points) at base temperature `temperature` (flows; VAEs scale their prior draws
    /// by it). `label` picks the class of conditional models (nil: cycle through the classes).
    public static func samples(_ model: RunModel, count: Int, temperature: Float = 1, label: Int? = nil,
                               condition: Tensor? = nil, generator: RandomGenerator) throws -> Tensor {
        guard count >= 1 else { throw CLIError.usage("--count must be at least 1, got \(count)") }
        guard temperature.isFinite && temperature > 0 else { throw CLIError.usage("--temperature must be positive and finite, got \(temperature)") }
        let shape = sampleShape(model)
        try MemoryBudget.check(bytes: 8 * Double(count) * Double(shape.reduce(1, *)) + workingBytes(model, rows: min(count, chunk)),
                               what: "\(count) samples")
        let x: Tensor
        switch model {
        case let .vae(vae, _):
            x = withoutGrad {
                let z = vae.prior.sample(count, generator: generator) * temperature
                return inChunks(count) { z.slice(axis: 0, from: $0, to: $1) }.map { vae.decoder.decode($0, generator: generator).reshaped([-1] + shape) }.concatenated
            }
        case let .hvae(m, _):
            // z₂ ~ N(0, T²I), then z₁ ~ p(z₁|z₂) with its noise scaled by T.
            x = inChunks(count) { m.sample($1 - $0, temperature: temperature, generator: generator).reshaped([-1] + shape) }.concatenated
        case let .vqvae(vq, _):
            // Codes drawn from the autoregressive prior (no temperature: the codes are discrete).
            x = inChunks(count) { vq.sample($1 - $0, generator: generator) }.concatenated
        case let .cvae(cvae, config):
            switch config.task {
            case .classConditional:
                let labels = (0..<count).map { Float(label ?? ($0 % config.classes)) }
                let y = Transforms.oneHot(Tensor(shape: [count], scalars: labels), classes: config.classes)
                x = inChunks(count) { y.slice(axis: 0, from: $0, to: $1) }
                    .map { cvae.sample(condition: $0, generator: generator).reshaped([-1] + shape) }.concatenated
            case .quadrantCompletion:
                guard let images = condition else {
                    throw CLIError.usage("a quadrant-completion model completes test images; use `latent reconstruct`")
                }
                x = completions(cvae, config, images: images, generator: generator)
            }
        case let .flow(flow):
            let c = flow.configuration
            var context: Tensor? = nil
            if c.contextFeatures > 0 {
                let labels = (0..<count).map { Float(label ?? ($0 % c.contextFeatures)) }
                context = Tensor(shape: [count], scalars: labels)
            }
            var parts: [Tensor] = []
            for (from, to) in inChunks(count, { ($0, $1) }) {
                do {
                    parts.append(try flow.sample(to - from, context: context?.slice(axis: 0, from: from, to: to), temperature: temperature,
                                                 generator: generator).reshaped([-1] + shape))
                } catch {
                    throw CLIError.failed("sampling failed: \(error)")
                }
            }
            x = parts.concatenated
        case let .flowMatching(m):
            do { x = try m.sample(count, temperature: temperature, generator: generator) } catch {
                throw CLIError.failed("sampling failed: \(error)")
            }
        }
        try requireFinite(x, what: "the model's samples")
        return x
    }

    /// The shape of one sample: `[C, H, W]` for image models (flat flows on images included), else `[D]`.
    static func sampleShape(_ model: RunModel) -> [Int] {
        switch model {
        case let .vae(_, config): return config.imageShape
        case let .cvae(_, config): return config.imageShape
        case let .vqvae(_, config): return config.imageShape
        case let .hvae(_, config): return config.imageShape
        case let .flow(flow):
            let c = flow.configuration
            return c.imageShape ?? (c.image != nil ? imageShape(features: c.features) : nil) ?? [c.features]
        case let .flowMatching(m): return [m.features]
        }
    }

    /// The square image `[1, S, S]` or `[3, S, S]` holding `features` values, if there is one
    /// (flat flows on images store D = C·H·W only; every image dataset here is square).
    static func imageShape(features: Int) -> [Int]? {
        for channels in [1, 3] where features % channels == 0 {
            let side = Int(Double(features / channels).squareRoot().rounded())
            if side > 0 && channels * side * side == features { return [channels, side, side] }
        }
        return nil
    }

    /// The ranges [from, to) of `count` rows in pieces of at most `chunk`, mapped by `body`.
    static func inChunks<T>(_ count: Int, _ body: (Int, Int) -> T) -> [T] {
        stride(from: 0, to: count, by: chunk).map { body($0, min(count, $0 + chunk)) }
    }

    /// A rough upper estimate of the bytes one pass of `model` over `rows` examples holds without
    /// gradients: 4 bytes × 8 × (D + the widest layer), convolutional layers at a quarter of the
    /// image's pixels.
    static func workingBytes(_ model: RunModel, rows: Int) -> Double {
        let features: Int, widest: Int
        switch model {
        case let .vae(_, c):
            features = c.imageShape.reduce(1, *)
            let pixels = c.architecture == .convolutional ? features / c.imageShape[0] / 4 : 1
            widest = (c.hidden.max() ?? 0) * pixels
        case let .cvae(_, c):
            (features, widest) = (c.imageShape.reduce(1, *), c.hidden)
        case let .vqvae(_, c):
            (features, widest) = (c.imageShape.reduce(1, *), max(c.hidden, c.positions * c.codes))
        case let .hvae(_, c):
            // Every layer of the pass at once, a generous count.
            (features, widest) = (c.imageShape.reduce(1, *), (c.hidden1 + c.hidden2).reduce(0, +) + 2 * (c.latent1 + c.latent2))
        case let .flow(flow):
            let c = flow.configuration
            features = c.features
            widest = (c.hidden.max() ?? 0) * (c.imageShape.map { $0[1] * $0[2] / 4 } ?? 1)
        case let .flowMatching(m):
            // Dormand–Prince holds seven stages of the augmented state beside one network pass.
            (features, widest) = (8 * (m.features + 1), m.configuration.hidden.max() ?? 0)
        }
        return 32 * Double(rows) * Double(features + widest)
    }

    /// Throws `CLIError.failed` when `x` holds NaN or ±∞: nothing is drawn or written from a broken model.
    static func requireFinite(_ x: Tensor, what: String) throws {
        let bad = x.scalars.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
        guard bad > 0 else { return }
        throw CLIError.failed("\(what) hold \(bad) NaN or infinite values out of \(x.count): the model's weights are broken or it has diverged; nothing was drawn")
    }

    /// Checks that a grid of `images` images `[C, H, W]` each, `columns` wide at `scale`, fits the memory budget.
    static func checkGrid(images: Int, shape: [Int], columns: Int, scale: Int) throws {
        let rows = (images + columns - 1) / columns
        let pixels = Double(rows * (shape[1] * scale + 2) + 2) * Double(columns * (shape[2] * scale + 2) + 2)
        // The canvas, its gray copy, the filtered rows and zlib's output.
        try MemoryBudget.check(bytes: 12 * pixels, what: "a picture of \(images) images")
    }

    /// Quadrant completion: the visible quadrants of `images` kept, the hidden ones drawn from the model.
    static func completions(_ cvae: ConditionalVAE, _ config: ConditionalVAEConfiguration, images: Tensor,
                            generator: RandomGenerator) -> Tensor {
        let n = images.shape[0]
        let (x, _) = cvae.task.split(Batch(x: images))
        let drawn = cvae.sample(condition: x, generator: generator).reshaped([n, -1]).scalars
        var pixels = images.reshaped([n, -1]).scalars
        let side = config.imageShape[1], half = side / 2, visible = Set(config.visibleQuadrants)
        let hidden = (0..<(side * side)).filter { i in !visible.contains((i / side < half ? 0 : 2) + (i % side < half ? 0 : 1)) }
        for row in 0..<n {
            for (j, pixel) in hidden.enumerated() { pixels[row * side * side + pixel] = drawn[row * hidden.count + j] }
        }
        return Tensor(shape: images.shape, scalars: pixels)
    }

    /// A picture of `samples`: a grid of images (`[N, C, H, W]`, or `[N, D]` with D a square image),
    /// or for 2-D models the density map with the samples on top.
    public static func picture(of samples: Tensor, model: RunModel, title: String = "", columns: Int = 8) throws -> RGBImage {
        if case let .flow(flow) = model, flow.configuration.imageShape == nil, flow.configuration.image == nil {
            guard flow.features == 2 else {
                // Points of more than 2 features: a scatter plot of the first two.
                try requireFinite(samples, what: "the samples")
                return ScatterPlot(points: samples.slice(axis: 1, from: 0, to: 2), title: title, xTitle: "x0", yTitle: "x1").render()
            }
            return try density(flow, title: title, overlay: samples)
        }
        if case .flowMatching = model {
            // Its density needs an ODE solve per grid cell: the per-epoch picture is the samples alone,
            // on the density map's [−4, 4]² (so epochs compare) unless they reach beyond it.
            try requireFinite(samples, what: "the samples")
            var plot = ScatterPlot(points: samples, title: title, xTitle: "x1", yTitle: "x2")
            if samples.abs().max().item <= 4 { (plot.xRange, plot.yRange) = (-4...4, -4...4) }
            return plot.render()
        }
        try requireFinite(samples, what: "the samples")
        let images = try asImages(samples)
        return ImageGrid.samples(images, columns: columns, scale: images.shape[3] <= 32 ? 2 : 1)
    }

    /// `x` as `[N, C, H, W]` images, with the memory of their grid checked (8 columns, the usual scale).
    static func asImages(_ x: Tensor, columns: Int = 8) throws -> Tensor {
        var images = x
        if x.rank == 2, let shape = imageShape(features: x.shape[1]) { images = x.reshaped([x.shape[0]] + shape) }
        if images.rank == 3 { images = images.reshaped([images.shape[0], 1, images.shape[1], images.shape[2]]) }
        guard images.rank == 4, images.shape[0] >= 1, [1, 3].contains(images.shape[1]) else {
            throw CLIError.failed("cannot draw values of shape \(x.shape) as images: expected [N, C, H, W] with C = 1 or 3, or [N, D] with D a square image")
        }
        try checkGrid(images: images.shape[0], shape: Array(images.shape.dropFirst()), columns: columns, scale: images.shape[3] <= 32 ? 2 : 1)
        return images
    }

    /// The density p(x) of a 2-D flow on [−range, range]² with `overlay` points on top. Throws
    /// `CLIError.usage` for a range that is not in [0.001, 1000] or a resolution outside 2…2000, and
    /// `CLIError.failed` when the density is NaN or infinite everywhere (a diverged model).
    public static func density(_ flow: FlowModel, range: Double = 4, resolution: Int = 120, title: String = "",
                               overlay: Tensor? = nil) throws -> RGBImage {
        guard flow.features == 2, flow.configuration.contextFeatures == 0 else {
            throw CLIError.usage("a density map needs an unconditional 2-D flow; this model has \(flow.features) features")
        }
        guard range.isFinite, (1e-3...1e3).contains(range) else { throw CLIError.usage("--range must be in 0.001…1000, got \(range)") }
        guard (2...2000).contains(resolution) else { throw CLIError.usage("--resolution must be in 2…2000, got \(resolution)") }
        let map: DensityMap
        do {
            var m = try FlowPictures.densityMap(flow, range: -range...range, resolution: resolution, samples: 0, title: title,
                                                chunk: chunk * 16, generator: RandomGenerator(seed: 0))
            if let points = overlay { m.overlay(samples: points) }
            map = m
        } catch {
            throw CLIError.failed("cannot draw the density: \(error) (a diverged run: train with a lower --learning-rate or --clip-norm 10; mass elsewhere: another --range)")
        }
        return map.render()
    }

    /// The density p(x) of a 2-D model — a flow, or flow matching by its ODE likelihood
    /// (`chunk` points per solve) — with `overlay` points on top; the checks and errors of the
    /// flow version.
    public static func density(_ model: RunModel, range: Double = 4, resolution: Int = 120, title: String = "",
                               overlay: Tensor? = nil) throws -> RGBImage {
        switch model {
        case let .flow(flow): return try density(flow, range: range, resolution: resolution, title: title, overlay: overlay)
        case let .flowMatching(m):
            guard range.isFinite, (1e-3...1e3).contains(range) else { throw CLIError.usage("--range must be in 0.001…1000, got \(range)") }
            guard (2...2000).contains(resolution) else { throw CLIError.usage("--resolution must be in 2…2000, got \(resolution)") }
            try MemoryBudget.check(bytes: workingBytes(model, rows: chunk), what: "the density map")
            var map: DensityMap
            do {
                map = try FlowPictures.densityMap(range: -range...range, resolution: resolution, title: title, chunk: chunk) { points in
                    try m.logProb(points, generator: RandomGenerator(seed: 0)).logProb
                }
            } catch {
                throw CLIError.failed("cannot draw the density: \(error) (a diverged run: train with a lower --learning-rate or --clip-norm 10; mass elsewhere: another --range)")
            }
            if let points = overlay { map.overlay(samples: points) }
            return map.render()
        default: throw CLIError.usage("a density map needs a 2-D flow (realnvp, maf, nsf, planar, flow-matching, … on a 2-D dataset)")
        }
    }

    /// Inputs above their reconstructions (VAE) or completions (quadrant CVAE).
    public static func reconstructions(_ model: RunModel, images: Tensor, generator: RandomGenerator) throws -> RGBImage {
        let reconstruct: (Tensor) -> Tensor
        switch model {
        case let .vae(vae, _): reconstruct = { vae.reconstruct($0).reshaped($0.shape) }
        case let .vqvae(vq, _): reconstruct = { vq.reconstruct($0).reshaped($0.shape) }
        case let .hvae(m, _): reconstruct = { m.reconstruct($0).reshaped($0.shape) }
        case let .cvae(cvae, config) where config.task == .quadrantCompletion:
            reconstruct = { completions(cvae, config, images: $0, generator: generator) }
        default: throw CLIError.usage("reconstructions need a VAE (vae, beta-vae, iwae, wae, hvae), a vq-vae or a quadrant-completion cvae")
        }
        guard images.rank == 4, images.shape[0] >= 1 else { throw CLIError.usage("reconstructions need at least one image, got shape \(images.shape)") }
        let scale = images.shape[3] <= 32 ? 2 : 1
        try checkGrid(images: 2 * images.shape[0], shape: Array(images.shape.dropFirst()), columns: 8, scale: scale)
        let r = reconstruct(images)
        try requireFinite(r, what: "the reconstructions")
        return ImageGrid.reconstructions(inputs: images, reconstructions: r, scale: scale)
    }

    /// Rows of decodings along straight lines between the posterior means of consecutive pairs of `images`.
    public static func interpolations(_ model: RunModel, images: Tensor, steps: Int) throws -> RGBImage {
        guard case let .vae(vae, config) = model else { throw CLIError.usage("interpolation needs a VAE with continuous latents (vae, beta-vae, iwae, wae)") }
        let pairs = images.shape[0] / 2
        guard pairs >= 1, (2...100).contains(steps) else {
            throw CLIError.usage("interpolation needs at least 2 images and --steps in 2…100, got \(images.shape[0]) images and \(steps) steps")
        }
        try checkGrid(images: pairs * steps, shape: config.imageShape, columns: steps, scale: images.shape.last! <= 32 ? 2 : 1)
        let decoded: Tensor = withoutGrad {
            let mu = vae.encoder(images).loc
            var rows: [Tensor] = []
            for p in 0..<pairs {
                let a = mu.slice(axis: 0, from: 2 * p, to: 2 * p + 1), b = mu.slice(axis: 0, from: 2 * p + 1, to: 2 * p + 2)
                for s in 0..<steps {
                    let t = Float(s) / Float(steps - 1)
                    rows.append(a * (1 - t) + b * t)
                }
            }
            return vae.decoder.decode(Tensor.concat(rows, axis: 0), generator: RandomGenerator(seed: 0)).reshaped([pairs * steps] + config.imageShape)
        }
        try requireFinite(decoded, what: "the interpolations")
        return ImageGrid.interpolations(decoded, steps: steps, scale: images.shape.last! <= 32 ? 2 : 1)
    }

    /// Latent traversal: starting from the posterior mean of `image` `[1, C, H, W]`, each of
    /// `dimensions` swept over `values` while the others stay fixed.
    public static func traversal(_ model: RunModel, image: Tensor, dimensions: [Int], values: [Double]) throws -> RGBImage {
        guard case let .vae(vae, config) = model else { throw CLIError.usage("traversal needs a VAE with continuous latents (vae, beta-vae, iwae, wae)") }
        if let bad = dimensions.first(where: { !(0..<config.latent).contains($0) }) {
            throw CLIError.badSetting(key: "dims", value: String(bad), allowed: "latent dimensions in 0…\(config.latent - 1)")
        }
        guard (1...100).contains(dimensions.count) else { throw CLIError.usage("--dims must name 1…100 latent dimensions, got \(dimensions.count)") }
        guard (1...100).contains(values.count), values.allSatisfy({ $0.isFinite && abs($0) <= 1e3 }) else {
            throw CLIError.usage("a traversal takes 1…100 values in −1000…1000, got \(values.count) values from \(values.min() ?? 0) to \(values.max() ?? 0)")
        }
        try checkGrid(images: dimensions.count * values.count, shape: config.imageShape, columns: values.count, scale: image.shape.last! <= 32 ? 2 : 1)
        let decoded: Tensor = withoutGrad {
            let mu = vae.encoder(image).loc.scalars
            var codes: [Float] = []
            for d in dimensions {
                for v in values {
                    var z = mu
                    z[d] = Float(v)
                    codes += z
                }
            }
            let z = Tensor(shape: [dimensions.count * values.count, config.latent], scalars: codes)
            return vae.decoder.decode(z, generator: RandomGenerator(seed: 0)).reshaped([dimensions.count * values.count] + config.imageShape)
        }
        try requireFinite(decoded, what: "the traversal's decodings")
        return ImageGrid.traversal(decoded, dimensions: dimensions, values: values, scale: image.shape.last! <= 32 ? 2 : 1)
    }

    /// The latent dimensions with the largest mean KL (most informative first), at most `count`;
    /// for the WAE, whose encoder has no scale, the largest variance of the codes over `images`.
    public static func informativeDimensions(_ model: RunModel, images: Tensor, count: Int) -> [Int] {
        guard case let .vae(vae, config) = model else { return [] }
        let kl = withoutGrad {
            let q = vae.encoder(images)
            return (vae.objective.isWAE ? q.loc.variance(axis: 0) : q.klToStandardNormalPerDimension().mean(axis: 0)).scalars
        }
        return Array((0..<config.latent).sorted { kl[$0] > kl[$1] }.prefix(count))
    }

    /// Loss curves per epoch from a run's history: training and test of every part of `keys`
    /// (non-finite values break the lines; with none recorded the chart is empty and says so).
    public static func curves(_ history: [EpochReport], keys: [String]) -> RGBImage {
        var chart = LineChart(title: "training curves", xTitle: "epoch", yTitle: "nats per example")
        let epochs = history.map { Double($0.epoch) }
        for key in keys {
            let train = history.compactMap { $0.train[key] }, test = history.compactMap { $0.test[key] }
            if train.count == epochs.count && !train.isEmpty { chart.add(LineSeries(name: "train \(key)", x: epochs, y: train)) }
            if test.count == epochs.count && !test.isEmpty { chart.add(LineSeries(name: "test \(key)", x: epochs, y: test)) }
        }
        if chart.series.isEmpty { chart.add(LineSeries(name: "no \(keys.joined(separator: ", ")) recorded", y: [Double.nan])) }
        if epochs.count == 1 { chart.xRange = (epochs[0] - 0.5)...(epochs[0] + 0.5) }
        return chart.render()
    }
}

extension Array where Element == Tensor {
    /// The tensors joined along the first axis.
    var concatenated: Tensor { count == 1 ? self[0] : Tensor.concat(self, axis: 0) }
}
