import Foundation
import LatentTensor

/// An array read from a file, with the element type it was stored as.
public struct StoredArray {
    /// The values as Float32, in the stored shape.
    public var values: Tensor
    /// The element type in the file (uint8 pixels are 0…255, float pixels usually 0…1).
    public var type: ScalarType
}

/// NumPy's `.npz` files (`numpy.savez`, `numpy.savez_compressed`): a zip archive of `.npy` files,
/// one per array, named after the array's key (`x.npy` holds the array saved as `x=`).
public enum NPZ {
    /// The keys of the arrays in the archive at `url`, in archive order (entry names without `.npy`).
    public static func keys(_ url: URL) throws -> [String] {
        try ZipArchive(contentsOf: url).entries.map(\.name).filter { $0.hasSuffix(".npy") }.map { String($0.dropLast(4)) }
    }

    /// The arrays stored under `keys` (every `.npy` entry when nil), by key. An entry that cannot
    /// be read as a numeric array (a pickled object array such as dSprites' `metadata`) is skipped
    /// when `keys` is nil and an error naming the entry otherwise.
    public static func read(_ url: URL, keys: [String]? = nil) throws -> [String: StoredArray] {
        let archive = try ZipArchive(contentsOf: url)
        var arrays: [String: StoredArray] = [:]
        for key in keys ?? archive.entries.map(\.name).filter({ $0.hasSuffix(".npy") }).map({ String($0.dropLast(4)) }) {
            guard let entry = archive.entry(named: key + ".npy") else {
                let present = archive.entries.map(\.name).joined(separator: ", ")
                throw DataError(path: url.path, "has no array '\(key)' (no entry \(key).npy; entries: \(present.isEmpty ? "none" : present))")
            }
            do {
                arrays[key] = try NPY.decodeTyped(archive.contents(of: entry), path: "\(url.path):\(entry.name)")
            } catch let error as DataError where keys == nil && error.problem.hasPrefix("unsupported dtype") {
                continue
            }
        }
        return arrays
    }
}
