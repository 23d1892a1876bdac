import Foundation
import Yams
import Latent

/// The resolved hyper-parameters of one run: the model's defaults, overridden by a config file,
/// overridden by flags — every value checked against `SettingsSchema`. Saved as `config.json` in
/// the run folder and inside every checkpoint, so a run can be inspected, evaluated and resumed.
public struct RunSettings: Equatable {
    /// The model trained.
    public var model: ModelKind
    /// Every key the model reads, with its value.
    public var values: [String: SettingValue]

    /// Resolves settings for `model` (or the config file's `model:` entry) from a config file's
    /// entries and `--key value` flags. Throws `CLIError` naming any unknown key, key the model
    /// does not read, or bad value with what is allowed.
    public static func resolve(model name: String?, file: [String: Any] = [:], flags: [String: String] = [:]) throws -> RunSettings {
        var fileEntries = file
        let fileModel = fileEntries.removeValue(forKey: "model").map { "\($0)" }
        guard let modelName = name ?? fileModel else {
            throw CLIError.usage("no model given: name one (\(ModelKind.names.joined(separator: ", "))) or put `model:` in the config file")
        }
        let model = try ModelKind.named(modelName)
        let dataName = OwnData.absolute(try flags["data"].map { try SettingsSchema.key("data")!.parse($0) }?.description
            ?? (try fileEntries["data"].map { try SettingsSchema.key("data")!.convert($0) })?.description
            ?? model.defaultData)
        var values = model.defaults(for: try DatasetCatalog.kind(dataName), data: dataName)
        func key(_ name: String) throws -> SettingKey {
            guard let key = SettingsSchema.key(name) else { throw CLIError.unknownSetting(key: name, known: SettingsSchema.names) }
            guard model.reads(key) else {
                let valid = SettingsSchema.keys.filter(model.reads).map(\.name)
                throw CLIError.usage("setting '\(name)' does not apply to model \(model.rawValue); its settings: \(valid.joined(separator: ", "))")
            }
            guard key.applies(to: dataName) else {
                if name == "test-fraction" {
                    throw CLIError.usage("setting 'test-fraction' does not apply to data '\(dataName)', which has its own test split; it splits only your own data (folder:, npy:, npz:, csv:)")
                }
                throw CLIError.usage("setting '\(name)' does not apply to data '\(dataName)'; it shapes only the 2-D densities \((key.datasets ?? []).joined(separator: ", "))")
            }
            if name == "test-fraction" && OwnData.hasOwnSplit(dataName) {
                throw CLIError.usage("setting 'test-fraction' does not apply to data '\(dataName)': its files carry their own test split (train/ and test/, train.npy and test.npy, or test arrays)")
            }
            return key
        }
        for (name, raw) in fileEntries.sorted(by: { $0.key < $1.key }) { values[name] = try key(name).convert(raw) }
        for (name, text) in flags.sorted(by: { $0.key < $1.key }) { values[name] = try key(name).parse(text) }
        values["data"] = .string(dataName)
        // Widths that suit the chosen architecture, unless given: conv has no extra fc layer
        // (the issue's conv 32-64 VAE), deep-mlp the IWAE paper's 200-200.
        if model.family == .vae && fileEntries["hidden"] == nil && flags["hidden"] == nil,
           fileEntries["architecture"] != nil || flags["architecture"] != nil {
            switch values["architecture"] {
            case .string("conv")?: values["hidden"] = .ints([])
            case .string("deep-mlp")?: values["hidden"] = .ints(dataName == "sprites" || dataName == "dsprites" ? [512, 512] : [200, 200])
            default: values["hidden"] = .ints([400])
            }
        }
        let settings = RunSettings(model: model, values: values)
        try settings.checkConsistency()
        return settings
    }

