import Foundation

/// `latent train MODEL --help`: only the settings MODEL reads, each with its default and what it
/// takes. `latent train --help` lists every setting of every model, which answers "what can this
/// program do" but not "what does *this* model do by default"; defaults also depend on the data
/// (a flow on MNIST is wider than on moons), so they are shown for `--data` if given, else for
/// the model's default data.
extension TrainCommand {
    /// The options of `train` itself that take a value, skipped when looking for the model word.
    static let valueOptions: Set<String> = ["--config", "--output", "--resume", "--tensorboard"]

    /// For `train … MODEL … --help` (or `-h`): the model and the `--data` named, if any; nil for
    /// other arguments (including `train --help` without a model, which keeps the overview).
    static func modelHelpRequest(_ words: [String]) -> (model: ModelKind, data: String?)? {
        guard words.first == "train" else { return nil }
        let rest = Array(words.dropFirst().prefix { $0 != "--" })
        guard rest.contains("--help") || rest.contains("-h") else { return nil }
        var model: ModelKind?, data: String?, i = 0
        while i < rest.count {
            let word = rest[i]
            if word == "--data", i + 1 < rest.count { data = rest[i + 1] }
            if word.hasPrefix("--data=") { data = String(word.dropFirst(7)) }
            if valueOptions.contains(word) || word == "--data" {
                i += 2
                continue
            }
            if !word.hasPrefix("-") && model == nil {
                guard let kind = ModelKind(rawValue: word) else { return nil }
                model = kind
            }
            i += 1
        }
        return model.map { ($0, data) }
    }

    /// The help text of `model` on `data` (nil: the model's default data), wrapped to `width`
    /// columns (one short of the terminal's, as `settingsHelp`). Throws `CLIError` for an unknown
    /// dataset or one the model cannot train on.
    static func modelHelp(_ model: ModelKind, data: String?, width: Int = Console.screenWidth - 1) throws -> String {
        let settings = try RunSettings.resolve(model: model.rawValue, flags: data.map { ["data": $0] } ?? [:])
        let usage = "USAGE: latent train \(model.rawValue) "
        var lines = wrap("latent train \(model.rawValue): \(model.summary)", width: width, indent: "") + [""]
        lines += columns(usage, "[--<setting> <value> …] [--config <file>] [--output <folder>] [--tensorboard <folder>] [--dry-run] [--quiet | --json]",
                         at: usage.count, width: width)
        lines += [""] + wrap("Settings of \(model.rawValue), with their defaults on --data \(settings.data) (other data: latent train \(model.rawValue) --data NAME --help). Give them as flags (--name value) or as keys of a --config file (name: value):", width: width, indent: "")
        for key in SettingsSchema.keys {
            guard let value = settings.values[key.name] else { continue }
            lines.append("  --\(key.name) \(TrainCommand.shown(value))")
            lines += wrap("\(key.help); \(key.allowed).", width: width, indent: "      ")
        }
        lines += [""] + wrap("`latent train --help` lists every model and the options of train itself (--resume, --dry-run, …).", width: width, indent: "")
        return lines.joined(separator: "\n")
    }

    /// A setting's value as its flag would spell it: lists comma-separated, numbers short.
    static func shown(_ value: SettingValue) -> String {
        switch value {
        case let .double(v): return NumberText.short(v)
        case let .ints(v): return v.isEmpty ? "[]" : v.map(String.init).joined(separator: ",")
        case let .string(v): return v.isEmpty ? "\"\"" : v
        default: return value.description
        }
    }

    /// `left`, then `text` from column `column` on, wrapped to `width` with its continuation lines
    /// starting at that column too: a two-column help table that stays one. A `left` too wide for
    /// its column puts the text on the next line.
    static func columns(_ left: String, _ text: String, at column: Int, width: Int) -> [String] {
        let indent = String(repeating: " ", count: column)
        var lines = wrap(text, width: width, indent: indent)
        guard !lines.isEmpty else { return [left] }
        if left.count < column { lines[0] = left.padding(toLength: column, withPad: " ", startingAt: 0) + lines[0].dropFirst(column) } else { lines.insert(left, at: 0) }
        return lines
    }

    /// `text` broken at spaces into lines of at most `width` characters, each after `indent`.
    static func wrap(_ text: String, width: Int, indent: String) -> [String] {
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && indent.count + line.count + 1 + word.count > width {
                lines.append(indent + line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(indent + line) }
        return lines
    }
}
