import Foundation

/// `latent train … --dry-run`: the settings a run would use, checked as training checks them, and
/// nothing created — to see what the defaults, a config file and the flags add up to before
/// spending an hour, or to validate a config file in a script.
extension TrainCommand {
    /// Checks `settings` as `TrainingSession.run` does before it allocates (the memory estimate;
    /// the data files are not read), then prints them: with `--json` one `dry_run` object,
    /// otherwise a table in which values that differ from the model's defaults on this data are
    /// marked. Writes nothing.
    static func dryRun(_ settings: RunSettings, folder: RunFolder, resume: Bool, console: Console) throws {
        try settings.checkMemory()
        let defaults = try RunSettings.resolve(model: settings.model.rawValue, flags: ["data": settings.data]).values
        let names = SettingsSchema.names.filter { settings.values[$0] != nil }
        console.json(["event": "dry_run", "model": settings.model.rawValue, "data": settings.data, "folder": folder.url.path,
                      "resume": resume, "memory_bytes": settings.memoryEstimate,
                      "settings": settings.values.mapValues(\.jsonObject)])
        guard console.mode != .json else { return }
        console.result("\(settings.model.rawValue) on \(settings.data): settings valid (--dry-run; nothing created)")
        let width = (names.map(\.count).max() ?? 0) + 2
        for name in names {
            let value = TrainCommand.shown(settings.values[name]!)
            let changed = defaults[name].map { $0 != settings.values[name]! } ?? false
            let note = changed ? "   (default \(TrainCommand.shown(defaults[name]!)))" : ""
            console.result("  " + name.padding(toLength: width, withPad: " ", startingAt: 0) + value + note)
        }
        console.result("memory: about \(MemoryBudget.format(settings.memoryEstimate)) planned; a command may use \(MemoryBudget.format(MemoryBudget.limit))")
        console.result("run folder: \(folder.url.path)" + (resume ? " (would be resumed; left unchanged)" : " (not created)"))
    }
}

extension SettingValue {
    /// The value as `JSONSerialization` takes it.
    var jsonObject: Any {
        switch self {
        case let .int(v): return v
        case let .double(v): return v
        case let .bool(v): return v
        case let .string(v): return v
        case let .ints(v): return v
        }
    }
}
