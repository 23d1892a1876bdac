/// The 64-byte block framing that MD5 and SHA-256 share (Merkle–Damgård): bytes arrive in any
/// chunks, whole blocks go to the compression function, and the tail is padded with a 1 bit,
/// zeros and the message length in bits — little-endian for MD5, big-endian for SHA-256.
struct HashBlocks {
    /// Bytes not yet mixed in: fewer than 64, waiting for a full block.
    private var pending: [UInt8] = []
    /// Bytes seen so far.
    private var length: UInt64 = 0

    init() { pending.reserveCapacity(64) }

    /// Feeds `bytes`, calling `compress` on each block completed by them.
    mutating func update(_ bytes: UnsafeRawBufferPointer, _ compress: (UnsafeRawPointer) -> Void) {
        guard let base = bytes.baseAddress else { return }
        length &+= UInt64(bytes.count)
        var offset = 0
        if !pending.isEmpty {
            let take = min(64 - pending.count, bytes.count)
            pending.append(contentsOf: UnsafeRawBufferPointer(start: base, count: take))
            offset = take
            guard pending.count == 64 else { return }
            pending.withUnsafeBytes { compress($0.baseAddress!) }
            pending.removeAll(keepingCapacity: true)
        }
        while bytes.count - offset >= 64 {
            compress(base + offset)
            offset += 64
        }
        pending.append(contentsOf: UnsafeRawBufferPointer(start: base + offset, count: bytes.count - offset))
    }

    /// Calls `compress` on the padded tail's blocks (leaving this framing unchanged, so more bytes
    /// may follow), with the length written `bigEndian` or little-endian.
    func finish(bigEndian: Bool, _ compress: (UnsafeRawPointer) -> Void) {
        var tail = pending
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        let bitLength = length &* 8
        let order = bigEndian ? Array((0..<8).reversed()) : Array(0..<8)
        for i in order { tail.append(UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(i)))) }
        tail.withUnsafeBytes { raw in
            for block in 0..<(tail.count / 64) { compress(raw.baseAddress! + block * 64) }
        }
    }
}
