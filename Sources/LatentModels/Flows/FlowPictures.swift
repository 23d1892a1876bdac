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
    /// `resolution`² grid (evaluated without gradients), with `samples` model draws overlaid.
    public static func densityMap(_ model: FlowModel, range: ClosedRange<Double>, resolution: Int = 96, samples: Int = 400,
                                  title: String = "", generator: RandomGenerator) throws -> DensityMap {
        require(model.features == 2 && model.configuration.contextFeatures == 0,
                "FlowPictures.densityMap: needs an unconditional model of 2 features, got \(model.features) features, context \(model.configuration.contextFeatures)")
        require(resolution >= 2, "FlowPictures.densityMap: resolution must be at least 2, got \(resolution)")
        let span = range.upperBound - range.lowerBound
        let centres = (0..<resolution).map { Float(range.lowerBound + (Double($0) + 0.5) / Double(resolution) * span) }
        // Row r holds y = centres[r], column c holds x = centres[c] (row 0 at the bottom).
        let points = Tensor(shape: [resolution * resolution, 2],
                            scalars: centres.flatMap { y in centres.flatMap { x in [x, y] } })
        let density = withoutGrad { model.logProb(points).exp() }.reshaped([resolution, resolution])
        var map = DensityMap(values: density, xRange: range, yRange: range, title: title)
        map.valueTitle = "p(x)"
        if samples > 0 { map.overlay(samples: try model.sample(samples, generator: generator)) }
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
