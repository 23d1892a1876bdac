import ArgumentParser
import Foundation
import Latent

/// `latent datasets [list]` and `latent datasets download NAME…`: what data `latent` knows, where
/// it looks for files and what it finds; fetching the published files.
struct DatasetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datasets", abstract: "List the datasets and whether their files are found; download them.",
        subcommands: [DatasetsListCommand.self, DatasetsDownloadCommand.self], defaultSubcommand: DatasetsListCommand.self)
}

/// `latent datasets [list]`: every dataset name, its kind, and for file datasets whether (and
/// where) the files are found, or how to get them.
struct DatasetsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the datasets, where their files are looked for, and whether they are found.")

    @Option(name: .long, help: "Also look in this folder (as --data-dir does for train).")
    var dataDir: String?

    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        let console = outputOptions.console()
        let source = dataDir.map { DataSource(directory: URL(fileURLWithPath: $0)) } ?? DataSource()
        let roots = source.searchRoots.map(\.path)
        console.result("Looked for files in (first match wins): " + roots.joined(separator: ", "))
        console.result("Set another folder with --data-dir DIR or LATENT_DATA=DIR.\n")
        var entries: [[String: Any]] = []
        for name in DatasetCatalog.names {
            let files = DatasetCatalog.files(name)
            let found = DatasetCatalog.found(name, roots: roots)
            let status = files.isEmpty ? "built in" : (found.isEmpty ? (name == "dsprites" ? "generated" : "missing") : "found")
            entries.append(["name": name, "status": status, "files": files, "found": found,
                            "downloadable": DataSource.downloadableNames.contains(name), "summary": DatasetCatalog.summary(name)])
            console.result("\(name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(status.padding(toLength: 12, withPad: " ", startingAt: 0)) \(DatasetCatalog.summary(name))")
            if let first = found.first {
                console.result("               in " + URL(fileURLWithPath: first).deletingLastPathComponent().path)
            }
            if status == "generated" {
                console.result("               the original file, if you have it: " + files.joined(separator: ", "))
            }
            if status == "missing" {
                console.result("               needs " + files.joined(separator: ", ") + "; get it with `latent datasets download \(name)`")
            }
        }
        console.result("\nYour own data: --data folder:PATH (PNG images, class = sub-folder), npy:FILE.npy or npy:DIR (train.npy + test.npy), npz:FILE.npz, csv:FILE.csv — see docs/DATA.md")
        console.json(["event": "datasets", "search": roots, "datasets": entries])
    }
}

/// `latent datasets download NAME… [--data-dir DIR] [--mirror URL]…`: fetches each dataset's
/// published files into `<root>/<name>/`, resuming partial downloads, checking the published
/// size and MD5 (SHA-256 where published), and placing each file atomically.
struct DatasetsDownloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download", abstract: "Download datasets' published files into the data folder, verified.",
        discussion: """
            Files go to <root>/<name>/, where <root> is --data-dir, else $LATENT_DATA, else ~/.cache/latent — the \
            first place `latent train` looks. A file already there that matches its published MD5 is kept. An \
            interrupted download is resumed on the next run (from <root>/<name>/.<file>.partial).
            """)

    @Argument(help: ArgumentHelp("The datasets to download.", discussion: "One or more of: \(DataSource.downloadableNames.joined(separator: ", "))."))
    var names: [String]

    @Option(name: .long, help: "The data root to download into (default: $LATENT_DATA, then ~/.cache/latent).")
    var dataDir: String?

    @Option(name: .long, help: ArgumentHelp("A mirror to fetch from instead of the publishers' sites (repeatable, tried in order).",
                                            discussion: "A data root served over HTTP: each file is fetched from <URL>/<name>/<file>."))
    var mirror: [String] = []

    @Option(name: .long, help: "Seconds without data after which a transfer is abandoned (0 < s ≤ 3600).")
    var timeout: Double = 30

    @OptionGroup var outputOptions: OutputOptions

    /// Refuses unknown or built-in names, a timeout out of range and mirrors that are not URLs
    /// (`CLIError`s: exit 64). Called by `run`, not ArgumentParser's `validate`, which would wrap
    /// the error and lose its exit code.
    func checkArguments() throws {
        for name in names where !DataSource.downloadableNames.contains(name) {
            if DatasetCatalog.names.contains(name) {
                throw CLIError.usage("dataset '\(name)' is built in (generated, no files); nothing to download. Downloadable: \(DataSource.downloadableNames.joined(separator: ", "))")
            }
            throw CLIError.unknown(what: "downloadable dataset", name: name, valid: DataSource.downloadableNames)
        }
        guard timeout > 0 && timeout <= 3600 else {
            throw CLIError.badSetting(key: "timeout", value: NumberText.short(timeout), allowed: "seconds in (0, 3600]")
        }
        _ = try mirrorURLs()
    }

    /// The `--mirror` values as URLs; anything but an http(s) URL with a host is refused.
    func mirrorURLs() throws -> [URL] {
        try mirror.map { text in
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), !(url.host ?? "").isEmpty else {
                throw CLIError.badSetting(key: "mirror", value: CLIError.cut(text), allowed: "an http:// or https:// URL of a data root (files at <URL>/<name>/<file>)")
            }
            return url
        }
    }

    func run() throws {
        try checkArguments()
        let console = outputOptions.console()
        let mirrors = try mirrorURLs()
        let source = DataSource(directory: dataDir.map { URL(fileURLWithPath: $0) }, timeout: timeout,
                                mirrors: mirrors.isEmpty ? nil : mirrors)
        let bar = DownloadProgressBar(console: console)
        var failures: [String] = []
        for name in names {
            console.say("\(name): into \(source.downloadRoot.appendingPathComponent(name).path)")
            let files: [DownloadedFile]
            do {
                files = try source.download(name, progress: bar.update)
            } catch let error as DataError {
                bar.clear()
                failures.append("\(name): \(error)")
                console.json(["event": "download_failed", "dataset": name, "message": error.description])
                continue
            }
            bar.clear()
            for file in files {
                let how = file.source.map { "downloaded from \($0.absoluteString)" } ?? "already present"
                console.say("  \(file.path.lastPathComponent)  \(DownloadProgressBar.size(file.bytes))  \(how), checksum verified")
                console.json(["event": "file", "dataset": name, "path": file.path.path, "bytes": file.bytes,
                              "source": file.source?.absoluteString ?? NSNull()])
            }
            let fetched = files.filter { $0.source != nil }.count
            console.result("\(name): \(files.count) files verified in \(source.downloadRoot.appendingPathComponent(name).path) (\(fetched) downloaded, \(files.count - fetched) already present)")
            console.json(["event": "downloaded", "dataset": name, "folder": source.downloadRoot.appendingPathComponent(name).path,
                          "files": files.count, "fetched": fetched])
        }
        guard failures.isEmpty else {
            throw CLIError.failed(failures.joined(separator: "; ") + ". Try again to resume, pass --mirror URL for another source, or supply the files by hand (see `latent datasets`).")
        }
    }
}
