import Foundation
import XCTest
import LatentNN

/// Starting `latent` in the background and stopping it with signals, for the interruption tests.
extension LatentRunner {
    /// A `latent` process running in the background, its output going to files in the scratch folder.
    struct Background {
        let process: Process
        let stdout: URL
        let stderr: URL

        /// Sends `signal` (SIGINT, SIGTERM, SIGKILL…).
        func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

        /// Waits for the exit and returns what the process printed and returned.
        func wait() -> Outcome {
            process.waitUntilExit()
            let out = (try? String(contentsOf: stdout, encoding: .utf8)) ?? ""
            let err = (try? String(contentsOf: stderr, encoding: .utf8)) ?? ""
            let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
            return Outcome(status: status, stdout: out, stderr: err)
        }
    }

    /// Starts `latent arguments…` in the scratch folder without waiting for it.
    func start(_ arguments: [String]) throws -> Background { try start(process: process(arguments)) }

    /// Starts `process` without waiting for it, its output going to files in the scratch folder.
    func start(process: Process) throws -> Background {
        let tag = UUID().uuidString
        let stdout = path(".out-\(tag)"), stderr = path(".err-\(tag)")
        FileManager.default.createFile(atPath: stdout.path, contents: nil)
        FileManager.default.createFile(atPath: stderr.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        process.standardInput = FileHandle.nullDevice
        try LatentRunner.launch(process)
        return Background(process: process, stdout: stdout, stderr: stderr)
    }

    /// Waits (up to `timeout` seconds) until `file` exists in the scratch folder.
    func waitFor(_ file: String, timeout: Double = 120) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: path(file).path) { return true }
            usleep(20_000)
        }
        return false
    }

    /// Asserts that two checkpoints hold the same tensors, byte for byte, and the same metadata
    /// apart from wall-clock seconds inside the stored epoch history.
    static func assertSameCheckpoint(_ a: URL, _ b: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let x = try SafeTensorsFile(contentsOf: a), y = try SafeTensorsFile(contentsOf: b)
        XCTAssertEqual(x.names, y.names, file: file, line: line)
        for name in x.names where y.entries[name] != nil {
            XCTAssertEqual(try x.tensor(named: name).scalars, try y.tensor(named: name).scalars, "tensor \(name) differs", file: file, line: line)
        }
        func withoutSeconds(_ metadata: [String: String]) -> [String: String] {
            var m = metadata
            if let text = m["trainer.history"], let lines = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String] {
                m["trainer.history"] = lines.map { $0.replacingOccurrences(of: #""seconds":[0-9.e+-]+,"#, with: "", options: .regularExpression) }
                    .joined(separator: "\n")
            }
            return m
        }
        XCTAssertEqual(withoutSeconds(x.metadata), withoutSeconds(y.metadata), file: file, line: line)
    }
}
