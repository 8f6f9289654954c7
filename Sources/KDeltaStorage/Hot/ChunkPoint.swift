import CMemory
import KDeltaCodec
import KDeltaModel

/// What a point read needs of one chunk, kept in the series' own array (`ChunkTimes`)
/// so that finding the chunk and decoding the value current at a time touches neither
/// the chunk's `ChunkRef` nor its block object: its least time (what the search
/// compares), its time step when its times are regular (block directory flag 32: the
/// position is then a division), its first seq (retention), and where its value column
/// is in the block's mapping. 48 bytes, under a cache line, where the references it
/// stands for cost several misses (measured in `kdelta-bench query`).
///
/// `@unchecked Sendable`: the pointers are into a block file's read-only mapping and its
/// checksum flags, which live as long as the block, and the series holds the block (its
/// `ChunkRef`s) for as long as it holds these.
struct ChunkPoint: @unchecked Sendable {
    let minTimeMs: Int64
    let firstSeq: UInt64
    /// Where the value column starts in the block's mapping (double and int chunks only,
    /// else nil): unchecked until `isVerified`.
    let valuesBase: UnsafeRawPointer?
    /// The block's flag for this chunk: set once the chunk's checksum matched.
    let verified: UnsafePointer<UInt8>
    let valuesLength: UInt32
    /// The step of a chunk whose times are `minTimeMs + i * step` exactly; 0 otherwise
    /// (and for steps beyond `UInt32.max` ms, which read through the chunk's reference).
    let regularStepMs: UInt32
    let count: UInt32
    let valueTag: UInt8

    init(_ ref: ChunkRef) {
        let layout = ref.layout
        minTimeMs = layout.minTimeMs
        if let step = layout.regularStepMs, step <= Int64(UInt32.max), layout.timeModel.firstTimeMs == layout.minTimeMs {
            regularStepMs = UInt32(step)
        } else {
            regularStepMs = 0
        }
        firstSeq = layout.firstSeq
        let values = layout.numberColumn.map { ref.uncheckedColumn($0, layout: layout) } ?? UnsafeRawBufferPointer(start: nil, count: 0)
        valuesBase = values.baseAddress
        valuesLength = UInt32(values.count)
        verified = ref.block.verifiedFlag(ref.index)
        count = UInt32(layout.count)
        valueTag = layout.valueTag
    }

    /// The value column's bytes.
    var values: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: valuesBase, count: Int(valuesLength)) }

    /// The position and time of the last version at or before `t` (at or after
    /// `minTimeMs`), when the chunk's times are regular; nil when they are not.
    @inline(__always)
    func regularPosition(atOrBefore t: Int64) -> (position: Int, timeMs: Int64)? {
        guard regularStepMs > 0 else { return nil }
        return ChunkLayout.regularPosition(atOrBefore: t, first: minTimeMs, step: Int64(regularStepMs), count: Int(count))
    }

    /// True once the chunk's checksum matched.
    var isVerified: Bool { kdelta_flag_is_set(verified) != 0 }

    /// Prefetches what `value(at: p)` will read (`PointReadHint`).
    func prefetchValue(at p: Int) {
        Prefetch.pointRead(values, count: Int(count), at: p)
    }

    /// The value at `p`, decoded from the value column alone: nil for a chunk of other
    /// values (text, booleans, mixed), which the caller reads through its `ChunkRef`.
    /// Call only once `isVerified`.
    func value(at p: Int) throws(CodecError) -> Value? {
        switch valueTag {
        case ValueTag.double.rawValue: return .double(try DoubleColumn.value(values, count: Int(count), at: p))
        case ValueTag.int.rawValue: return .int(try IntColumn.value(values, count: Int(count), at: p))
        default: return nil
        }
    }

    /// The column `value(at:)` reads, for errors.
    var valueColumn: ChunkEntry.Column { valueTag == ValueTag.int.rawValue ? .ints : .doubles }
}
