import Foundation
import XCTest

/// Runs one of the built `example-…` executables (built beside the test bundle because the test
/// target depends on them) in a scratch folder, with one kernel thread, and collects its output.
struct ExampleRunner {
    /// What one run printed and returned.
    struct Outcome {
        var status: Int32
        var output: String
    }

    /// The scratch folder runs start in (removed after the test).
    let folder: URL

    init(_ test: XCTestCase) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("latent-examples-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    }

    /// The directory holding the built products.
    static var productsDirectory: URL {
        #if os(macOS)
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        #endif
        return Bundle.main.bundleURL
    }

    /// Runs `products/name arguments…` in `folder`; standard error is merged into `output`.
    func run(_ name: String, _ arguments: [String]) throws -> Outcome {
        let process = Process()
        process.executableURL = ExampleRunner.productsDirectory.appendingPathComponent(name)
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment["LATENT_NUM_THREADS"] = "1"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// Runs and fails the test unless the exit status is 0; returns what it printed.
    func succeed(_ name: String, _ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let outcome = try run(name, arguments)
        XCTAssertEqual(outcome.status, 0, "\(name) \(arguments.joined(separator: " ")) failed:\n\(outcome.output)", file: file, line: line)
        return outcome.output
    }

    /// A path inside the scratch folder.
    func path(_ name: String) -> URL { folder.appendingPathComponent(name) }

    /// The numbers of the first line of `text` containing `marker`, in order (e.g. "-ELBO: 2839.1 … 301.2").
    static func numbers(in text: String, line marker: String, file: StaticString = #filePath, line: UInt = #line) throws -> [Double] {
        let row = try XCTUnwrap(text.split(separator: "\n").first { $0.contains(marker) }, "no line with '\(marker)' in:\n\(text)",
                                file: file, line: line)
        let pattern = try NSRegularExpression(pattern: "[-+]?[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?")
        let s = String(row)
        return pattern.matches(in: s, range: NSRange(s.startIndex..., in: s)).compactMap { Double(s[Range($0.range, in: s)!]) }
    }
}
