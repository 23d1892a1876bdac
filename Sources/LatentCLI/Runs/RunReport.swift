import Foundation
import Latent

/// The self-contained HTML page of a run (`report.html`): final metrics, every final picture,
/// the per-epoch table and the resolved settings; images are embedded, so the file opens in any
/// browser, offline, and can be mailed on its own.
public enum RunReport {
    /// The final pictures in the order shown, with captions.
    static let pictures: [(String, String)] = [
        ("curves.png", "training curves"), ("samples.png", "samples from the model"),
        ("reconstructions.png", "test images (odd rows) and their reconstructions"),
        ("completions.png", "test images and completions of the hidden quadrants"),
        ("interpolations.png", "decodings along lines between pairs of test images"),
        ("traversal.png", "latent traversal: one row per latent dimension (most informative first)"),
        ("density.png", "learned density p(x)"),
    ]

    /// Writes `folder/report.html`.
    public static func write(folder: RunFolder, settings: RunSettings, history: [EpochReport], final: [String: Double]) throws {
        var report = HTMLReport(title: "latent · \(settings.model.rawValue) on \(settings.data)")
        report.addHeading("Result")
        var rows = [("model", settings.model.rawValue), ("data", settings.data), ("epochs", String(history.last?.epoch ?? 0))]
        rows += final.keys.sorted().map { ("test \($0)", String(format: "%.4f", final[$0]!)) }
        report.addTable(rows, header: ("", "value"))
        report.addHeading("Pictures")
        for (name, caption) in pictures {
            let url = folder.picture(name)
            guard let data = try? Data(contentsOf: url) else { continue }
            try report.addImage(png: data, caption: caption)
        }
        if !history.isEmpty {
            report.addHeading("Epochs")
            report.addPreformatted(MetricsFiles.csv(history, number: { NumberText.short($0) }))
        }
        report.addHeading("Settings")
        report.addPreformatted(settings.json())
        do { try report.write(to: folder.report) } catch {
            throw CLIError.failed("cannot write \(folder.report.path): \(error)")
        }
    }
}
