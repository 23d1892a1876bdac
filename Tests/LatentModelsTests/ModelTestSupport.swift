import Foundation
import XCTest
import LatentTestSupport
import LatentTensor
import LatentData

/// Helpers shared by the VAE-family tests (data, folders, synthetic images).
enum ModelTestSupport {
    /// The shared test data root (see `LatentTestSupport.sharedDataRoot`).
    static func sharedDataRoot() throws -> URL { try LatentTestSupport.sharedDataRoot() }

    /// mnist-5k (4000 train / 1000 test, `[N, 1, 28, 28]` in [0, 1]), loaded once per process.
    static func mnist5k() throws -> DatasetSplits {
        if let cached = Cache.splits { return cached }
        let splits = try DatasetSplits.load(named: "mnist-5k", source: DataSource(directory: sharedDataRoot()))
        Cache.splits = splits
        return splits
    }

    private enum Cache {
        nonisolated(unsafe) static var splits: DatasetSplits?
    }

    /// A fresh empty directory, removed when the test ends.
    static func temporaryDirectory(_ test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("latent-models-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Smooth synthetic "images" in [0, 1], `[n, 1, side, side]`: random blobs, deterministic in `seed`.
    static func syntheticImages(_ n: Int, side: Int = 8, seed: UInt64 = 7) -> Tensor {
        let g = RandomGenerator(seed: seed)
        var values: [Float] = []
        for _ in 0..<n {
            let cx = Float(side) * g.nextUniform(), cy = Float(side) * g.nextUniform()
            for y in 0..<side {
                for x in 0..<side {
                    let d2 = (Float(x) - cx) * (Float(x) - cx) + (Float(y) - cy) * (Float(y) - cy)
                    values.append(Float(Foundation.exp(Double(-d2 / 6))))
                }
            }
        }
        return Tensor(shape: [n, 1, side, side], scalars: values)
    }
}
