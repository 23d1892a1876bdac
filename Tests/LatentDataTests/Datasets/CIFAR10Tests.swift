import Foundation
import XCTest
import LatentTestSupport
@testable import LatentData

/// A ustar archive of `files` (name, bytes), written the way GNU tar lays it out: a 512-byte
/// header per member (octal size, checksum over the header with its checksum field as spaces),
/// the bytes padded to 512, two zero blocks at the end. `prefix` goes in the ustar prefix field.
func tarArchive(_ files: [(name: String, bytes: [UInt8])], prefix: String = "", type: UInt8 = UInt8(ascii: "0")) -> [UInt8] {
    var out: [UInt8] = []
    for (name, bytes) in files {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int) { for (i, b) in text.utf8.enumerated() { header[offset + i] = b } }
        put(name, at: 0)
        put("0000644", at: 100)
        put(String(format: "%011o", bytes.count), at: 124)
        put("00000000000", at: 136)
        header[156] = type
        put("ustar", at: 257)
        put("00", at: 263)
        put(prefix, at: 345)
        for i in 148..<156 { header[i] = 0x20 }
        put(String(format: "%06o", header.reduce(0) { $0 + Int($1) }) + "\0 ", at: 148)
        out += header + bytes + [UInt8](repeating: 0, count: (512 - bytes.count % 512) % 512)
    }
    return out + [UInt8](repeating: 0, count: 1024)
}

/// CIFAR-10 batch bytes of `count` records: record r has label r % 10 and pixel (c, y, x) equal to
/// (r + 3c + 5y + 7x) % 256, so every position of the decoded tensor can be checked.
func cifarRecords(_ count: Int, first: Int = 0) -> [UInt8] {
    var bytes: [UInt8] = []
    for r in first..<(first + count) {
        bytes.append(UInt8(r % 10))
        for c in 0..<3 { for y in 0..<32 { for x in 0..<32 { bytes.append(UInt8((r + 3 * c + 5 * y + 7 * x) % 256)) } } }
    }
    return bytes
}

/// A synthetic CIFAR-10 in the real format under `<root>/cifar10/`: five training batches of
/// `perBatch` records and a test batch of `test`, either extracted `.bin` files in
/// `cifar-10-batches-bin/` or the gzip'd tar archive.
func writeSyntheticCIFAR10(in root: URL, perBatch: Int, test: Int, archived: Bool) throws {
    let folder = root.appendingPathComponent("cifar10")
    var files = CIFAR10.trainFiles.enumerated().map { ("cifar-10-batches-bin/\($0.element)", cifarRecords(perBatch, first: $0.offset * perBatch)) }
    files.append(("cifar-10-batches-bin/test_batch.bin", cifarRecords(test, first: 1000)))
    files.insert(("cifar-10-batches-bin/batches.meta.txt", Array("airplane\nautomobile\n".utf8)), at: 0)
    if archived {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(Gzip.compress(tarArchive(files))).write(to: folder.appendingPathComponent("cifar-10-binary.tar.gz"))
    } else {
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("cifar-10-batches-bin"), withIntermediateDirectories: true)
        for (name, bytes) in files { try Data(bytes).write(to: folder.appendingPathComponent(name)) }
    }
}

final class CIFAR10Tests: XCTestCase {
    func testDecodeLaysOutLabelsAndColourPlanes() throws {
        let set = try CIFAR10.decode(cifarRecords(3)[...], path: "batch")
        XCTAssertEqual(set.inputs.shape, [3, 3, 32, 32])
        XCTAssertEqual(set.labels?.scalars, [0, 1, 2])
        let values = set.inputs.scalars
        for (r, c, y, x) in [(0, 0, 0, 0), (1, 2, 31, 0), (2, 1, 4, 30), (2, 2, 31, 31)] {
            XCTAssertEqual(values[((r * 3 + c) * 32 + y) * 32 + x], Float((r + 3 * c + 5 * y + 7 * x) % 256) / 255,
                           accuracy: 1e-7, "record \(r) channel \(c) row \(y) column \(x)")
        }
    }

