import Foundation
import LatentTensor

/// A folder of PNG images as a dataset, the way torchvision's `ImageFolder` reads one.
///
/// Layout: `PATH/<class>/*.png` gives labelled images, the classes being the sub-folder names in
/// sorted order (label i = the i-th name); `PATH/*.png` gives unlabelled images. When `PATH` holds
/// `train/` and `test/` sub-folders, each is read that way and they are the two splits (the test
/// split's classes must be among the training split's). Files not ending in `.png` and hidden files
/// are ignored; a folder mixing images and class sub-folders is refused.
///
/// Every image must have the same width and height. The dataset is grayscale (`C = 1`) when every
/// image is gray (gray colour types, or R = G = B everywhere) and RGB (`C = 3`) otherwise; pixels
/// are `[N, C, H, W]` Float32 in [0, 1] on 256 levels (sample / 255, 16-bit files rounded to 8
/// bits), alpha composited over black.
public enum ImageFolder {
    /// The images of one folder.
    public struct Contents {
        /// `[N, C, H, W]` in [0, 1].
        public var images: Tensor
        /// `[N]` class indices, or nil for unlabelled images.
        public var labels: Tensor?
        /// The class names (sub-folder names), sorted; empty for unlabelled images.
        public var classNames: [String]

        /// The images as a `Dataset` called `name`.
        public func dataset(name: String) -> Dataset { Dataset(name: name, inputs: images, labels: labels) }
    }

    /// The folder at `url`: its training images and, when it has `train/` and `test/`, its test images.
    public static func load(_ url: URL) throws -> (train: Contents, test: Contents?) {
        let trainURL = url.appendingPathComponent("train"), testURL = url.appendingPathComponent("test")
        guard isDirectory(url) else { throw DataError(path: url.path, "no such folder (expected a folder of PNG images)") }
        if isDirectory(trainURL) && isDirectory(testURL) {
            let train = try list(trainURL), test = try list(testURL)
            if let stray = test.classes.first(where: { !train.classes.contains($0) }) {
                throw DataError(path: testURL.appendingPathComponent(stray).path, "class '\(stray)' of the test split has no training images (training classes: \(train.classes.joined(separator: ", ")))")
            }
            guard train.classes.isEmpty == test.classes.isEmpty else {
                throw DataError(path: url.path, "train/ and test/ must both hold class sub-folders or both hold images directly")
            }
            let decoded = try decode(train.files + test.files)
            let gray = decoded.allSatisfy(\.isGray)
            // Test labels renumbered to the training classes (every test class is one of them, checked above).
            let testLabels = test.labels.compactMap { train.classes.firstIndex(of: test.classes[$0]) }
            func labels(_ values: [Int]) -> Tensor? { train.classes.isEmpty ? nil : Tensor(values.map(Float.init)) }
            return (Contents(images: assemble(Array(decoded.prefix(train.files.count)), gray: gray), labels: labels(train.labels), classNames: train.classes),
                    Contents(images: assemble(Array(decoded.suffix(test.files.count)), gray: gray), labels: labels(testLabels), classNames: train.classes))
        }
        let all = try list(url)
        let decoded = try decode(all.files)
        let images = assemble(decoded, gray: decoded.allSatisfy(\.isGray))
        return (Contents(images: images, labels: all.classes.isEmpty ? nil : Tensor(all.labels.map(Float.init)), classNames: all.classes), nil)
    }

    /// The PNG files of one folder (sorted), with a class index per file when it has class sub-folders.
    static func list(_ url: URL) throws -> (files: [URL], labels: [Int], classes: [String]) {
        let entries = try visibleEntries(url)
        let folders = entries.filter(isDirectory), images = entries.filter(isPNG)
        if !folders.isEmpty && !images.isEmpty {
            throw DataError(path: url.path, "holds both images (\(images[0].lastPathComponent)) and sub-folders (\(folders[0].lastPathComponent)); put every image in a class sub-folder, or none")
        }
        if folders.isEmpty {
            guard !images.isEmpty else { throw DataError(path: url.path, "holds no .png images and no class sub-folders") }
            return (images, [], [])
        }
        var files: [URL] = [], labels: [Int] = []
        for (index, folder) in folders.enumerated() {
            let inside = try visibleEntries(folder).filter(isPNG)
            guard !inside.isEmpty else { throw DataError(path: folder.path, "class folder '\(folder.lastPathComponent)' holds no .png images") }
            files += inside
            labels += Array(repeating: index, count: inside.count)
        }
        return (files, labels, folders.map(\.lastPathComponent))
    }

    private static func visibleEntries(_ url: URL) throws -> [URL] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: url.path) } catch {
            throw DataError(path: url.path, "cannot list the folder: \(error.localizedDescription)")
        }
        return names.filter { !$0.hasPrefix(".") }.sorted().map { url.appendingPathComponent($0) }
    }

    private static func isDirectory(_ url: URL) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &directory) && directory.boolValue
    }

    private static func isPNG(_ url: URL) -> Bool { url.pathExtension.lowercased() == "png" && !isDirectory(url) }

    /// Every file decoded, checked to share the first one's size.
    private static func decode(_ files: [URL]) throws -> [PNGDecoder.Image] {
        var images: [PNGDecoder.Image] = []
        images.reserveCapacity(files.count)
        for file in files {
            let image = try PNGDecoder.read(file)
            if let first = images.first, first.width != image.width || first.height != image.height {
                throw DataError(path: file.path, "is \(image.width)×\(image.height) but \(files[0].lastPathComponent) is \(first.width)×\(first.height); every image must have the same size (resize them first)")
            }
            images.append(image)
        }
        return images
    }

    /// `[N, C, H, W]` pixels in [0, 1] of decoded images.
    private static func assemble(_ images: [PNGDecoder.Image], gray: Bool) -> Tensor {
        guard let first = images.first else { return Tensor.zeros([0, gray ? 1 : 3, 1, 1]) }
        let (h, w, c) = (first.height, first.width, gray ? 1 : 3)
        var pixels = [Float](repeating: 0, count: images.count * c * h * w)
        for (n, image) in images.enumerated() {
            let step = image.channels
            let base = n * c * h * w
            image.samples.withUnsafeBufferPointer { s in
                for p in 0..<(h * w) {
                    let alpha: Float = image.hasAlpha ? Float(s[p * step + step - 1]) / 255 : 1
                    for ch in 0..<c {
                        let source = image.colorChannels == 1 ? 0 : ch
                        pixels[base + ch * h * w + p] = Float(s[p * step + source]) / 255 * alpha
                    }
                }
            }
        }
        return Tensor(shape: [images.count, c, h, w], scalars: pixels)
    }
}

extension PNGDecoder.Image {
    /// Whether the image is gray: one colour channel, or R = G = B in every pixel.
    var isGray: Bool {
        guard colorChannels == 3 else { return true }
        let step = channels
        for p in 0..<(width * height) where samples[p * step] != samples[p * step + 1] || samples[p * step] != samples[p * step + 2] {
            return false
        }
        return true
    }
}
