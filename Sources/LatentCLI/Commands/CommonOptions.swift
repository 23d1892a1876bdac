import ArgumentParser
import Foundation
import Latent

/// `--quiet` and `--json`, shared by every command that reports.
public struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print only the final result and errors.")
    var quiet = false

    @Flag(name: .long, help: "Print JSON objects, one per line, instead of text.")
    var json = false

    public init() {}

    /// The console for the chosen mode (`--json` wins over `--quiet`).
    func console() -> Console { Console(mode: json ? .json : (quiet ? .quiet : .human)) }
}

/// The model a command reads: a run folder or one of its checkpoints.
public struct ModelArgument: ParsableArguments {
    @Argument(help: "A run folder written by `latent train` (its best checkpoint is used) or a .safetensors checkpoint.")
    var run: String

    @Option(name: .long, help: "Folder holding the dataset files, if the run's own setting does not find them.")
    var dataDir: String?

    public init() {}

    /// The model, its settings and the checkpoint file.
    func load() throws -> (model: RunModel, settings: RunSettings, checkpoint: URL) {
        let url = try RunFolder.checkpoint(for: run)
        var (model, settings, _) = try RunModel.load(checkpoint: url)
        if let dir = dataDir { settings.values["data-dir"] = .string(dir) }
        model.module.eval()
        return (model, settings, url)
    }

    /// The test split of the run's data.
    func testData(_ settings: RunSettings) throws -> Dataset {
        try settings.loadData(trainSize: 1).test
    }
}
