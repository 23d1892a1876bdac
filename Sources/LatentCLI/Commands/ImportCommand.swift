import ArgumentParser
import Foundation
import Latent

/// `latent import STATE_DICT.safetensors (--settings FILE | --model NAME [--<setting> value …]) --output RUN_DIR`:
/// a PyTorch state dict becomes a run folder that `sample`, `eval`, `inspect` and `train --resume` read.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn a PyTorch state dict (.safetensors) into a Latent run folder.",
        discussion: """
            The settings describe the model as for `latent train` (a JSON/YAML file with `model:`, a run's \
            config.json, or --model NAME followed by --<setting> value flags). The state dict's tensors must follow \
            the model's standard PyTorch layout (docs/INTEROP.md; `latent export --show-layout` prints it) or be \
            renamed by --mapping. The run folder holds config.json and checkpoints/last.safetensors with a fresh \
            Adam state at epoch 0, so `latent train --resume RUN_DIR --epochs N` fine-tunes it.
            """)

    @Argument(help: "The PyTorch state dict, as written by safetensors.torch.save_file(model.state_dict(), …).")
    var stateDict: String

    @Option(name: .long, help: "Settings file: JSON or YAML as for `latent train --config` (with `model:`), or a run's config.json.")
    var settings: String?

    @Option(name: .long, help: "The model (\(ModelKind.names.joined(separator: ", "))), when not named in --settings; settings may follow as flags.")
    var model: String?

    @Option(name: .long, help: "JSON or YAML mapping of state-dict names to layout or Latent names (null ignores a tensor), for other module layouts.")
    var mapping: String?

    @Option(name: .long, help: "The run folder to write (must not hold a run).")
    var output: String

    @OptionGroup var outputOptions: OutputOptions

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("--<setting> <value> … as for `latent train`.", valueName: "setting-flags"))
    var flags: [String] = []

    func run() throws {
        let console = outputOptions.console()
        let settings = try resolvedSettings()
        let folder = RunFolder(URL(fileURLWithPath: output))
        if folder.hasCheckpoint {
            throw CLIError.usage("\(folder.url.path) already holds a run; choose another --output")
        }
        let file: SafeTensorsFile
        do { file = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: stateDict)) } catch {
            throw CLIError.failed("\(stateDict) is not a readable safetensors file: \(error)")
        }
        let renames = try mapping.map(ImportCommand.readMapping) ?? [:]
        let built = try RunModel.build(settings)
        let layout = PyTorchLayout.standard(for: built.module)
        do { try layout.load(from: file, mapping: renames, into: built.module) } catch let error as PyTorchImportError {
            throw CLIError.failed("\(error) (settings: model \(settings.model.rawValue) on \(settings.data); `latent export --show-layout` lists the layout)")
        }
        do { try folder.create() } catch {
            throw CLIError.failed("cannot create the run folder \(folder.url.path): \(error.localizedDescription)")
        }
        try AtomicFile.write(settings.json() + "\n", to: folder.config)
        let metadata = [RunModel.settingsKey: settings.json(), RunModel.configurationKey: try built.configurationJSON(),
                        "latent.imported_from": URL(fileURLWithPath: stateDict).lastPathComponent, "latent.layout": layout.name]
        switch built {
        case let .vae(m, _): try ImportCommand.saveFresh(m, settings: settings, folder: folder, metadata: metadata)
        case let .cvae(m, _): try ImportCommand.saveFresh(m, settings: settings, folder: folder, metadata: metadata)
        case let .hvae(m, _): try ImportCommand.saveFresh(m, settings: settings, folder: folder, metadata: metadata)
        case let .vqvae(m, _): try ImportCommand.saveFresh(m, settings: settings, folder: folder, metadata: metadata)
        case let .flow(m): try ImportCommand.saveFresh(m, settings: settings, folder: folder, metadata: metadata)
        case let .flowMatching(m): try ImportCommand.saveFresh(m, settings: settings, folder: folder, metadata: metadata)
        }
        // What `sample` and `eval` will do: rebuild from the stored settings and load.
        _ = try RunModel.load(checkpoint: folder.lastCheckpoint)
        let tensors = layout.rules.count, parameters = built.module.parameterCount
        console.json(["event": "import", "state_dict": stateDict, "layout": layout.name, "tensors": tensors, "parameters": parameters,
                      "folder": folder.url.path, "checkpoint": folder.lastCheckpoint.path])
        console.result("imported \(file.entries.count) tensors of \(stateDict) (\(layout.name) layout) into \(settings.model.rawValue): \(parameters) parameters → \(folder.url.path)")
        console.say("sample with `latent sample \(output)`, evaluate with `latent eval \(output)`, fine-tune with `latent train --resume \(output) --epochs N` (fresh Adam state)")
    }

    /// Settings from --settings (a config file or a run's config.json), --model and the flags.
    private func resolvedSettings() throws -> RunSettings {
        let flagValues = try TrainCommand.parseFlags(flags)
        guard let path = settings else {
            guard model != nil else {
                throw CLIError.usage("name the model: --settings FILE (with `model:`) or --model NAME (\(ModelKind.names.joined(separator: ", ")))")
            }
            return try RunSettings.resolve(model: model, flags: flagValues)
        }
        let url = URL(fileURLWithPath: path)
        var entries = try RunSettings.readConfigFile(url)
        var fileModel: String? = nil
        // A run's config.json: {"model": …, "settings": {…}}.
        if let nested = entries["settings"] as? [String: Any], entries.count == 2, let name = entries["model"] as? String {
            (entries, fileModel) = (nested, name)
        }
        return try RunSettings.resolve(model: model ?? fileModel, file: entries, flags: flagValues)
    }

    /// Reads a mapping file: a JSON or YAML mapping of state-dict names to names (or null).
    static func readMapping(_ path: String) throws -> [String: String?] {
        let url = URL(fileURLWithPath: path)
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw CLIError.usage("cannot read mapping file \(path): \(error.localizedDescription)")
        }
        let parsed: Any?
        do {
            switch url.pathExtension.lowercased() {
            case "json": parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
            case "yaml", "yml": parsed = try ConfigYAML.load(text, path: path)
            default: throw CLIError.usage("mapping file \(path): expected a .json, .yaml or .yml file")
            }
        } catch let error as CLIError { throw error } catch {
            throw CLIError.usage("mapping file \(path) is not valid \(url.pathExtension.uppercased()): \(String(describing: error).split(separator: "\n").joined(separator: " "))")
        }
        guard let object = parsed as? [String: Any] else {
            throw CLIError.usage("mapping file \(path): expected a mapping of state-dict names to names, e.g. `enc.fc1.weight: encoder.0.weight`")
        }
        var out: [String: String?] = [:]
        for (key, value) in object {
            switch value {
            case let name as String: out[key] = .some(name)
            case is NSNull: out[key] = .some(nil)
            default:
                throw CLIError.usage("mapping file \(path): '\(CLIError.cut(key))' maps to \(CLIError.cut("\(value)")); expected a tensor name or null")
            }
        }
        return out
    }

    /// Writes `model` as training would at epoch 0: weights, a fresh Adam state, the loop position.
    private static func saveFresh<M: TrainableModel>(_ model: M, settings: RunSettings, folder: RunFolder, metadata: [String: String]) throws {
        var configuration = TrainerConfiguration(epochs: settings.int("epochs"), seed: UInt64(settings.int("seed")),
                                                 bestMetric: settings.model.family == .flow ? "nll" : "loss",
                                                 checkpointDirectory: folder.checkpoints, metricsFile: folder.metricsJSONL)
        configuration.checkpointMetadata = metadata
        let trainer = Trainer(model: model, optimizer: Adam(model.namedParameters(), learningRate: Float(settings.double("learning-rate"))),
                              configuration: configuration)
        do { try trainer.saveCheckpoint(to: folder.lastCheckpoint) } catch {
            throw CLIError.failed("cannot write \(folder.lastCheckpoint.path): \(error)")
        }
    }
}
