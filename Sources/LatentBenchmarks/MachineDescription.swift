import Foundation

/// The machine a benchmark ran on, in words.
public enum MachineDescription {
    /// E.g. "AMD EPYC (family 25, model 17) (2 cores)": `cpu` and the logical cores.
    public static var current: String { "\(cpu) (\(ProcessInfo.processInfo.activeProcessorCount) cores)" }

    /// The CPU model: on Linux the `model name` of /proc/cpuinfo, with the x86 `cpu family` and
    /// `model` numbers when present (cloud VMs often name only the brand, e.g. "AMD EPYC", and the
    /// numbers tell Zen 2 from Zen 4 and Zen 5); on macOS `machdep.cpu.brand_string`.
    public static let cpu: String = {
        if let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) {
            return describe(cpuinfo: info)
        }
        #if canImport(Darwin)
        var size = 0
        if sysctlbyname("machdep.cpu.brand_string", nil, &size, nil, 0) == 0, size > 1 {
            var bytes = [CChar](repeating: 0, count: size)
            if sysctlbyname("machdep.cpu.brand_string", &bytes, &size, nil, 0) == 0 { return String(cString: bytes) }
        }
        #endif
        return "unknown CPU"
    }()

    /// The model of the first processor listed in the text of /proc/cpuinfo.
    static func describe(cpuinfo: String) -> String {
        var fields: [String: String] = [:]
        for line in (cpuinfo.components(separatedBy: "\n\n").first ?? "").split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            fields[parts[0].trimmingCharacters(in: .whitespaces)] = parts[1].trimmingCharacters(in: .whitespaces)
        }
        let name = fields["model name"] ?? "unknown CPU"
        guard let family = fields["cpu family"], let model = fields["model"] else { return name }
        return "\(name) (family \(family), model \(model))"
    }
}
