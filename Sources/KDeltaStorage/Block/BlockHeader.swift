import KDeltaCodec

/// The first `BlockFormat.headerBytes` of a block file (docs/format/block.md).
struct BlockHeader: Equatable {
    var level: UInt8
    var storeID: UInt64
    var number: UInt64

    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: BlockFormat.headerBytes)
        w.write(contentsOf: BlockFormat.magic)
        w.writeLE(BlockFormat.version)
        w.write(level)
        w.write(0)
        w.writeLE(storeID)
        w.writeLE(number)
        w.writeLE(UInt32(0))
        w.writeLE(CRC32C.checksum(w.bytes))
        precondition(w.count == BlockFormat.headerBytes, "block header is \(w.count) bytes, the format says \(BlockFormat.headerBytes)")
        return w.bytes
    }

    /// Decodes and checks a header; the message says what is wrong.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> Result<BlockHeader, CodecError> {
        guard bytes.count >= BlockFormat.headerBytes else {
            return .failure(.truncated(offset: 0, needed: BlockFormat.headerBytes))
        }
        guard Array(bytes[0..<8]) == BlockFormat.magic else {
            return .failure(.malformed(offset: 0, what: "the magic is \(Array(bytes[0..<8])), not 'KDBLOCK1': this is not a block file"))
        }
        var r = ByteReader(bytes, offset: 8)
        do throws(CodecError) {
            let version = try r.readLE(UInt16.self)
            guard version == BlockFormat.version else {
                return .failure(.malformed(offset: 8, what: "block format version \(version); this kdelta-edge reads \(BlockFormat.version): upgrade kdelta-edge"))
            }
            let level = try r.readByte()
            _ = try r.readByte()
            let storeID = try r.readLE(UInt64.self)
            let number = try r.readLE(UInt64.self)
            _ = try r.readLE(UInt32.self)
            let crc = try r.readLE(UInt32.self)
            let computed = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<(BlockFormat.headerBytes - 4)]))
            guard crc == computed else {
                return .failure(.malformed(offset: BlockFormat.headerBytes - 4, what: "header checksum is \(hex(crc)), computed \(hex(computed))"))
            }
            return .success(BlockHeader(level: level, storeID: storeID, number: number))
        } catch {
            return .failure(error)
        }
    }
}
