#if canImport(Glibc)
import Glibc
#endif
import KDeltaCodec

/// How the records of a segment end.
public enum WALScanEnd: Sendable, Equatable {
    /// After the last record the segment holds only zeros (its preallocated space) or ends;
    /// or, scanning the tail of a live writer's segment (`scan(tailInProgress:)`), what
    /// follows it is the record being written.
    case clean(offset: Int)
    /// A bad record with nothing valid after it that one flipped bit does not explain:
    /// taken for the write that was in flight when the process or the power stopped
    /// (`sign` says why). `data` is the tail's non-zero extent, which recovery keeps before
    /// cutting the segment at `offset`.
    case torn(offset: Int, reason: String, sign: TornTail.Sign, data: Range<Int>)
    /// A bad record followed by valid ones, or a last record that one flipped bit
    /// explains: the log was damaged after being written. Recovery refuses it; `repair`
    /// sets the tail aside.
    case corrupt(offset: Int, reason: String)
}

/// Walks the framed records of one segment (docs/format/wal.md, "Reading"), reading it
/// through a `WALSegmentReader` a bounded piece at a time.
enum WALSegmentScanner {
    enum Frame {
        case valid(payloadBytes: Int)
        case zero
        case bad(String)
    }

    /// What a record header says before its checksum is checked.
    enum Header {
        case record(crc: UInt32, payloadBytes: Int)
        case zero
        case bad(String)
    }

