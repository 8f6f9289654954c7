import KDeltaCodec

/// One flipped bit that explains why a record fails its checksum: flipping it back makes
/// the whole frame check (docs/format/wal.md, "Torn or damaged").
///
/// Recovery takes it as proof that the record was written whole and damaged afterwards:
/// a write torn by a crash loses or garbles a run of bytes, and the chance that the result
/// differs from the record in exactly one bit is about one in 2^32 per bit of the record.
/// CRC-32C tells every single-bit error in a frame of up to 2^31 bits apart from every
/// other (the polynomial's period), so the bit found is the only one that can explain it.
struct WALBitFlip: Equatable, CustomStringConvertible {
    /// The part of the frame holding the bit.
    enum Field: String {
        case checksum, length, type, reserved, payload
    }

    /// Offset in the segment of the byte holding the bit.
    var offset: Int
    /// The bit, 0 the least significant.
    var bit: Int
    /// The part of the frame it is in.
    var field: Field

    var description: String { "bit \(bit) of the byte at offset \(offset) (the record's \(field))" }

    /// CRC-32C's polynomial, bit-reflected, as the checksum uses it.
    static let polynomial: UInt32 = 0x82F6_3B78

    /// The one bit whose flip makes the frame at `o` of `segment` check, or nil when no
    /// single bit does. Tries the checksum field and the payload when the header is sound,
    /// and each header field that one flip would make sound (type 1, reserved bytes zero,
    /// a length that fits). Reads the record once per candidate length: only on the
    /// error path, for the last record of a segment.
    static func locate(in segment: WALSegmentReader, at o: Int) throws(StoreError) -> WALBitFlip? {
        let headerBytes = WALFormat.recordHeaderBytes
        guard o + headerBytes <= segment.count else { return nil }
        let head = Array(try segment.bytes(at: o, count: headerBytes))
        let stored = le32(head, 0)
        let length = Int(le32(head, 4))
        let type = head[8]
        let reserved = UInt32(head[9]) | UInt32(head[10]) << 8 | UInt32(head[11]) << 16
        let typeBatch = WALFormat.recordTypeBatch

        func fits(_ n: Int) -> Bool {
            n >= 1 && n <= StorageLimits.walRecordBytesMax && o + headerBytes + n <= segment.count
        }
        /// The checksum of a frame with header `h` (bytes 4..<12 count) and `n` payload bytes.
        func checksum(_ h: [UInt8], payloadBytes n: Int) throws(StoreError) -> UInt32 {
            let start = h.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[4..<headerBytes])) }
            return CRC32C.checksum(try segment.bytes(at: o + headerBytes, count: n), continuing: start)
        }

        if type == typeBatch && reserved == 0 && fits(length) {
            let syndrome = stored ^ (try checksum(head, payloadBytes: length))
            if syndrome.nonzeroBitCount == 1 {
                let b = syndrome.trailingZeroBitCount
                return WALBitFlip(offset: o + b / 8, bit: b % 8, field: .checksum)
            }
            // The checksum covers bytes 4 ..< 12 + length; a flip in the length, type or
            // reserved bytes would have left the header unsound or changed the range, so
            // only payload bits (from byte 8 of the covered range on) are candidates.
            if let t = bitPosition(syndrome: syndrome, messageBytes: 8 + length, fromByte: 8) {
                return WALBitFlip(offset: o + 4 + t / 8, bit: t % 8, field: .payload)
            }
        }
        if reserved == 0 && (type ^ typeBatch).nonzeroBitCount == 1 && fits(length) {
            var h = head
            h[8] = typeBatch
            if try checksum(h, payloadBytes: length) == stored {
                return WALBitFlip(offset: o + 8, bit: (type ^ typeBatch).trailingZeroBitCount, field: .type)
            }
        }
        if type == typeBatch && reserved.nonzeroBitCount == 1 && fits(length) {
            var h = head
            h[9] = 0
            h[10] = 0
            h[11] = 0
            if try checksum(h, payloadBytes: length) == stored {
                let b = reserved.trailingZeroBitCount
                return WALBitFlip(offset: o + 9 + b / 8, bit: b % 8, field: .reserved)
            }
        }
        if type == typeBatch && reserved == 0 {
            for b in 0..<32 {
                let n = length ^ (1 << b)
                guard fits(n) else { continue }
                var h = head
                h[4] = UInt8(truncatingIfNeeded: n)
                h[5] = UInt8(truncatingIfNeeded: n >> 8)
                h[6] = UInt8(truncatingIfNeeded: n >> 16)
                h[7] = UInt8(truncatingIfNeeded: n >> 24)
                if try checksum(h, payloadBytes: n) == stored {
                    return WALBitFlip(offset: o + 4 + b / 8, bit: b % 8, field: .length)
                }
            }
        }
        return nil
    }

    /// The position (byte * 8 + bit) of the one bit at or after byte `start` of a
    /// `messageBytes`-byte message whose flip changes its CRC-32C by `syndrome`, or nil.
    ///
    /// CRC-32C is affine, so flipping one bit changes the checksum by a value that depends
    /// only on how far the bit is from the end of the message: the register state after
    /// feeding a lone 1 bit through that many steps of the (reflected, least significant
    /// bit first) shift register. Walking back from the last bit one step at a time finds
    /// the position whose change is `syndrome`: eight steps per byte, no table.
    static func bitPosition(syndrome: UInt32, messageBytes: Int, fromByte start: Int) -> Int? {
        guard syndrome != 0 else { return nil }
        var change: UInt32 = 1
        var position = 8 * messageBytes
        let first = 8 * start
        while position > first {
            change = change & 1 != 0 ? (change >> 1) ^ polynomial : change >> 1
            position -= 1
            if change == syndrome { return position }
        }
        return nil
    }

    private static func le32(_ b: [UInt8], _ o: Int) -> UInt32 {
        UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
    }
}
