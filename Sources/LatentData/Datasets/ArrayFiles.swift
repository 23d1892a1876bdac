import Foundation
import LatentTensor

/// Arrays of the user's own, from `.npy`, `.npz` and `.csv` files, read as examples: a 2-D array
/// `[N, D]` is N points of D features (tabular data for flows); a 3-D array `[N, H, W]` or a 4-D
/// array `[N, C, H, W]` (or `[N, H, W, C]`, NumPy's usual image order, when axis 1 is not 1 or 3
/// but the last axis is) with C = 1 or 3 is images, which must be uint8 (0…255, scaled to [0, 1]) or
/// already in [0, 1].
///
/// Which arrays are read:
/// - `.npy` file: one array, no labels; a folder: `train.npy` and `test.npy` (the layout of the
///   MAF-preprocessed UCI sets; a `validation.npy` beside them is not read).
/// - `.npz`: inputs under `train`/`test`, `x_train`/`x_test`, `x`, or `arr_0` (the first found,
///   in that order), labels under `y_train`/`y_test` or `y`.
/// - `.csv`: numbers with an optional header row (detected: a first row that is not all
///   numbers); a header column named `label` becomes the labels.
///
/// Labels are class indices 0, 1, 2, … (whole numbers). Every value must be finite. Errors name the
/// file, the array, the row or index and what was expected.
public enum ArrayFiles {
    /// Examples of one split.
    public struct Examples {
        /// `[N, D]` points or `[N, C, H, W]` images in [0, 1].
        public var inputs: Tensor
        /// `[N]` class indices, or nil.
        public var labels: Tensor?

        /// The examples as a `Dataset` called `name`.
        public func dataset(name: String) -> Dataset { Dataset(name: name, inputs: inputs, labels: labels) }
    }

    /// What a file holds: its training examples and, when the file separates them, its test examples.
    public struct Parts {
        public var train: Examples
        public var test: Examples?
    }

