import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `latent` executable (built beside the test bundle because the test target
/// depends on it) in a scratch folder, with no terminal attached, as CI and scripts would.
struct LatentRunner {
    /// What one run printed and returned.
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        /// The child died by a signal (`status` is then the signal number).
        var signalled = false
        /// The child outlived its timeout and was killed.
        var timedOut = false
        /// Wall-clock seconds from start to exit.
        var seconds = 0.0
    }

    /// The scratch folder runs start in (removed after the test).
    let folder: URL

    /// A runner in an existing folder that outlives any one test (shared fixtures); the caller removes it.
    init(folder: URL) throws {
        self.folder = folder
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    init(_ test: XCTestCase) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("latent-cli-\(UUID().uuidString)")
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

    /// The `latent` executable the runs start: `$LATENT_EXECUTABLE` when set (e.g. a release build,
    /// for the long hostile-input run), else the one built beside the tests.
    static var executable: URL {
        if let path = ProcessInfo.processInfo.environment["LATENT_EXECUTABLE"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return productsDirectory.appendingPathComponent("latent")
    }

    /// A `latent` process (not started) for `arguments` in `directory` (default `folder`), with one
    /// kernel thread; on Linux `memoryLimitMB` caps its address space (`ulimit -v`) so a runaway
    /// allocation fails in the child instead of starving the machine.
    func process(_ arguments: [String], in directory: URL? = nil, memoryLimitMB: Int? = nil) -> Process {
        let process = Process()
        process.executableURL = LatentRunner.executable
        process.arguments = arguments
        #if os(Linux)
        if let limit = memoryLimitMB {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -v \(limit * 1024) && exec \"$0\" \"$@\"", LatentRunner.executable.path] + arguments
        }
        #endif
        process.currentDirectoryURL = directory ?? folder
        var environment = ProcessInfo.processInfo.environment
        environment["LATENT_NUM_THREADS"] = "1"
        process.environment = environment
        return process
    }

    /// Serializes `Process.run()`: swift-corelibs-foundation's launch is not thread-safe (two
    /// concurrent launches crashed the test process in Process.run), and the hostile-input and
    /// matrix suites start children from two threads.
    private static let launchLock = NSLock()

    /// Starts `process`, one launch at a time.
    static func launch(_ process: Process) throws {
        launchLock.lock()
        defer { launchLock.unlock() }
        try process.run()
    }

    /// Runs `latent arguments…` in `folder` and waits for it.
    @discardableResult
    func run(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> Outcome {
        let process = self.process(arguments)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try LatentRunner.launch(process)
        // Read before waiting, so a full pipe cannot block the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                       stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Runs `latent arguments…` in `directory` (default `folder`), killing it (SIGKILL) after `timeout`
    /// seconds, with `memoryLimitMB` as in `process(_:in:memoryLimitMB:)`. Reports a death by signal.
    func run(_ arguments: [String], timeout: TimeInterval, memoryLimitMB: Int? = nil, in directory: URL? = nil) throws -> Outcome {
        try LatentRunner.collect(process(arguments, in: directory, memoryLimitMB: memoryLimitMB), timeout: timeout)
    }

    /// Starts `process`, reads its output, and waits for it, killing it (SIGKILL) after `timeout` seconds.
    static func collect(_ process: Process, timeout: TimeInterval) throws -> Outcome {
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        let start = Date()
        try LatentRunner.launch(process)
        final class Box: @unchecked Sendable { var data = Data() }
        let stdout = Box(), stderr = Box(), readers = DispatchGroup()
        DispatchQueue.global().async(group: readers) { stdout.data = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: readers) { stderr.data = err.fileHandleForReading.readDataToEndOfFile() }
        var timedOut = false
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
        }
        readers.wait()
        let seconds = Date().timeIntervalSince(start)
        return Outcome(status: process.terminationStatus, stdout: String(decoding: stdout.data, as: UTF8.self),
                       stderr: String(decoding: stderr.data, as: UTF8.self),
                       signalled: process.terminationReason == .uncaughtSignal, timedOut: timedOut, seconds: seconds)
    }

    /// Runs and fails the test unless the exit status is 0.
    @discardableResult
    func succeed(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> Outcome {
        let outcome = try run(arguments)
        XCTAssertEqual(outcome.status, 0, "latent \(arguments.joined(separator: " ")) failed:\n\(outcome.stderr)\n\(outcome.stdout)",
                       file: file, line: line)
        return outcome
    }

    /// A path inside the scratch folder.
    func path(_ name: String) -> URL { folder.appendingPathComponent(name) }

    /// The JSON objects of a `--json` run's standard output (every line must parse).
    static func jsonLines(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { row in
            let object = try? JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any]
            XCTAssertNotNil(object, "not a JSON object: \(row)", file: file, line: line)
            return object
        }
    }

    /// The `"eval"` event of a `latent eval --json` run's standard output.
    static func evalEvent(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        try XCTUnwrap(jsonLines(text, file: file, line: line).first { $0["event"] as? String == "eval" },
                      "no eval event in: \(text)", file: file, line: line)
    }

    /// The metrics of a `latent eval --json` run.
    static func evalMetrics(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Double] {
        try XCTUnwrap(try evalEvent(text, file: file, line: line)["metrics"] as? [String: Double], file: file, line: line)
    }
}