    func testArchiveAndExtractedFilesGiveTheSameSplits() throws {
        let packed = try temporaryDirectory(self), loose = try temporaryDirectory(self)
        try writeSyntheticCIFAR10(in: packed, perBatch: 4, test: 3, archived: true)
        try writeSyntheticCIFAR10(in: loose, perBatch: 4, test: 3, archived: false)
        let fromArchive = try CIFAR10.load(source: DataSource(directory: packed, verifyChecksums: false, cacheDirectory: packed))
        let fromFiles = try DatasetSplits.load(named: "cifar10", source: DataSource(directory: loose, cacheDirectory: loose))
        XCTAssertEqual(fromArchive.train.inputs.shape, [20, 3, 32, 32])
        XCTAssertEqual(fromArchive.test.inputs.shape, [3, 3, 32, 32])
        XCTAssertEqual(fromArchive.train.labels?.scalars, (0..<20).map { Float($0 % 10) }, "batches in order 1…5")
        XCTAssertEqual(fromArchive.train.inputs.scalars, fromFiles.train.inputs.scalars)
        XCTAssertEqual(fromArchive.test.inputs.scalars, fromFiles.test.inputs.scalars)
        XCTAssertEqual(fromFiles.test.inputs.scalars, try CIFAR10.decode(cifarRecords(3, first: 1000)[...], path: "t").inputs.scalars)
        // The synthetic archive is not the published one: with verification on, its size gives it away.
        assertDataError("cifar-10-binary.tar.gz", "expected the published 170052171 bytes") {
            try CIFAR10.load(source: DataSource(directory: packed, cacheDirectory: packed))
        }
    }

    func testBadBatchFilesAndArchivesAreNamed() throws {
        assertDataError("batch", "3074 bytes", "3073-byte CIFAR-10 record") { try CIFAR10.decode((cifarRecords(1) + [0])[...], path: "batch") }
        var bad = cifarRecords(2)
        bad[3073] = 11
        assertDataError("record 1", "label 11", "CIFAR-100") { try CIFAR10.decode(bad[...], path: "batch") }

        let root = try temporaryDirectory(self)
        let folder = root.appendingPathComponent("cifar10")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(Gzip.compress(tarArchive([("cifar-10-batches-py/data_batch_1", [1, 2, 3])]))).write(to: folder.appendingPathComponent("cifar-10-binary.tar.gz"))
        assertDataError("has no member cifar-10-batches-bin/data_batch_1.bin", "binary version") {
            try CIFAR10.load(source: DataSource(directory: root, verifyChecksums: false, cacheDirectory: root))
        }
        let missing = try temporaryDirectory(self)
        assertDataError("cifar10/cifar-10-binary.tar.gz", "not found", "latent datasets download cifar10") {
            try CIFAR10.load(source: DataSource(directory: missing, cacheDirectory: missing))
        }
    }

    func testTarMembersPrefixesLongNamesAndDamage() throws {
        let archive = tarArchive([("a.bin", [1, 2, 3]), ("b.bin", [UInt8](repeating: 9, count: 600))], prefix: "dir")
        let members = try Tar.members(archive, path: "t.tar")
        XCTAssertEqual(members.map(\.name), ["dir/a.bin", "dir/b.bin"])
        XCTAssertEqual(Array(archive[members[0].range]), [1, 2, 3])
        XCTAssertEqual(Array(archive[members[1].range]), [UInt8](repeating: 9, count: 600))

        let long = String(repeating: "n", count: 150)
        let gnu = tarArchive([("././@LongLink", Array(long.utf8))], type: UInt8(ascii: "L")).dropLast(1024) + tarArchive([("short", [7])])
        XCTAssertEqual(try Tar.members(Array(gnu), path: "g.tar").map(\.name), [long])

        var corrupt = archive
        corrupt[10] ^= 1
        assertDataError("t.tar", "tar header at byte 0 has checksum") { try Tar.members(corrupt, path: "t.tar") }
        assertDataError("t.tar", "truncated", "declares 600 bytes") { try Tar.members(Array(archive[..<2048]), path: "t.tar") }
        assertDataError("t.tar", "without its end-of-archive") { try Tar.members(Array(archive[..<1500]), path: "t.tar") }
    }
}