    /// An `.npy` file, or a folder with `train.npy` and `test.npy`.
    public static func loadNPY(_ url: URL) throws -> Parts {
        var directory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &directory), directory.boolValue {
            let train = url.appendingPathComponent("train.npy"), test = url.appendingPathComponent("test.npy")
            for file in [train, test] where !FileManager.default.fileExists(atPath: file.path) {
                throw DataError(path: file.path, "not found; a folder given as npy:DIR must hold train.npy and test.npy")
            }
            let trainPart = try examples(NPY.decodeTyped(readFileBytes(train), path: train.path), path: train.path)
            let testPart = try examples(NPY.decodeTyped(readFileBytes(test), path: test.path), path: test.path)
            try checkSameShape(trainPart, testPart, path: test.path)
            return Parts(train: Examples(inputs: trainPart, labels: nil), test: Examples(inputs: testPart, labels: nil))
        }
        return Parts(train: Examples(inputs: try examples(NPY.decodeTyped(readFileBytes(url), path: url.path), path: url.path), labels: nil), test: nil)
    }

    /// An `.npz` archive (see the type's documentation for the keys read).
    public static func loadNPZ(_ url: URL) throws -> Parts {
        let keys = try NPZ.keys(url)
        let pairs: [(String, String?, String?)] = [("train", "test", nil), ("x_train", "x_test", "y_train"), ("x", nil, "y"), ("arr_0", nil, nil)]
        guard let (inputKey, testKey, labelKey) = pairs.first(where: { keys.contains($0.0) }) else {
            throw DataError(path: url.path, "has the arrays \(keys.isEmpty ? "none" : keys.joined(separator: ", ")); expected inputs under train (and test), x_train (and x_test), x, or arr_0")
        }
        func part(_ key: String, labels: String?) throws -> Examples {
            let name = "\(url.path):\(key)"
            let arrays = try NPZ.read(url, keys: [key] + (labels.map { keys.contains($0) ? [$0] : [] } ?? []))
            let inputs = try examples(arrays[key]!, path: name)
            let y = try labels.flatMap { arrays[$0] }.map { try classLabels($0.values, count: inputs.shape[0], path: "\(url.path):\(labels!)") }
            return Examples(inputs: inputs, labels: y)
        }
        let train = try part(inputKey, labels: labelKey)
        guard let testKey, keys.contains(testKey) else { return Parts(train: train, test: nil) }
        let test = try part(testKey, labels: labelKey == "y_train" ? "y_test" : nil)
        try checkSameShape(train.inputs, test.inputs, path: "\(url.path):\(testKey)")
        guard (train.labels == nil) == (test.labels == nil) else {
            throw DataError(path: url.path, "has labels for only one split (y_train and y_test go together)")
        }
        return Parts(train: train, test: test)
    }

    /// A `.csv` file of numbers (header optional; a `label` column becomes the labels).
    public static func loadCSV(_ url: URL) throws -> Parts {
        let bytes = try readPossiblyGzipped(url)
        let firstLine = String(decoding: bytes.prefix(1 << 16).split(separator: 0x0A, omittingEmptySubsequences: true).first ?? [], as: UTF8.self)
        let cells = firstLine.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \t\r\"'")) }
        let hasHeader = cells.contains { Double($0) == nil }
        let labelColumn = hasHeader ? cells.firstIndex { $0.lowercased() == "label" } : nil
        let table = try CSV.decode(bytes, path: url.path, hasHeader: hasHeader, labelColumn: labelColumn)
        guard table.values.shape[1] > 0 else { throw DataError(path: url.path, "has only a label column; expected feature columns beside it") }
        try checkFinite(table.values, path: url.path, what: "data row", offset: 1)
        let labels = try table.labels.map { try classLabels($0, count: table.values.shape[0], path: "\(url.path) (column 'label')") }
        return Parts(train: Examples(inputs: table.values, labels: labels), test: nil)
    }

    /// The examples an array holds: points `[N, D]` or images `[N, C, H, W]` in [0, 1].
    static func examples(_ array: StoredArray, path: String) throws -> Tensor {
        let shape = array.values.shape
        guard let n = shape.first, n > 0, !shape.contains(0) else {
            throw DataError(path: path, "holds an empty array of shape \(shape); expected at least one example")
        }
        switch shape.count {
        case 2:
            try checkFinite(array.values, path: path, what: "row", offset: 0)
            return array.values
        case 3, 4:
            var images = shape.count == 3 ? array.values.reshaped([n, 1, shape[1], shape[2]]) : array.values
            if shape.count == 4 && ![1, 3].contains(shape[1]) && [1, 3].contains(shape[3]) {
                images = images.permuted([0, 3, 1, 2])
            }
            let channels = images.shape[1]
            guard channels == 1 || channels == 3 else {
                throw DataError(path: path, "images of shape \(shape) have \(channels) channels; expected [N, H, W], [N, C, H, W] or [N, H, W, C] with C = 1 (gray) or 3 (RGB)")
            }
            if array.type == .uint8 { return images * (1 / 255) }
            let values = images.scalars
            if let bad = values.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
                throw DataError(path: path, "image \(bad / (values.count / n)) has the pixel value \(values[bad]); images must be uint8 (0…255) or numbers in [0, 1]")
            }
            return images
        default:
            throw DataError(path: path, "has shape \(shape), which is not understood; expected [N, D] points, [N, H, W] or [N, C, H, W] images")
        }
    }

    /// `values` as `[N]` class indices: whole numbers ≥ 0, one per example.
    static func classLabels(_ values: Tensor, count: Int, path: String) throws -> Tensor {
        guard values.shape == [count] else {
            throw DataError(path: path, "labels of shape \(values.shape); expected one per example, [\(count)]")
        }
        let labels = values.scalars
        if let bad = labels.firstIndex(where: { !($0 >= 0 && $0 < 100_000 && $0.rounded() == $0) }) {
            throw DataError(path: path, "label \(bad) is \(labels[bad]); labels must be class indices 0, 1, 2, … (whole numbers below 100000)")
        }
        return values
    }

    /// Refuses NaN and ±∞, naming the first one's row (counted from `offset`) and column.
    static func checkFinite(_ values: Tensor, path: String, what: String, offset: Int) throws {
        let scalars = values.scalars, width = max(1, values.shape.dropFirst().reduce(1, *))
        if let bad = scalars.firstIndex(where: { !$0.isFinite }) {
            throw DataError(path: path, "\(what) \(bad / width + offset), column \(bad % width + 1) is \(scalars[bad]); every value must be a finite number")
        }
    }

    private static func checkSameShape(_ train: Tensor, _ test: Tensor, path: String) throws {
        guard Array(train.shape.dropFirst()) == Array(test.shape.dropFirst()) else {
            throw DataError(path: path, "test examples have shape \(Array(test.shape.dropFirst())), training examples \(Array(train.shape.dropFirst())); both splits must match")
        }
    }
}
