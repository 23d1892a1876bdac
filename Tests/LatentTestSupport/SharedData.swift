import Foundation
import XCTest

/// The shared test data root: `$LATENT_DATA` if set, else `../shared/data` next to the
/// repository (found from this file's path, so it works from any working directory). Tests that
/// need the real datasets skip, naming where they looked, when neither has MNIST.
public func sharedDataRoot() throws -> URL {
    var candidates: [URL] = []
    if let env = ProcessInfo.processInfo.environment["LATENT_DATA"], !env.isEmpty {
        candidates.append(URL(fileURLWithPath: env))
    }
    let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    candidates.append(repository.deletingLastPathComponent().appendingPathComponent("shared/data"))
    for root in candidates where FileManager.default.fileExists(atPath: root.appendingPathComponent("mnist").path) {
        return root
    }
    throw XCTSkip("no MNIST data: set LATENT_DATA or provide ../shared/data (looked in \(candidates.map(\.path)))")
}
