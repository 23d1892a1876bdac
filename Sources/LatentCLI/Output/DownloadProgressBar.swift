import Foundation
import Latent

/// A download's progress as a person sees it: on an interactive terminal (human mode) one live
/// line per file — `mnist/train-images-idx3-ubyte.gz (1/4) ████████······ 4.2/9.9 MB 12.5 MB/s` —
/// redrawn at most every 0.1 s; nothing in quiet or JSON mode or when standard error is not a
/// terminal (scripts and logs get the per-file result lines instead).
final class DownloadProgressBar: @unchecked Sendable {
    private let console: Console
    private let lock = NSLock()
    private var lastDraw = Date.distantPast
    private var file = ""
    private var started = Date()
    private var drawn = false

    init(console: Console) { self.console = console }

    /// Whether anything is drawn at all.
    var isLive: Bool { console.mode == .human && console.interactive }

    /// `bytes` as a person reads them: 512 B, 28.9 kB, 9.9 MB, 1.2 GB (powers of 1000).
    static func size(_ bytes: Int) -> String {
        let b = Double(bytes)
        if b < 1_000 { return "\(bytes) B" }
        if b < 1_000_000 { return String(format: "%.1f kB", b / 1_000) }
        if b < 1_000_000_000 { return String(format: "%.1f MB", b / 1_000_000) }
        return String(format: "%.2f GB", b / 1_000_000_000)
    }

    /// Called as bytes arrive (from the download's network thread).
    func update(_ p: DownloadProgress) {
        guard isLive else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        if p.file != file { (file, started) = (p.file, now) }
        guard now.timeIntervalSince(lastDraw) >= 0.1 || p.bytes == p.total else { return }
        lastDraw = now
        let width = 24, done = p.total > 0 ? min(width, width * p.bytes / p.total) : 0
        let bar = String(repeating: "█", count: done) + String(repeating: "·", count: width - done)
        let rate = Double(p.bytes) / max(now.timeIntervalSince(started), 1e-3)
        console.status("\(p.file) (\(p.index)/\(p.count)) \(bar) \(DownloadProgressBar.size(p.bytes))/\(DownloadProgressBar.size(p.total)) \(DownloadProgressBar.size(Int(rate)))/s")
        drawn = true
    }

    /// Clears the live line before a result line is printed.
    func clear() {
        lock.lock()
        defer { lock.unlock() }
        if drawn { console.endStatus() }
        drawn = false
    }
}
