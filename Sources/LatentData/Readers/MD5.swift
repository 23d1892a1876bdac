import Foundation

/// MD5 (RFC 1321), to check downloaded and cached dataset files against their published digests.
///
/// Written here because Linux has no CryptoKit. MD5 is broken for security but remains the
/// checksum the dataset authors publish; it only guards against corrupt or wrong files.
///
/// Incremental, so a file can be hashed while it is read in chunks:
///
///     var md5 = MD5()
///     md5.update(chunk1); md5.update(chunk2)
///     let hex = md5.hexDigest()      // same as MD5.hexDigest(chunk1 + chunk2)
public struct MD5 {
    private var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476)
    /// The block framing: pending bytes and the length.
    private var blocks = HashBlocks()

    /// The hash of no bytes yet.
    public init() {}

    /// Appends `bytes` to the message.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var state = self.state
        blocks.update(bytes) { MD5.compress(&state, $0) }
        self.state = state
    }

    /// Appends `bytes` to the message.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The 16-byte digest of everything passed to `update` (the hash itself is left unchanged,
    /// so more bytes may follow).
    public func finalize() -> [UInt8] {
        // The tail: the pending bytes, a 1 bit, zeros, and the message length in bits (little-endian).
        var state = self.state
        blocks.finish(bigEndian: false) { MD5.compress(&state, $0) }
        var out: [UInt8] = []
        for word in [state.0, state.1, state.2, state.3] {
            for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: word >> (8 * UInt32(i)))) }
        }
        return out
    }

    /// `finalize()` as 32 lowercase hex digits, the form published next to dataset files.
    public func hexDigest() -> String {
        finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The 16-byte digest of `bytes`.
    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        var md5 = MD5()
        md5.update(bytes)
        return md5.finalize()
    }

    /// The digest of `bytes` as 32 lowercase hex digits.
    public static func hexDigest(_ bytes: [UInt8]) -> String {
        var md5 = MD5()
        md5.update(bytes)
        return md5.hexDigest()
    }

    /// The sine-derived constants K[i] = ⌊|sin(i + 1)| · 2³²⌋ (exact in double precision).
    private static let constants: [UInt32] = (0..<64).map { UInt32(abs(sin(Double($0 + 1))) * 4_294_967_296) }

    /// Left-rotation amounts, four per round.
    private static let shifts: [UInt32] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]

    /// Mixes one 64-byte block into the state (the 64 steps of RFC 1321 §3.4).
    private static func compress(_ state: inout (UInt32, UInt32, UInt32, UInt32), _ block: UnsafeRawPointer) {
        var m = (UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0),
                 UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0))
        withUnsafeMutableBytes(of: &m) { $0.copyMemory(from: UnsafeRawBufferPointer(start: block, count: 64)) }
        var (a, b, c, d) = state
        withUnsafeBytes(of: &m) { raw in
            let words = raw.bindMemory(to: UInt32.self)
            constants.withUnsafeBufferPointer { k in
                shifts.withUnsafeBufferPointer { s in
                    for i in 0..<64 {
                        var f: UInt32, g: Int
                        switch i >> 4 {
                        case 0: f = (b & c) | (~b & d); g = i
                        case 1: f = (d & b) | (~d & c); g = (5 &* i &+ 1) & 15
                        case 2: f = b ^ c ^ d; g = (3 &* i &+ 5) & 15
                        default: f = c ^ (b | ~d); g = (7 &* i) & 15
                        }
                        f = f &+ a &+ k[i] &+ UInt32(littleEndian: words[g])
                        let r = s[(i >> 4) << 2 | (i & 3)]
                        a = d; d = c; c = b
                        b = b &+ (f << r | f >> (32 &- r))
                    }
                }
            }
        }
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d)
    }
}
