import Foundation

// An independent reader of TensorBoard event files, written from the format descriptions
// (TFRecord framing, protobuf wire format, CRC-32C bit by bit) and sharing no code with
// `TensorBoardWriter`, so tests can check what the writer produced.


/// CRC-32C one bit at a time, straight from the definition (reflected polynomial 0x82F63B78).
public func bitwiseCRC32C(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 == 0 ? 0 : 0x82F6_3B78) }
    }
    return ~crc
}

func maskedCRC(_ bytes: [UInt8]) -> UInt32 {
    let crc = bitwiseCRC32C(bytes)
    return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
}

/// A malformed TFRecord file.
public struct TFRecordError: Error, CustomStringConvertible { public let description: String }

func littleEndian(_ bytes: ArraySlice<UInt8>) -> UInt64 {
    bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) }
}

/// The records of a TFRecord file, checking both CRCs of each and that nothing trails the last.
public func readTFRecords(_ file: [UInt8]) throws -> [[UInt8]] {
    var records: [[UInt8]] = [], at = 0
    while at < file.count {
        guard at + 12 <= file.count else { throw TFRecordError(description: "truncated header at \(at)") }
        let lengthBytes = Array(file[at..<at + 8])
        guard UInt32(littleEndian(file[at + 8..<at + 12])) == maskedCRC(lengthBytes) else {
            throw TFRecordError(description: "bad length CRC at \(at)")
        }
        let length = Int(littleEndian(file[at..<at + 8]))
        let dataStart = at + 12
        guard dataStart + length + 4 <= file.count else { throw TFRecordError(description: "truncated record at \(at)") }
        let data = Array(file[dataStart..<dataStart + length])
        guard UInt32(littleEndian(file[dataStart + length..<dataStart + length + 4])) == maskedCRC(data) else {
            throw TFRecordError(description: "bad data CRC at \(at)")
        }
        records.append(data)
        at = dataStart + length + 4
    }
    return records
}

/// One decoded protobuf field: its number, wire type and raw value (varint value, or bytes).
public struct ProtobufField {
    public let number: Int, wireType: Int
    public let varint: UInt64
    public let bytes: [UInt8]
}

/// A message's fields in order, decoded without a schema.
public struct ProtobufMessage {
    public let fields: [ProtobufField]
    public func all(_ number: Int) -> [ProtobufField] { fields.filter { $0.number == number } }
    public func varint(_ number: Int) -> Int64? { all(number).first { $0.wireType == 0 }.map { Int64(bitPattern: $0.varint) } }
    public func bytes(_ number: Int) -> [UInt8]? { all(number).first { $0.wireType == 2 }?.bytes }
    public func string(_ number: Int) -> String? { bytes(number).map { String(decoding: $0, as: UTF8.self) } }
    public func double(_ number: Int) -> Double? {
        all(number).first { $0.wireType == 1 }.map { Double(bitPattern: littleEndian($0.bytes[...])) }
    }
    public func float(_ number: Int) -> Float? {
        all(number).first { $0.wireType == 5 }.map { Float(bitPattern: UInt32(littleEndian($0.bytes[...]))) }
    }
}

public func parseProtobuf(_ bytes: [UInt8]) -> ProtobufMessage {
    var fields: [ProtobufField] = [], at = 0
    func readVarint() -> UInt64 {
        var value: UInt64 = 0, shift: UInt64 = 0
        while true {
            let byte = bytes[at]
            at += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }
    while at < bytes.count {
        let key = readVarint()
        let number = Int(key >> 3), wireType = Int(key & 7)
        switch wireType {
        case 0: fields.append(ProtobufField(number: number, wireType: 0, varint: readVarint(), bytes: []))
        case 1, 5:
            let size = wireType == 1 ? 8 : 4
            fields.append(ProtobufField(number: number, wireType: wireType, varint: 0, bytes: Array(bytes[at..<at + size])))
            at += size
        case 2:
            let length = Int(readVarint())
            fields.append(ProtobufField(number: number, wireType: 2, varint: 0, bytes: Array(bytes[at..<at + length])))
            at += length
        default:
            // Not produced by a TensorBoard writer: stop decoding; callers then miss the field.
            return ProtobufMessage(fields: fields)
        }
    }
    return ProtobufMessage(fields: fields)
}
