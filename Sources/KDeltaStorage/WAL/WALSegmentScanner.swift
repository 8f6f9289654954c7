import KDeltaCodec

/// How the records of a segment end.
public enum WALScanEnd: Sendable, Equatable {
    /// After the last record the segment holds only zeros (its preallocated space) or ends.
    case clean(offset: Int)
    /// A damaged record with nothing valid after it: the write that was in flight when the
    /// process or the power stopped. Never acknowledged under `always`.
    case torn(offset: Int, reason: String)
    /// A damaged record followed by valid ones: the log was damaged in the middle, after
    /// being written. Recovery refuses it; `repair` sets the tail aside.
    case corrupt(offset: Int, reason: String)
}

/// Walks the framed records of one segment held in memory (docs/format/wal.md, "Reading").
enum WALSegmentScanner {
    enum Frame {
        case valid(payloadBytes: Int)
        case zero
        case bad(String)
    }

    /// Checks the frame at `o`: header sanity first (cheap), then the checksum.
    static func checkFrame(_ buf: UnsafeRawBufferPointer, at o: Int) -> Frame {
        let n = buf.count
        if o + WALFormat.recordHeaderBytes > n {
            for i in o..<n where buf[i] != 0 { return .bad("\(n - o) bytes at the end of the segment are too short for a record header") }
            return .zero
        }
        let crc = UInt32(littleEndian: buf.loadUnaligned(fromByteOffset: o, as: UInt32.self))
        let length = Int(UInt32(littleEndian: buf.loadUnaligned(fromByteOffset: o + 4, as: UInt32.self)))
        let type = buf[o + 8]
        if crc == 0 && length == 0 && type == 0 && buf[o + 9] == 0 && buf[o + 10] == 0 && buf[o + 11] == 0 {
            return .zero
        }
        if type != WALFormat.recordTypeBatch {
            return .bad("record type is \(type), expected \(WALFormat.recordTypeBatch)")
        }
        if buf[o + 9] != 0 || buf[o + 10] != 0 || buf[o + 11] != 0 {
            return .bad("reserved header bytes are not zero")
        }
        if length == 0 || length > StorageLimits.walRecordBytesMax {
            return .bad("record length \(length) is outside 1...\(StorageLimits.walRecordBytesMax)")
        }
        if o + WALFormat.recordHeaderBytes + length > n {
            return .bad("record length \(length) runs past the end of the segment (\(n - o - WALFormat.recordHeaderBytes) bytes left)")
        }
        let actual = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: buf[(o + 4)..<(o + WALFormat.recordHeaderBytes + length)]))
        if actual != crc {
            return .bad("checksum mismatch (stored \(hex(crc)), computed \(hex(actual)))")
        }
        return .valid(payloadBytes: length)
    }

    /// Whether any valid record starts after `o`: what tells a torn tail (nothing valid
    /// follows) from damage in the middle of the log.
    static func validFrameExists(_ buf: UnsafeRawBufferPointer, after o: Int) -> Bool {
        var p = o + 1
        while p + WALFormat.recordHeaderBytes <= buf.count {
            if buf[p + 8] == WALFormat.recordTypeBatch, case .valid = checkFrame(buf, at: p) { return true }
            p += 1
        }
        return false
    }

    /// The offset of the first non-zero byte at or after `start`, or `buf.count`. Reads
    /// eight bytes at a time: recovery runs it over a segment's unused preallocated space.
    static func firstNonZero(_ buf: UnsafeRawBufferPointer, from start: Int) -> Int {
        var i = start
        let n = buf.count
        while i < n && i & 7 != 0 {
            if buf[i] != 0 { return i }
            i += 1
        }
        while i + 64 <= n {
            let a = buf.load(fromByteOffset: i, as: UInt64.self) | buf.load(fromByteOffset: i + 8, as: UInt64.self)
                | buf.load(fromByteOffset: i + 16, as: UInt64.self) | buf.load(fromByteOffset: i + 24, as: UInt64.self)
            let b = buf.load(fromByteOffset: i + 32, as: UInt64.self) | buf.load(fromByteOffset: i + 40, as: UInt64.self)
                | buf.load(fromByteOffset: i + 48, as: UInt64.self) | buf.load(fromByteOffset: i + 56, as: UInt64.self)
            if a | b != 0 { break }
            i += 64
        }
        while i < n {
            if buf[i] != 0 { return i }
            i += 1
        }
        return n
    }

    /// Calls `visit(offset, payload)` for each valid record from `start` and says how the
    /// records end. A zero header ends the records only if everything after it is zero too.
    static func scan(
        _ buf: UnsafeRawBufferPointer, from start: Int,
        visit: (Int, UnsafeRawBufferPointer) throws(StoreError) -> Void
    ) throws(StoreError) -> WALScanEnd {
        var o = start
        while true {
            switch checkFrame(buf, at: o) {
            case .valid(let length):
                let payload = UnsafeRawBufferPointer(
                    rebasing: buf[(o + WALFormat.recordHeaderBytes)..<(o + WALFormat.recordHeaderBytes + length)])
                try visit(o, payload)
                o += WALFormat.recordHeaderBytes + length
            case .zero:
                let i = firstNonZero(buf, from: o)
                if i == buf.count { return .clean(offset: o) }
                let reason = "zeros from offset \(o) are followed by data at offset \(i)"
                return validFrameExists(buf, after: o) ? .corrupt(offset: o, reason: reason) : .torn(offset: o, reason: reason)
            case .bad(let reason):
                return validFrameExists(buf, after: o) ? .corrupt(offset: o, reason: reason) : .torn(offset: o, reason: reason)
            }
        }
    }
}
