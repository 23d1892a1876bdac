import Foundation

/// How much memory one command may plan to allocate: half the machine's physical memory, so a
/// size that fits the flags' ranges but not the machine stops with a message before the
/// allocation instead of trapping (or swapping) in the middle of the work.
///
///     try MemoryBudget.check(bytes: Double(samples) * Double(images) * Double(latent) * 4,
///                            what: "--samples \(samples) × --images \(images) importance samples")
///     // error: --samples 1000000000 × --images 1000 importance samples needs 74.5 TB; this machine has 24.0 GB (a command may use half)
public enum MemoryBudget {
    /// The machine's physical memory in bytes.
    public static var physicalBytes: Double { Double(ProcessInfo.processInfo.physicalMemory) }

    /// The bytes a command may plan for: half of `physicalBytes`.
    public static var limit: Double { physicalBytes / 2 }

    /// Throws `CLIError.failed` naming `what`, the bytes it needs and the machine's memory when
    /// `bytes` (an estimate, computed in `Double` so it cannot overflow) is above `limit` or not finite.
    public static func check(bytes: Double, what: String) throws {
        guard bytes.isFinite, bytes <= limit else {
            throw CLIError.failed("\(what) needs \(bytes.isFinite ? format(bytes) : "more than any machine has"); this machine has \(format(physicalBytes)) (a command may use half) — use a smaller value")
        }
    }

    /// `bytes` as "312 MB", "24.0 GB", "74.5 TB" (binary units: 1 GB = 2³⁰ bytes).
    public static func format(_ bytes: Double) -> String {
        let units = ["bytes", "KB", "MB", "GB", "TB", "PB", "EB"]
        var value = max(0, bytes), unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(Int(value)) bytes" : String(format: value < 100 ? "%.1f" : "%.0f", value) + " " + units[unit]
    }
}
