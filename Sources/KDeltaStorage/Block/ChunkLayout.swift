import KDeltaModel

/// What a read needs of a chunk's directory entry, in plain words: its seqs, time and HLC
/// bounds, flags, value type, time model and where each column starts. Computed once by
/// every `ChunkReader` from the entry, so that decoding a version copies no key string
/// and touches no reference count (copying the whole `ChunkEntry` was the largest cost of
/// a point read, measured in `kdelta-bench query`).
struct ChunkLayout: Sendable {
    let count: Int
    let minTimeMs: Int64
    let maxTimeMs: Int64
    let flags: UInt8
    let valueTag: UInt8
    let timeModel: TimeModel
    /// Where each column starts in the chunk, in `ChunkEntry.Column` order, and where the
    /// last one ends.
    private let starts: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)
    /// Where the chunk's bytes are in the block file.
    let fileOffset: Int
    let firstSeq: UInt64
    let firstHLC: HLC
    let lastHLC: HLC

    init(_ e: ChunkEntry) {
        firstSeq = e.firstSeq
        count = e.count
        minTimeMs = e.minTimeMs
        maxTimeMs = e.maxTimeMs
        firstHLC = e.firstHLC
        lastHLC = e.lastHLC
        flags = e.flags
        valueTag = e.valueTag
        timeModel = e.timeModel
        fileOffset = Int(e.offset)
        // Running sums of the lengths, without arrays (two allocations per reader).
        let l = e.columnLengths
        var s: UInt32 = 0
        func next(_ c: ChunkEntry.Column) -> UInt32 {
            s += UInt32(l[c])
            return s
        }
        starts = (0, next(.times), next(.hlcs), next(.lsns), next(.sourceFlags), next(.tags), next(.doubles),
                  next(.ints), next(.bools), next(.bytes), next(.anchors))
    }

    var timesSorted: Bool { flags & ChunkEntry.flagTimesSorted != 0 }
    var timesRegular: Bool { flags & ChunkEntry.flagTimesRegular != 0 }

    /// The step of a chunk whose times are exactly `first time + i * step` (flag 32),
    /// nil otherwise: its times are then computed, never decoded.
    var regularStepMs: Int64? {
        timesRegular && timeModel.stepMs >= 1 ? Int64(timeModel.stepMs) : nil
    }

    /// Time of position `p` in a chunk with `regularStepMs` `step`.
    @inline(__always)
    func regularTime(at p: Int, step: Int64) -> Int64 {
        timeModel.firstTimeMs &+ Int64(p) &* step
    }

    /// The last of `count` positions whose regular time `first + i * step` is at or
    /// before `t` (given `t >= first`), and that time: a division, clamped to the last
    /// position (a difference past `Int64.max` is past the end).
    @inline(__always)
    static func regularPosition(atOrBefore t: Int64, first: Int64, step: Int64, count: Int) -> (position: Int, timeMs: Int64) {
        let (d, overflow) = t.subtractingReportingOverflow(first)
        let p = overflow ? count - 1 : min(count - 1, Int(d / step))
        return (p, first &+ Int64(p) &* step)
    }

    /// The column holding the values of a chunk of doubles or ints (which a point read
    /// decodes alone), nil for other chunks.
    var numberColumn: ChunkEntry.Column? {
        switch valueTag {
        case ValueTag.double.rawValue: return .doubles
        case ValueTag.int.rawValue: return .ints
        default: return nil
        }
    }
    /// Bytes in the chunk (where its last column ends).
    var length: Int { columnRange(.anchors).upperBound }
    var lastSeq: UInt64 { firstSeq + UInt64(count) - 1 }

    /// Byte range of `column` inside the chunk.
    @inline(__always)
    func columnRange(_ column: ChunkEntry.Column) -> Range<Int> {
        withUnsafeBytes(of: starts) { raw in
            let s = raw.bindMemory(to: UInt32.self)
            return Int(s[column.rawValue])..<Int(s[column.rawValue + 1])
        }
    }
}