    /// Reads a JSON (`.json`) or YAML (`.yaml`, `.yml`) config file: a mapping of setting names
    /// to values (and optionally `model`). Throws `CLIError.failed` naming the file and the problem.
    public static func readConfigFile(_ url: URL) throws -> [String: Any] {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw CLIError.usage("cannot read config file \(url.path): \(error.localizedDescription)")
        }
        let parsed: Any?
        do {
            switch url.pathExtension.lowercased() {
            case "json": parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
            case "yaml", "yml": parsed = try ConfigYAML.load(text, path: url.path)
            default: throw CLIError.usage("config file \(url.path): expected a .json, .yaml or .yml file")
            }
        } catch let error as CLIError { throw error } catch let error as ConfigFileError {
            throw CLIError.usage(error.description.split(separator: "\n").joined(separator: " "))
        } catch {
            throw CLIError.usage("config file \(url.path) is not valid \(url.pathExtension.uppercased()): \(String(describing: error).split(separator: "\n").joined(separator: " "))")
        }
        guard let mapping = parsed as? [String: Any] else {
            throw CLIError.usage("config file \(url.path): expected a mapping of setting names to values, e.g. `epochs: 10`")
        }
        return mapping
    }

    /// Settings as written by `json()` (the run folder's `config.json`, a checkpoint's metadata),
    /// validated exactly like a config file: every value's type and range, the keys the model reads,
    /// the cross-key rules. `data` is required; other keys added after the run was saved take their
    /// defaults. Throws `CLIError.failed` naming `source`, the key, the value and what is allowed.
    public static func decode(json: String, source: String) throws -> RunSettings {
        let example = "expected {\"model\": …, \"settings\": {\"data\": …, …}}"
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            throw CLIError.failed("\(source): the run settings are not a JSON object (\(example))")
        }
        guard let modelName = object["model"] as? String else {
            throw CLIError.failed("\(source): run settings without a text 'model' (\(example))")
        }
        guard var settings = object["settings"] as? [String: Any] else {
            throw CLIError.failed("\(source): run settings without a 'settings' object (\(example))")
        }
        guard settings["data"] != nil else {
            throw CLIError.failed("\(source): the run settings lack the required key 'data' (the dataset name: \(DatasetCatalog.names.joined(separator: ", ")))")
        }
        settings["model"] = nil
        do { return try resolve(model: modelName, file: settings) } catch let error as CLIError {
            throw CLIError.failed("\(source): \(error)")
        }
    }

    /// `{"model": …, "settings": {…}}` with sorted keys, pretty-printed.
    public func json() -> String {
        struct Stored: Encodable { var model: String; var settings: [String: SettingValue] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let data = try! encoder.encode(Stored(model: model.rawValue, settings: values))
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: Typed access (keys are known to exist for the model: missing ones are programming errors)

    public func int(_ name: String) -> Int {
        if case let .int(v)? = values[name] { return v }
        fatalError("RunSettings: '\(name)' is not an integer setting of \(model.rawValue)")
    }

    public func double(_ name: String) -> Double {
        switch values[name] {
        case let .double(v)?: return v
        case let .int(v)?: return Double(v)
        default: fatalError("RunSettings: '\(name)' is not a number setting of \(model.rawValue)")
        }
    }

    public func bool(_ name: String) -> Bool {
        if case let .bool(v)? = values[name] { return v }
        fatalError("RunSettings: '\(name)' is not a boolean setting of \(model.rawValue)")
    }

    public func string(_ name: String) -> String {
        if case let .string(v)? = values[name] { return v }
        fatalError("RunSettings: '\(name)' is not a text setting of \(model.rawValue)")
    }

    public func ints(_ name: String) -> [Int] {
        if case let .ints(v)? = values[name] { return v }
        fatalError("RunSettings: '\(name)' is not a list setting of \(model.rawValue)")
    }

    /// The dataset name.
    public var data: String { string("data") }

    /// Where file datasets are looked for.
    public var dataSource: DataSourceChoice { DataSourceChoice(directory: string("data-dir")) }

    /// Cross-key rules that single keys cannot express; each message names the keys and values.
    /// The `binarize` setting ("none" for flows, which do not have it).
    public var binarization: String { values["binarize"].map { _ in string("binarize") } ?? "none" }

    /// The run's data splits: `data`, `train-size` (or `trainSize`), `test-size`, `seed`, binarized
    /// as `binarize` says (`DatasetCatalog.binarized`).
    public func loadData(trainSize: Int? = nil) throws -> DatasetSplits {
        let seed = UInt64(int("seed"))
        let splits = try DatasetCatalog.load(data, source: dataSource.source, trainSize: trainSize ?? int("train-size"),
                                             testSize: int("test-size"), seed: seed,
                                             noise: values["noise"].map { _ in double("noise") },
                                             scale: values["scale"].map { _ in double("scale") },
                                             testFraction: values["test-fraction"].map { _ in double("test-fraction") } ?? 0.1)
        return try DatasetCatalog.binarized(splits, mode: binarization, seed: seed)
    }

    func checkConsistency() throws {
        let kind = try DatasetCatalog.kind(data)
        switch model.family {
        case .vae, .cvae, .vqvae, .hvae:
            guard case let .images(shape, _, classes) = kind else {
                throw CLIError.usage("model \(model.rawValue) needs image data; '\(data)' is points — use a flow (realnvp, maf, nsf, …) or an image dataset (\(DatasetCatalog.fileNames.joined(separator: ", ")), sprites, dsprites, folder:PATH)")
            }
            if model.family == .cvae && string("task") == "class" && classes == nil {
                throw CLIError.usage("cvae task 'class' needs labelled classes; '\(data)' has none — use --task quadrant or a labelled dataset (mnist, fashion-mnist, mnist-5k, cifar10)")
            }
            if model.family == .vae && string("prior-init") == "data" && string("prior") != "vamp" {
                throw CLIError.usage("--prior-init data sets the VampPrior's pseudo-inputs; it needs --prior vamp, got --prior \(string("prior"))")
            }
            if model.family == .vae && string("architecture") == "conv" && ![28, 32, 64].contains(shape[1]) {
                throw CLIError.usage("architecture 'conv' takes 28×28, 32×32 or 64×64 images, '\(data)' has \(shape)")
            }
            if model.family == .hvae && ints("latent-sizes").count != 2 {
                throw CLIError.badSetting(key: "latent-sizes", value: ints("latent-sizes").map(String.init).joined(separator: ","),
                                          allowed: "two widths L₁,L₂ (e.g. 100,50)")
            }
            if model.family == .hvae && ints("hidden").isEmpty {
                throw CLIError.badSetting(key: "hidden", value: "[]", allowed: "at least one width between x and z₁ (e.g. 200,200)")
            }
        case .flow:
            if model == .iaf || model == .nsfAR, case let .images(shape, _, _) = kind {
                throw CLIError.usage("model \(model.rawValue) computes log p(x) with one network pass per dimension, one after another (\(shape.reduce(1, *)) for '\(data)'), minutes per epoch even on a few thousand images, so it cannot train on images in reasonable time; use maf, realnvp, nsf or glow for images, \(model.rawValue) for the 2-D densities")
            }
            if model == .residualFlow, case let .images(shape, _, _) = kind {
                throw CLIError.usage("model residual-flow trains on points (its log-determinant takes several Jacobian-vector products per block and step, its exact evaluation one per dimension); '\(data)' is images \(shape) — use moons, 8gaussians, rings, … or realnvp, maf, glow for images")
            }
            if model == .glow, case .points = kind {
                throw CLIError.usage("model glow needs image data; '\(data)' is points — use realnvp, nsf, maf, … for points")
            }
            if bool("conditional"), case let .images(_, _, classes) = kind, classes == nil {
                throw CLIError.usage("conditional: true needs class labels; '\(data)' has none")
            }
            if bool("conditional"), case .points = kind {
                throw CLIError.usage(OwnData.isOwn(data)
                    ? "conditional: true conditions on image classes; '\(data)' is points, whose labels the flows do not read"
                    : "conditional: true needs class labels; the 2-D densities have none")
            }
        case .flowMatching:
            if ints("hidden").isEmpty {
                throw CLIError.badSetting(key: "hidden", value: "[]", allowed: "at least one width for the velocity network (e.g. 128,128,128)")
            }
            if case let .images(shape, _, _) = kind {
                throw CLIError.usage("model flow-matching trains on the 2-D densities (its likelihood takes one backward pass per dimension per ODE step); '\(data)' is images \(shape) — use moons, 8gaussians, rings, … or a flow (realnvp, maf, glow) for images")
            }
        }
    }
}

/// The data folder a run names (empty: the default search).
public struct DataSourceChoice {
    /// The `--data-dir` text.
    public var directory: String

    /// The library's `DataSource` for it.
    public var source: DataSource {
        directory.isEmpty ? DataSource() : DataSource(directory: URL(fileURLWithPath: directory))
    }
}
