import Foundation
import Latent

/// The pictures (and arrays) a run's model can make: samples, reconstructions, interpolations,
/// latent traversals, 2-D density maps, training curves. Every function works without gradients.
public enum RunPictures {
    /// `count` samples as a tensor (`[count, C, H, W]` images or `[count, 2]` points) at base
    /// temperature `temperature` (flows; VAEs scale their prior draws by it). `label` picks the
    /// class of conditional models (nil: cycle through the classes).
    public static func samples(_ model: RunModel, count: Int, temperature: Float = 1, label: Int? = nil,
                               condition: Tensor? = nil, generator: RandomGenerator) throws -> Tensor {
        switch model {
        case let .vae(vae, config):
            return withoutGrad {
                let z = vae.prior.sample(count, generator: generator) * temperature
                return vae.decoder(z).mean.reshaped([count] + config.imageShape)
            }
        case let .cvae(cvae, config):
            switch config.task {
            case .classConditional:
                let labels = (0..<count).map { Float(label ?? ($0 % config.classes)) }
                let x = Transforms.oneHot(Tensor(shape: [count], scalars: labels), classes: config.classes)
                return cvae.sample(condition: x, generator: generator).reshaped([count] + config.imageShape)
            case .quadrantCompletion:
                guard let images = condition else {
                    throw CLIError.usage("a quadrant-completion model completes test images; use `latent reconstruct`")
                }
                return completions(cvae, config, images: images, generator: generator)
            }
        case let .flow(flow):
            let c = flow.configuration
            var context: Tensor? = nil
            if c.contextFeatures > 0 {
                let labels = (0..<count).map { Float(label ?? ($0 % c.contextFeatures)) }
                context = Tensor(shape: [count], scalars: labels)
            }
            let x: Tensor
            do { x = try flow.sample(count, context: context, temperature: temperature, generator: generator) } catch {
                throw CLIError.failed("sampling failed: \(error)")
            }
            return c.imageShape.map { x.reshaped([count] + $0) } ?? x
        }
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

    /// A picture of `samples`: a grid of images, or for 2-D models the density map with the
    /// samples on top.
    public static func picture(of samples: Tensor, model: RunModel, title: String = "", columns: Int = 8) throws -> RGBImage {
        if case let .flow(flow) = model, flow.configuration.imageShape == nil, flow.configuration.image == nil {
            return try density(flow, title: title, overlay: samples)
        }
        return ImageGrid.samples(samples, columns: columns, scale: samples.shape.last! <= 32 ? 2 : 1)
    }

    /// The density p(x) of a 2-D flow on [−range, range]² with `overlay` points on top.
    public static func density(_ flow: FlowModel, range: Double = 4, resolution: Int = 120, title: String = "",
                               overlay: Tensor? = nil) throws -> RGBImage {
        guard flow.features == 2, flow.configuration.contextFeatures == 0 else {
            throw CLIError.usage("a density map needs an unconditional 2-D flow; this model has \(flow.features) features")
        }
        var map = try FlowPictures.densityMap(flow, range: -range...range, resolution: resolution, samples: 0, title: title,
                                              generator: RandomGenerator(seed: 0))
        if let points = overlay { map.overlay(samples: points) }
        return map.render()
    }

    /// Inputs above their reconstructions (VAE) or completions (quadrant CVAE).
    public static func reconstructions(_ model: RunModel, images: Tensor, generator: RandomGenerator) throws -> RGBImage {
        let scale = images.shape.last! <= 32 ? 2 : 1
        switch model {
        case let .vae(vae, _):
            let r = vae.reconstruct(images).reshaped(images.shape)
            return ImageGrid.reconstructions(inputs: images, reconstructions: r, scale: scale)
        case let .cvae(cvae, config) where config.task == .quadrantCompletion:
            let r = completions(cvae, config, images: images, generator: generator)
            return ImageGrid.reconstructions(inputs: images, reconstructions: r, scale: scale)
        default:
            throw CLIError.usage("reconstructions need a VAE (vae, beta-vae, iwae) or a quadrant-completion cvae")
        }
    }

    /// Rows of decodings along straight lines between the posterior means of consecutive pairs of `images`.
    public static func interpolations(_ model: RunModel, images: Tensor, steps: Int) throws -> RGBImage {
        guard case let .vae(vae, config) = model else { throw CLIError.usage("interpolation needs a VAE (vae, beta-vae, iwae)") }
        let pairs = images.shape[0] / 2
        guard pairs >= 1, steps >= 2 else { throw CLIError.usage("interpolation needs at least 2 images and 2 steps") }
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
            return vae.decoder(Tensor.concat(rows, axis: 0)).mean.reshaped([pairs * steps] + config.imageShape)
        }
        return ImageGrid.interpolations(decoded, steps: steps, scale: images.shape.last! <= 32 ? 2 : 1)
    }

    /// Latent traversal: starting from the posterior mean of `image` `[1, C, H, W]`, each of
    /// `dimensions` swept over `values` while the others stay fixed.
    public static func traversal(_ model: RunModel, image: Tensor, dimensions: [Int], values: [Double]) throws -> RGBImage {
        guard case let .vae(vae, config) = model else { throw CLIError.usage("traversal needs a VAE (vae, beta-vae, iwae)") }
        if let bad = dimensions.first(where: { !(0..<config.latent).contains($0) }) {
            throw CLIError.badSetting(key: "dims", value: String(bad), allowed: "latent dimensions in 0…\(config.latent - 1)")
        }
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
            return vae.decoder(z).mean.reshaped([dimensions.count * values.count] + config.imageShape)
        }
        return ImageGrid.traversal(decoded, dimensions: dimensions, values: values, scale: image.shape.last! <= 32 ? 2 : 1)
    }

    /// The latent dimensions with the largest mean KL (most informative first), at most `count`.
    public static func informativeDimensions(_ model: RunModel, images: Tensor, count: Int) -> [Int] {
        guard case let .vae(vae, config) = model else { return [] }
        let kl = withoutGrad { vae.encoder(images).klToStandardNormalPerDimension().mean(axis: 0).scalars }
        return Array((0..<config.latent).sorted { kl[$0] > kl[$1] }.prefix(count))
    }

    /// Loss curves per epoch from a run's history: training and test of every part of `keys`.
    public static func curves(_ history: [EpochReport], keys: [String]) -> RGBImage {
        var chart = LineChart(title: "training curves", xTitle: "epoch", yTitle: "nats per example")
        let epochs = history.map { Double($0.epoch) }
        for key in keys {
            let train = history.compactMap { $0.train[key] }, test = history.compactMap { $0.test[key] }
            if train.count == epochs.count && !train.isEmpty { chart.add(LineSeries(name: "train \(key)", x: epochs, y: train)) }
            if test.count == epochs.count && !test.isEmpty { chart.add(LineSeries(name: "test \(key)", x: epochs, y: test)) }
        }
        if epochs.count == 1 { chart.xRange = 0.5...1.5 }
        return chart.render()
    }
}
