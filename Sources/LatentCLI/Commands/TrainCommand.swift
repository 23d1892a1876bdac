import ArgumentParser
import Foundation
import Latent

/// `latent train <model> --data <dataset> [--<setting> value …] [--config file]`.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model; every hyper-parameter is a flag or a config-file key.",
        discussion: TrainCommand.settingsHelp())

    @Option(name: .long, help: "JSON or YAML file of settings (flags override it).")
    var config: String?

    @Option(name: .long, help: "Run folder (default runs/<model>-<data>-<time>).")
    var output: String?

    @Option(name: .long, help: "Continue the run in this folder from its last checkpoint (--epochs may be raised).")
    var resume: String?

    @Option(name: .long, help: "Also write TensorBoard event files (scalars, sample images, config) to this folder.")
    var tensorboard: String?

    @Flag(name: .long, help: "Resolve and check the settings as training would (the memory estimate too), print them, and exit without creating anything.")
    var dryRun = false

    @Flag(name: .long, help: "Train data-parallel over MPI (implied when started by mpirun/srun with more than one process); fails clearly when no MPI library is found. --batch-size is per rank.")
    var distributed = false

    @Option(name: .long, help: "Seconds a rank waits for the others before stopping the job (a rank died or hangs); 1…86400.")
    var distributedTimeout: Double = 300

    @OptionGroup var outputOptions: OutputOptions

    @Argument(parsing: .allUnrecognized,
              help: ArgumentHelp("<model> [--<setting> <value> …]: model \(ModelKind.names.joined(separator: ", ")) (or `model:` in the config file), then settings (below).",
                                 valueName: "model-and-settings"))
    var words: [String] = []

    /// The overview after `train --help`'s options: every model and every setting, in two
    /// columns wrapped to `width` — one column short of the terminal's (`Console.screenWidth`),
    /// since the help formatter re-wraps every line that reaches the last column.
    static func settingsHelp(width: Int = Console.screenWidth - 1) -> String {
        var lines = ["Models:"]
        for model in ModelKind.allCases { lines += columns("  " + model.rawValue, model.summary, at: 17, width: width) }
        lines += [""] + wrap("Settings (flag --name value, or `name: value` in a config file); `latent train <model> --help` lists one model's, with their defaults:", width: width, indent: "")
        for key in SettingsSchema.keys {
            let scope = key.datasets.map { "data " + $0.joined(separator: ", ") } ?? key.scope.rawValue
            lines += columns("  --" + key.name, "\(key.help) [\(scope); \(key.allowed)]", at: 24, width: width)
        }
        lines += ["", "Example: latent train vae --data mnist --epochs 10 --beta 2 --tensorboard tb/"]
        return lines.joined(separator: "\n")
    }

    /// `--name value` / `--name=value` pairs (a bare boolean flag means true).
    static func parseFlags(_ words: [String]) throws -> [String: String] {
        var flags: [String: String] = [:]
        var i = 0
        while i < words.count {
            let word = words[i]
            guard word.hasPrefix("--"), word.count > 2 else {
                throw CLIError.usage("unexpected argument '\(word)'; settings are given as --name value (see `latent train --help`)")
            }
            var name = String(word.dropFirst(2)), value: String
            if let eq = name.firstIndex(of: "=") {
                value = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            } else if let key = SettingsSchema.key(name), case .bool = key.kind,
                      i + 1 == words.count || words[i + 1].hasPrefix("--") {
                value = "true"
            } else {
                guard i + 1 < words.count else { throw CLIError.usage("setting --\(name) needs a value") }
                i += 1
                value = words[i]
            }
            guard SettingsSchema.key(name) != nil else { throw CLIError.unknownSetting(key: name, known: SettingsSchema.names) }
            flags[name] = value
            i += 1
        }
        return flags
    }

    func run() throws {
        Interruption.shared.install()
        let console = outputOptions.console()
        let model = words.first.flatMap { $0.hasPrefix("-") ? nil : $0 }
        var flags = try TrainCommand.parseFlags(Array(words.dropFirst(model == nil ? 0 : 1)))
        guard distributedTimeout.isFinite, (1...86_400).contains(distributedTimeout) else {
            throw CLIError.usage("bad value for --distributed-timeout: \(distributedTimeout) — expected seconds in 1…86400")
        }
        let group = dryRun ? nil : try DistributedLaunch.start(requested: distributed, timeout: distributedTimeout)
        if let group = group {
            console.muted = group.rank != 0
            Interruption.shared.quiet = group.rank != 0
            if flags["threads"] == nil { flags["threads"] = String(DistributedLaunch.threadsPerRank()) }
        }
        let writer = (group?.rank ?? 0) == 0
        if let resume = resume {
            guard model == nil, config == nil, output == nil else {
                throw CLIError.usage("--resume continues a run with its own settings; give no model, --config or --output with it")
            }
            let folder = RunFolder(URL(fileURLWithPath: resume))
            guard let json = try? String(contentsOf: folder.config, encoding: .utf8) else {
                throw CLIError.failed("\(resume) has no readable config.json; is it a run folder of `latent train`?")
            }
            var stored = try RunSettings.decode(json: json, source: folder.config.path)
            for (name, value) in flags {
                guard ["epochs", "threads", "data-dir", "picture-every"].contains(name) else {
                    throw CLIError.usage("cannot change '\(name)' when resuming (the run's settings are fixed); only epochs, threads, data-dir and picture-every may change")
                }
                stored.values[name] = try SettingsSchema.key(name)!.parse(value)
            }
            if dryRun { return try TrainCommand.dryRun(stored, folder: folder, resume: true, console: console) }
            if writer { try AtomicFile.write(stored.json() + "\n", to: folder.config) }
            // Killed before its first checkpoint: nothing to continue from, so start over.
            let fresh = !FileManager.default.fileExists(atPath: folder.lastCheckpoint.path)
            if fresh && writer {
                console.say("\(resume) has no checkpoint yet (stopped before the first one): starting the run over")
                folder.removeMetrics()
            }
            let session = TrainingSession(settings: stored, folder: folder, console: console,
                                          tensorboard: tensorboard.map { URL(fileURLWithPath: $0) })
            session.communicator = group
            try session.run(resume: !fresh)
            return
        }
        let file = try config.map { try RunSettings.readConfigFile(URL(fileURLWithPath: $0)) } ?? [:]
        let resolved = try RunSettings.resolve(model: model, file: file, flags: flags)
        let folder = RunFolder(URL(fileURLWithPath: output ?? TrainCommand.defaultFolder(resolved)))
        if folder.hasCheckpoint {
            throw CLIError.usage("\(folder.url.path) already holds a run; continue it with --resume \(folder.url.path) or choose another --output")
        }
        if dryRun { return try TrainCommand.dryRun(resolved, folder: folder, resume: false, console: console) }
        if writer, FileManager.default.fileExists(atPath: folder.config.path) {
            console.say("\(folder.url.path) holds a run stopped before its first checkpoint: starting over there")
            folder.removeMetrics()
        }
        let session = TrainingSession(settings: resolved, folder: folder, console: console,
                                      tensorboard: tensorboard.map { URL(fileURLWithPath: $0) })
        session.communicator = group
        try session.run()
    }

    static func defaultFolder(_ settings: RunSettings) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        // Own data (`folder:/a/b/faces`) are named by the last path component: `faces`.
        let data = OwnData.isOwn(settings.data) ? URL(fileURLWithPath: String(settings.data.drop { $0 != ":" }.dropFirst())).deletingPathExtension().lastPathComponent
                                                : settings.data
        return "runs/\(settings.model.rawValue)-\(data)-\(formatter.string(from: Date()))"
    }
}
