import KDeltaCodec

/// The 48-byte header at the start of every WAL segment (docs/format/wal.md).
public struct WALSegmentHeader: Sendable, Equatable {
    /// Random id of the store, so a segment copied from another store is refused.
    public var storeID: UInt64
    /// The segment's number; file names and the manifest use it.
    public var segmentNumber: UInt64
    /// The LSN the segment's first version has (or will have).
    public var firstLSN: UInt64

    /// Creates a header.
    public init(storeID: UInt64, segmentNumber: UInt64, firstLSN: UInt64) {
        self.storeID = storeID
        self.segmentNumber = segmentNumber
        self.firstLSN = firstLSN
    }

    /// The header's bytes.
    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: WALFormat.segmentHeaderBytes)
        w.write(contentsOf: WALFormat.segmentMagic)
        w.writeLE(WALFormat.segmentVersion)
        w.writeLE(UInt32(WALFormat.segmentHeaderBytes))
        w.writeLE(storeID)
        w.writeLE(segmentNumber)
        w.writeLE(firstLSN)
        w.writeLE(UInt32(0))
        w.writeLE(CRC32C.checksum(w.bytes))
        precondition(w.count == WALFormat.segmentHeaderBytes, "segment header is \(w.count) bytes")
        return w.bytes
    }

    /// Why a segment header was refused.
    public enum DecodeFailure: Error, Equatable {
        /// The file is shorter than a header, or the header is all zeros: the segment was
        /// being created when the process stopped.
        case incomplete
        /// The header is damaged or not ours; the text says what was found.
        case invalid(String)
    }

    /// Decodes and checks a header: magic, version and checksum, in that order.
    public static func decode(_ bytes: UnsafeRawBufferPointer) -> Result<WALSegmentHeader, DecodeFailure> {
        guard bytes.count >= WALFormat.segmentHeaderBytes else { return .failure(.incomplete) }
        let head = UnsafeRawBufferPointer(rebasing: bytes[0..<WALFormat.segmentHeaderBytes])
        if head.allSatisfy({ $0 == 0 }) { return .failure(.incomplete) }
        if !head[0..<8].elementsEqual(WALFormat.segmentMagic) {
            let found = head[0..<8].map { b in b >= 0x20 && b < 0x7F ? String(UnicodeScalar(b)) : "." }.joined()
            return .failure(.invalid("magic is '\(found)', expected 'KDELTWAL': not a KoruDelta WAL segment"))
        }
        var r = ByteReader(head, offset: 8)
        // Reads cannot fail: the length was checked above.
        let version = (try? r.readLE(UInt32.self)) ?? 0
        if version != WALFormat.segmentVersion {
            return .failure(.invalid("format version is \(version); this kdelta-edge reads version \(WALFormat.segmentVersion): upgrade kdelta-edge"))
        }
        let headerBytes = (try? r.readLE(UInt32.self)) ?? 0
        let storeID = (try? r.readLE(UInt64.self)) ?? 0
        let number = (try? r.readLE(UInt64.self)) ?? 0
        let firstLSN = (try? r.readLE(UInt64.self)) ?? 0
        _ = try? r.readLE(UInt32.self)
        let crc = (try? r.readLE(UInt32.self)) ?? 0
        let actual = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: head[0..<44]))
        if crc != actual {
            return .failure(.invalid("header checksum is \(hex(crc)), computed \(hex(actual))"))
        }
        if headerBytes != UInt32(WALFormat.segmentHeaderBytes) {
            return .failure(.invalid("header size is \(headerBytes), expected \(WALFormat.segmentHeaderBytes)"))
        }
        return .success(WALSegmentHeader(storeID: storeID, segmentNumber: number, firstLSN: firstLSN))
    }
}

func hex(_ v: UInt32) -> String {
    let s = String(v, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - s.count)) + s
}
