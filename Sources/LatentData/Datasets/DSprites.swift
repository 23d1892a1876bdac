import Foundation
import LatentTensor

/// The original dSprites file (Matthey et al., 2017, github.com/deepmind/dsprites-dataset):
/// `dsprites_ndarray_co1sh3sc6or40x32y32_64x64.npz`, a `numpy.savez_compressed` archive of
/// `imgs` (uint8 `[737280, 64, 64]`, pixels 0 or 1), `latents_classes` (int64 `[737280, 6]`: colour,
/// shape, scale, orientation, posX, posY indices), `latents_values` and a pickled `metadata`.
///
/// `Store` keeps every image bit-packed (512 bytes each, 377 MB for the whole set) and hands out
/// the images of any factor combinations, so the training data and the disentanglement metrics
/// (which ask for images of chosen factors) use the published pixels. Factors are indexed as in
/// `Sprites` (shape, scale, rotation, x, y — dSprites' own order without the one-valued colour).
public enum DSprites {
    /// The file's name in the dSprites repository.
    public static let fileName = "dsprites_ndarray_co1sh3sc6or40x32y32_64x64.npz"

    /// The images of a dSprites file, bit-packed, addressed by factor indices.
    public final class Store {
        /// Number of images held.
        public let count: Int
        /// Bit-packed images, 512 bytes each (bit 7 of byte 0 = pixel (0, 0), row-major).
        private var bits: [UInt8]
        /// Position in `bits` of each factor combination (row-major over `Sprites.factorSizes`), −1 if absent.
        private var position: [Int32]

        /// Reads the archive at `url`. Throws a `DataError` naming the file, the array and what was
        /// expected when it is not a dSprites file (missing arrays, other shapes, pixels other than 0/1).
        public init(contentsOf url: URL) throws {
            let archive = try ZipArchive(contentsOf: url)
            for key in ["imgs", "latents_classes"] where archive.entry(named: key + ".npy") == nil {
                throw DataError(path: url.path, "has no \(key) array; expected the dSprites archive \(DSprites.fileName)")
            }
            let classes = try NPY.decode(archive.contents(of: archive.entry(named: "latents_classes.npy")!), path: url.path + ":latents_classes")
            guard classes.rank == 2, classes.shape[1] == 6, classes.shape[0] > 0 else {
                throw DataError(path: url.path, "latents_classes has shape \(classes.shape); expected [N, 6] (colour, shape, scale, orientation, x, y)")
            }
            let n = classes.shape[0]
            count = n
            position = [Int32](repeating: -1, count: Sprites.factorSizes.reduce(1, *))
            let c = classes.scalars
            for i in 0..<n {
                var index = 0
                for f in 0..<5 {
                    let v = Int(c[6 * i + 1 + f]), size = Sprites.factorSizes[f]
                    guard (0..<size).contains(v) else {
                        throw DataError(path: url.path, "latents_classes row \(i) has \(Sprites.factorNames[f]) index \(v); expected 0…\(size - 1)")
                    }
                    index = index * size + v
                }
                position[index] = Int32(i)
            }
            bits = [UInt8](repeating: 0, count: n * 512)
            try Store.unpack(archive, into: &bits, images: n, path: url.path)
        }

        /// Streams `imgs` through inflate, packing 8 pixels per byte.
        private static func unpack(_ archive: ZipArchive, into bits: inout [UInt8], images n: Int, path: String) throws {
            var head: [UInt8] = []
            var header: NPY.Header?
            var pixel = 0
            var badPixel: (Int, UInt8)?
            let name = path + ":imgs"
            try archive.stream(archive.entry(named: "imgs.npy")!) { piece in
                var start = 0
                if header == nil {
                    head.append(contentsOf: piece)
                    guard head.count >= 4096 || head.count >= 10 && (try? NPY.parseHeader(head, path: name)) != nil else { return }
                    let h = try NPY.parseHeader(head, path: name)
                    guard h.type == .uint8, h.shape == [n, 64, 64], !h.fortranOrder else {
                        throw DataError(path: name, "holds \(h.type.rawValue) of shape \(h.shape); expected uint8 [\(n), 64, 64] (as many images as latents_classes rows)")
                    }
                    header = h
                    let rest = Array(head[h.dataStart...])
                    head = []
                    try rest.withUnsafeBufferPointer { try pack($0[...]) }
                    start = piece.count
                }
                if start < piece.count { try pack(piece[start...]) }
            }
            func pack(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) throws {
                bits.withUnsafeMutableBufferPointer { out in
                    for v in bytes {
                        if v > 1 && badPixel == nil { badPixel = (pixel, v) }
                        if v != 0 && pixel < out.count * 8 { out[pixel >> 3] |= 0x80 >> UInt8(pixel & 7) }
                        pixel += 1
                    }
                }
            }
            if let (at, value) = badPixel {
                throw DataError(path: name, "image \(at / 4096) has the pixel value \(value); dSprites pixels are 0 or 1")
            }
            guard header != nil, pixel == n * 4096 else {
                throw DataError(path: name, "holds \(pixel) pixels; expected \(n) images of 64×64")
            }
        }

        /// The images with the given factor indices (rows of 5, as `Sprites.render` takes them),
        /// `[N, 1, 64, 64]` in {0, 1}, with their factors. Throws when the file lacks a combination.
        public func render(_ factorIndices: [[Int]]) throws -> SpriteSet {
            var pixels = [Float](repeating: 0, count: factorIndices.count * 4096)
            var values = [Float](), indices = [Float]()
            for (i, row) in factorIndices.enumerated() {
                require(row.count == 5 && zip(row, Sprites.factorSizes).allSatisfy { $0 >= 0 && $0 < $1 },
                        "DSprites.Store.render: row \(i) is \(row); expected 5 indices below \(Sprites.factorSizes)")
                let index = zip(row, Sprites.factorSizes).reduce(0) { $0 * $1.1 + $1.0 }
                let at = Int(position[index])
                guard at >= 0 else { throw DataError(path: DSprites.fileName, "has no image for the factor indices \(row)") }
                bits.withUnsafeBufferPointer { b in
                    for p in 0..<4096 where b[at * 512 + (p >> 3)] & (0x80 >> UInt8(p & 7)) != 0 { pixels[i * 4096 + p] = 1 }
                }
                for f in 0..<5 {
                    values.append(Sprites.factorValue(f, index: row[f]))
                    indices.append(Float(row[f]))
                }
            }
            let n = factorIndices.count
            return SpriteSet(images: Tensor(shape: [n, 1, 64, 64], scalars: pixels), factors: Tensor(shape: [n, 5], scalars: values),
                             factorIndices: Tensor(shape: [n, 5], scalars: indices))
        }
    }
}
