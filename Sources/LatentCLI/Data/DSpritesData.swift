import Foundation
import Latent

/// `--data dsprites`: the original dSprites archive when it is in a data folder (as
/// `dsprites/dsprites_ndarray_co1sh3sc6or40x32y32_64x64.npz` or directly in the folder), else the
/// same factor grid rendered by `Sprites`. Either way the examples are the same factor draws, so
/// a run's data differ between the two only in their pixels; the split's name says which was used.
enum DSpritesData {
    /// Where the archive is, or nil.
    static func locate(_ source: DataSource) -> URL? {
        for root in source.searchRoots {
            for candidate in [root.appendingPathComponent("dsprites").appendingPathComponent(DSprites.fileName),
                              root.appendingPathComponent(DSprites.fileName)]
            where FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var stores: [String: DSprites.Store] = [:]

    /// The images of the archive at `url`, read once per process (the metrics reuse them).
    static func store(_ url: URL) throws -> DSprites.Store {
        lock.lock()
        defer { lock.unlock() }
        if let hit = stores[url.path] { return hit }
        do {
            let store = try DSprites.Store(contentsOf: url)
            stores[url.path] = store
            return store
        } catch let error as DataError {
            throw CLIError.failed("dataset 'dsprites': \(error) — remove or replace the file to use the generated grid")
        }
    }

    /// The renderer of factor rows: the archive's images when present, else `Sprites.render`.
    static func renderer(_ source: DataSource) throws -> (name: String, render: ([[Int]]) throws -> SpriteSet) {
        guard let url = locate(source) else { return ("dsprites, generated grid", { Sprites.render($0) }) }
        let store = try store(url)
        return ("dsprites, original file", { try store.render($0) })
    }

    /// `trainSize` and `testSize` sprites with factors drawn uniformly (independent generators,
    /// as `sprites` draws them), labelled with their factor indices.
    static func load(source: DataSource, trainSize: Int, testSize: Int, seed: UInt64) throws -> DatasetSplits {
        let (name, render) = try renderer(source)
        func draw(_ count: Int, _ generator: RandomGenerator) throws -> Dataset {
            let rows = (0..<count).map { _ in Sprites.factorSizes.map { generator.nextInt(below: $0) } }
            let set = try render(rows)
            return Dataset(name: name, inputs: set.images, labels: set.factorIndices)
        }
        return DatasetSplits(train: try draw(trainSize, RandomGenerator(seed: seed ^ 0x5971)),
                             test: try draw(testSize, RandomGenerator(seed: seed ^ 0x7E57)))
    }
}
