import Foundation
import LatentTensor
import LatentViz

/// Ready-made `Trainer.onEpochEnd` hooks that save pictures as the run goes.
public enum EpochPictures {
    /// A hook that, every `every` epochs (and never on other epochs), renders an image of the model
    /// with `render(model, epoch)` — e.g. `ImageGrid.samples` of decoded prior draws, or
    /// `ImageGrid.reconstructions` of test images — and writes it as PNG to
    /// `directory/<prefix>-epoch-<epoch>.png` (epoch zero-padded to 3 digits).
    public static func every<Model>(_ every: Int, directory: URL, prefix: String = "samples",
                                    render: @escaping (Model, Int) -> RGBImage) -> (EpochReport, Model) throws -> Void {
        require(every > 0, "EpochPictures.every: period must be positive, got \(every)")
        return { report, model in
            guard report.epoch % every == 0 else { return }
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let name = String(format: "%@-epoch-%03d.png", prefix, report.epoch)
            _ = try PNG.write(render(model, report.epoch), to: directory.appendingPathComponent(name).path)
        }
    }
}