    /// Checks the record header at offset `o` of a segment of `segmentBytes` bytes: the
    /// cheap sanity checks that come before the checksum. `head` holds the segment's bytes
    /// from `o`: 12, or fewer at the end of the segment.
    static func checkHeader(_ head: UnsafeRawBufferPointer, at o: Int, segmentBytes n: Int) -> Header {
        if o + WALFormat.recordHeaderBytes > n {
            for b in head where b != 0 { return .bad("\(n - o) bytes at the end of the segment are too short for a record header") }
            return .zero
        }
        let crc = UInt32(littleEndian: head.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
        let length = Int(UInt32(littleEndian: head.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
        let type = head[8]
        if crc == 0 && length == 0 && type == 0 && head[9] == 0 && head[10] == 0 && head[11] == 0 {
            return .zero
        }
        if type != WALFormat.recordTypeBatch {
            return .bad("record type is \(type), expected \(WALFormat.recordTypeBatch)")
        }
        if head[9] != 0 || head[10] != 0 || head[11] != 0 {
            return .bad("reserved header bytes are not zero")
        }
        if length == 0 || length > StorageLimits.walRecordBytesMax {
            return .bad("record length \(length) is outside 1...\(StorageLimits.walRecordBytesMax)")
        }
        if o + WALFormat.recordHeaderBytes + length > n {
            return .bad("record length \(length) runs past the end of the segment (\(n - o - WALFormat.recordHeaderBytes) bytes left)")
        }
        return .record(crc: crc, payloadBytes: length)
    }

    /// Checks a whole frame (header and payload) against the checksum its header holds.
    static func checkChecksum(_ frame: UnsafeRawBufferPointer, crc: UInt32) -> Frame {
        let actual = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: frame[4...]))
        if actual != crc {
            return .bad("checksum mismatch (stored \(hex(crc)), computed \(hex(actual)))")
        }
        return .valid(payloadBytes: frame.count - WALFormat.recordHeaderBytes)
    }

    /// Checks the frame at `o` of `segment`: header sanity first (cheap), then the
    /// checksum, reading the whole record only when its header passes.
    static func checkFrame(_ segment: WALSegmentReader, at o: Int) throws(StoreError) -> Frame {
        let head = try segment.bytes(at: o, count: min(WALFormat.recordHeaderBytes, segment.count - o))
        switch checkHeader(head, at: o, segmentBytes: segment.count) {
        case .record(let crc, let length):
            return checkChecksum(try segment.bytes(at: o, count: WALFormat.recordHeaderBytes + length), crc: crc)
        case .zero: return .zero
        case .bad(let reason): return .bad(reason)
        }
    }

    /// Whether any valid record starts after `o`: what tells a torn tail (nothing valid
    /// follows) from damage in the middle of the log. Tries every offset whose type byte
    /// says batch, finding them a window at a time with `memchr`.
    static func validFrameExists(_ segment: WALSegmentReader, after o: Int) throws(StoreError) -> Bool {
        try nextValidFrame(segment, after: o) != nil
    }

    /// The offset of the first valid record that starts after `o`, or nil: where `repair`
    /// resumes counting what it sets aside after damage.
    static func nextValidFrame(_ segment: WALSegmentReader, after o: Int) throws(StoreError) -> Int? {
        let n = segment.count
        let typeOffset = 8
        var p = o + 1
        while p + WALFormat.recordHeaderBytes <= n {
            // The window from `p`, so the frame of a type byte found in it is in it too.
            let view = try segment.bytes(at: p, count: min(max(segment.pieceBytes, WALFormat.recordHeaderBytes), n - p))
            let types = view.count - typeOffset
            guard let found = memchr(view.baseAddress! + typeOffset, Int32(WALFormat.recordTypeBatch), types) else {
                p += types
                continue
            }
            p += UnsafeRawPointer(found) - view.baseAddress! - typeOffset
            if p + WALFormat.recordHeaderBytes > n { return nil }
            if case .valid = try checkFrame(segment, at: p) { return p }
            p += 1
        }
        return nil
    }

    /// The offset of the first non-zero byte of `segment` at or after `start`, or its
    /// length. Recovery runs it over a segment's unused preallocated space, a piece at a time.
    static func firstNonZero(_ segment: WALSegmentReader, from start: Int) throws(StoreError) -> Int {
        var i = start
        while i < segment.count {
            let piece = try segment.bytes(at: i, count: min(segment.pieceBytes, segment.count - i))
            let j = firstNonZero(piece)
            if j < piece.count { return i + j }
            i += piece.count
        }
        return segment.count
    }

    /// The index of the first non-zero byte of `buf`, or `buf.count`. Reads 64 bytes at a
    /// time, unaligned: a window starts wherever the last record ended.
    static func firstNonZero(_ buf: UnsafeRawBufferPointer) -> Int {
        var i = 0
        let n = buf.count
        while i + 64 <= n {
            let a = buf.loadUnaligned(fromByteOffset: i, as: UInt64.self) | buf.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
                | buf.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self) | buf.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self)
            let b = buf.loadUnaligned(fromByteOffset: i + 32, as: UInt64.self) | buf.loadUnaligned(fromByteOffset: i + 40, as: UInt64.self)
                | buf.loadUnaligned(fromByteOffset: i + 48, as: UInt64.self) | buf.loadUnaligned(fromByteOffset: i + 56, as: UInt64.self)
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
    /// The payload is valid only during the call.
    ///
    /// `tailInProgress`: the segment is the last one and a writer is live
    /// (`WALReplay.run(writerLive:)`). The records then end at the first zero header or bad
    /// record that no valid record follows: that is the record being written (a `pwrite`
    /// is not atomic to readers), `.clean` at its offset, neither classified nor read
    /// through to the end of the segment's zeros. One that a valid record follows is
    /// `.corrupt` as always: a race with the writer or damage, for the caller to read again.
    static func scan(
        _ segment: WALSegmentReader, from start: Int, tailInProgress: Bool = false,
        visit: (Int, UnsafeRawBufferPointer) throws(StoreError) -> Void
    ) throws(StoreError) -> WALScanEnd {
        var o = start
        while true {
            switch try checkFrame(segment, at: o) {
            case .valid(let length):
                try visit(o, try segment.bytes(at: o + WALFormat.recordHeaderBytes, count: length))
                o += WALFormat.recordHeaderBytes + length
            case .zero where tailInProgress:
                if try validFrameExists(segment, after: o) {
                    return .corrupt(offset: o, reason: "zeros at offset \(o) are followed by a valid record")
                }
                return .clean(offset: o)
            case .zero:
                let i = try firstNonZero(segment, from: o)
                if i == segment.count { return .clean(offset: o) }
                let reason = "zeros from offset \(o) are followed by data at offset \(i)"
                if try validFrameExists(segment, after: o) { return .corrupt(offset: o, reason: reason) }
                return .torn(offset: o, reason: reason, sign: .dataAfterZeros, data: i..<(try dataEnd(segment, from: i)))
            case .bad(let reason):
                if try validFrameExists(segment, after: o) { return .corrupt(offset: o, reason: reason) }
                if tailInProgress { return .clean(offset: o) }
                return try classifyLast(segment, at: o, reason: reason)
            }
        }
    }

    /// Decides what a bad record with nothing valid after it is (docs/format/wal.md, "Torn
    /// or damaged"): damage when one flipped bit explains it (the record was written whole),
    /// otherwise a torn write, with the sign that says so.
    static func classifyLast(_ segment: WALSegmentReader, at o: Int, reason: String) throws(StoreError) -> WALScanEnd {
        // A flip in the zeros after the last byte written (it would set a bit there) is
        // explained as well by a write torn just before that byte, the likelier cause after a
        // power cut: the record is judged torn, and its bytes are kept before it is cut.
        if let flip = try WALBitFlip.locate(in: segment, at: o), flip.offset < (try dataEnd(segment, from: o)) {
            return .corrupt(
                offset: o,
                reason: "\(reason); flipping \(flip) makes the record check, so it was written whole and damaged afterwards, and may hold an acknowledged batch")
        }
        // The header at `o` is not all zeros (`checkFrame`), so the record's bytes start
        // there, even when its checksum's first bytes happen to be zero.
        let end = max(o, try dataEnd(segment, from: o))
        return .torn(offset: o, reason: reason, sign: try tornSign(segment, at: o, dataEnd: end), data: o..<end)
    }

    /// Why the bad record at `o`, whose segment holds data up to `dataEnd`, looks torn.
    static func tornSign(_ segment: WALSegmentReader, at o: Int, dataEnd: Int) throws(StoreError) -> TornTail.Sign {
        guard o + WALFormat.recordHeaderBytes <= segment.count else { return .incompleteHeader }
        let head = try segment.bytes(at: o, count: WALFormat.recordHeaderBytes)
        let length = Int(UInt32(littleEndian: head.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
        if head[8] != WALFormat.recordTypeBatch || head[9] != 0 || head[10] != 0 || head[11] != 0
            || length == 0 || length > StorageLimits.walRecordBytesMax {
            return .incompleteHeader
        }
        let declaredEnd = o + WALFormat.recordHeaderBytes + length
        if declaredEnd > dataEnd { return .runsPastData }
        if declaredEnd < dataEnd { return .dataAfterEnd }
        return .looksComplete
    }

    /// The offset just past the last non-zero byte of `segment` at or after `start`, or
    /// `start` when there is none: where the tail's data ends and the preallocated zeros
    /// begin. Reads a piece at a time; an all-zero piece is passed over 64 bytes at a time.
    static func dataEnd(_ segment: WALSegmentReader, from start: Int) throws(StoreError) -> Int {
        var end = start
        var i = start
        while i < segment.count {
            let piece = try segment.bytes(at: i, count: min(segment.pieceBytes, segment.count - i))
            if firstNonZero(piece) < piece.count {
                var j = piece.count
                while j >= 8 && piece.loadUnaligned(fromByteOffset: j - 8, as: UInt64.self) == 0 { j -= 8 }
                while j > 0 && piece[j - 1] == 0 { j -= 1 }
                end = i + j
            }
            i += piece.count
        }
        return end
    }
}
