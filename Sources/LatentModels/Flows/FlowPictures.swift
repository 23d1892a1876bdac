import Foundation
import LatentTensor
import LatentViz

/// Pictures of 2-D flows while they train: the learned density p(x) on a grid with the model's
/// own samples on top, written as PNG after every epoch through the shared `Trainer`'s
/// `onEpochEnd` hook.
///
///     let trainer = Trainer(model: model, optimizer: Adam(model.namedParameters()), configuration: …)
///     trainer.onEpochEnd = FlowPictures.epochHook(directory: pictures, range: -4...4)
///     // writes pictures/density-epoch-001.png, density-epoch-002.png, …
public enum FlowPictures {
    /// The density map of an unconditional 2-D model over range × range: p(x) at the centres of a
    /// `resolution`² grid (evaluated without gradients, `chunk` points at a time), with `samples`
    /// model draws overlaid. Throws `VizError` for a model that is not 2-D and unconditional, a
    /// range that is not finite and increasing, a resolution outside 2…4096, and a density that is
    /// 0, NaN or infinite everywhere (a diverged model: there is nothing to draw); throws
    /// `FlowModelError.nonFiniteSamples` when the overlay draws are not finite.
    public static func densityMap(_ model: FlowModel, range: ClosedRange<Double>, resolution: Int = 96, samples: Int = 400,
                                  title: String = "", chunk: Int = 16_384, generator: RandomGenerator) throws -> DensityMap {
        guard model.features == 2 && model.configuration.contextFeatures == 0 else {
            throw VizError("FlowPictures.densityMap: needs an unconditional model of 2 features, got \(model.features) features, context \(model.configuration.contextFeatures)")
        }
        var map = try densityMap(range: range, resolution: resolution, title: title, chunk: chunk) { points in
            withoutGrad { model.logProb(points) }
        }
        if samples > 0 { map.overlay(samples: try model.sample(samples, generator: generator)) }
        return map
    }

    /// The density map of any 2-D density given by `logDensity` (points `[M, 2]` → log p `[M]`,
    /// called with at most `chunk` points at a time) over range × range at the centres of a
    /// `resolution`² grid; the same checks and errors as the flow version, and whatever
    /// `logDensity` throws.
    public static func densityMap(range: ClosedRange<Double>, resolution: Int = 96, title: String = "", chunk: Int = 16_384,
                                  logDensity: (Tensor) throws -> Tensor) throws -> DensityMap {
        guard (2...4096).contains(resolution) else {
            throw VizError("FlowPictures.densityMap: resolution must be in 2…4096, got \(resolution)")
        }
        let span = range.upperBound - range.lowerBound
        guard range.lowerBound.isFinite && range.upperBound.isFinite && span.isFinite && span > 0 else {
            throw VizError("FlowPictures.densityMap: range must be finite with upper > lower, got \(range)")
        }
        let centres = (0..<resolution).map { Float(range.lowerBound + (Double($0) + 0.5) / Double(resolution) * span) }
        // Row r holds y = centres[r], column c holds x = centres[c] (row 0 at the bottom).
        let cells = resolution * resolution, rowsPerChunk = max(1, chunk)
        var density = [Float]()
        density.reserveCapacity(cells)
        var start = 0
        while start < cells {
            let end = min(cells, start + rowsPerChunk)
            let points = Tensor(shape: [end - start, 2], scalars: (start..<end).flatMap { [centres[$0 % resolution], centres[$0 / resolution]] })
            density += try withoutGrad { try logDensity(points).exp() }.scalars
            start = end
        }
        guard density.contains(where: { $0.isFinite && $0 > 0 }) else {
            throw VizError("FlowPictures.densityMap: the density is 0, NaN or infinite at all \(cells) grid points of [\(range.lowerBound), \(range.upperBound)]²: the model has diverged, or its mass lies away from the grid's points")
        }
        var map = DensityMap(values: Tensor(shape: [resolution, resolution], scalars: density), xRange: range, yRange: range, title: title)
        map.valueTitle = "p(x)"
        return map
    }

    /// An `onEpochEnd` hook writing `directory/density-epoch-NNN.png` (see `densityMap`) after
    /// every epoch, titled with the epoch and its training NLL; samples are drawn from `seed`, the
    /// same draws every epoch. Creates `directory` if needed.
    public static func epochHook(directory: URL, range: ClosedRange<Double>, resolution: Int = 96, samples: Int = 400,
                                 seed: UInt64 = 0) -> (EpochReport, FlowModel) throws -> Void {
        { report, model in
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let nll = report.train["nll"].map { String(format: ", train NLL %.3f", $0) } ?? ""
            let map = try densityMap(model, range: range, resolution: resolution, samples: samples,
                                     title: "epoch \(report.epoch)\(nll)", generator: RandomGenerator(seed: seed))
            let name = String(format: "density-epoch-%03d.png", report.epoch)
            try PNG.write(map.render(), to: directory.appendingPathComponent(name).path)
        }
    }
}
