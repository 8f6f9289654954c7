import KDeltaCodec
import KDeltaModel

/// A chunk of rollups: one series' downsampled intervals, stored in a rollup block
/// (level `BlockFormat.levelRollup`) with the block file's framing, directory and
/// checksums (docs/format/block.md, "Rollup chunks"). The ten column slots of a version
/// chunk carry the rollup's fields instead:
///
/// | slot | field | codec |
/// |---|---|---|
/// | times | interval start (ms) | TimeColumn |
/// | hlcs | interval length (ms) | IntColumn |
/// | lsns | count | IntColumn |
/// | sourceFlags | NaN count | IntColumn |
/// | tags | first reading's time − start | IntColumn |
/// | doubles | sum | DoubleColumn |
/// | ints | last reading's time − start | IntColumn |
/// | bools | min | DoubleColumn |
/// | bytes | max | DoubleColumn |
/// | anchors | first values, then last values (2n) | DoubleColumn |
///
/// The entry's `minTimeMs`/`maxTimeMs` are the least and greatest interval starts, its
/// LSN range that of the versions rolled up, `firstSeq` 1 and `count` the rollups.
enum RollupChunk {
    /// Slot meanings, by the version chunk's column names.
    private enum Slot {
        static let starts = ChunkEntry.Column.times
        static let lengths = ChunkEntry.Column.hlcs
        static let counts = ChunkEntry.Column.lsns
        static let nanCounts = ChunkEntry.Column.sourceFlags
        static let firstOffsets = ChunkEntry.Column.tags
        static let sums = ChunkEntry.Column.doubles
        static let lastOffsets = ChunkEntry.Column.ints
        static let mins = ChunkEntry.Column.bools
        static let maxs = ChunkEntry.Column.bytes
        static let ends = ChunkEntry.Column.anchors
    }

    /// Encodes `rollups` (at least one, none empty of readings and NaN alike) of series
    /// `seriesID`; `lsns` is the LSN range of the versions they summarize.
    static func encode(seriesID: UInt32, key: Key, rollups: [Rollup], lsns: ClosedRange<UInt64>) -> (bytes: [UInt8], entry: ChunkEntry) {
        precondition(!rollups.isEmpty, "a rollup chunk needs at least one rollup")
        let n = rollups.count
        var columns = [[UInt8]](repeating: [], count: ChunkEntry.Column.allCases.count)
        let starts = rollups.map(\.startMs)
        columns[Slot.starts.rawValue] = TimeColumn.encode(starts)
        columns[Slot.lengths.rawValue] = IntColumn.encode(rollups.map { $0.endMs - $0.startMs })
        columns[Slot.counts.rawValue] = IntColumn.encode(rollups.map(\.count))
        columns[Slot.nanCounts.rawValue] = IntColumn.encode(rollups.map(\.nanCount))
        columns[Slot.firstOffsets.rawValue] = IntColumn.encode(rollups.map { ($0.first?.timeMs ?? $0.startMs) - $0.startMs })
        columns[Slot.lastOffsets.rawValue] = IntColumn.encode(rollups.map { ($0.last?.timeMs ?? $0.startMs) - $0.startMs })
        columns[Slot.sums.rawValue] = DoubleColumn.encode(rollups.map(\.sum))
        columns[Slot.mins.rawValue] = DoubleColumn.encode(rollups.map(\.min))
        columns[Slot.maxs.rawValue] = DoubleColumn.encode(rollups.map(\.max))
        columns[Slot.ends.rawValue] = DoubleColumn.encode(rollups.map { $0.first?.value ?? 0 } + rollups.map { $0.last?.value ?? 0 })
        var bytes: [UInt8] = []
        for c in columns { bytes.append(contentsOf: c) }
        var sorted = true
        for i in 1..<max(1, n) where starts[i] < starts[i - 1] { sorted = false; break }
        let entry = ChunkEntry(
            seriesID: seriesID, key: key, firstSeq: 1, count: n,
            minTimeMs: starts.min()!, maxTimeMs: starts.max()!,
            firstHLC: HLC(rawValue: 0), lastHLC: HLC(rawValue: 0), firstLSN: lsns.lowerBound, lastLSN: lsns.upperBound,
            flags: ChunkEntry.flagRollup | (sorted ? ChunkEntry.flagTimesSorted : 0),
            valueTag: ValueTag.double.rawValue, parent: nil, lastID: .zero,
            timeModel: sorted ? TimeModel(fitting: starts) : TimeModel(firstTimeMs: starts[0], stepMs: 0, maxError: 0),
            offset: 0, length: bytes.count, crc: CRC32C.checksum(bytes), columnLengths: ColumnLengths(columns.map(\.count)))
        return (bytes, entry)
    }

    /// Every rollup of the chunk, in stored order.
    static func decode(_ r: ChunkReader) throws(StoreError) -> [Rollup] {
        let n = r.count
        func ints(_ slot: ChunkEntry.Column) throws(StoreError) -> [Int64] {
            let col = r.column(slot)
            return try r.check(slot) { () throws(CodecError) in try IntColumn.decode(col, count: n) }
        }
        func doubles(_ slot: ChunkEntry.Column, count: Int) throws(StoreError) -> [Double] {
            let col = r.column(slot)
            return try r.check(slot) { () throws(CodecError) in try DoubleColumn.decode(col, count: count) }
        }
        let startsColumn = r.column(Slot.starts)
        let starts = try r.check(Slot.starts) { () throws(CodecError) in try TimeColumn.decode(startsColumn, count: n) }
        let lengths = try ints(Slot.lengths), counts = try ints(Slot.counts), nans = try ints(Slot.nanCounts)
        let firstOffsets = try ints(Slot.firstOffsets), lastOffsets = try ints(Slot.lastOffsets)
        let sums = try doubles(Slot.sums, count: n), mins = try doubles(Slot.mins, count: n)
        let maxs = try doubles(Slot.maxs, count: n), ends = try doubles(Slot.ends, count: 2 * n)
        var out: [Rollup] = []
        out.reserveCapacity(n)
        for i in 0..<n {
            let start = starts[i]
            guard lengths[i] > 0, counts[i] >= 0, nans[i] >= 0,
                  firstOffsets[i] >= 0, firstOffsets[i] < lengths[i], lastOffsets[i] >= 0, lastOffsets[i] < lengths[i] else {
                throw r.block.undecodable(r.index, Slot.lengths, .malformed(offset: 0, what: "rollup \(i) of \(r.entry.key) at \(start) is inconsistent"))
            }
            var rollup = Rollup(startMs: start, endMs: start + lengths[i])
            rollup.count = counts[i]
            rollup.nanCount = nans[i]
            if counts[i] > 0 {
                rollup.sum = sums[i]
                rollup.min = mins[i]
                rollup.max = maxs[i]
                rollup.first = TimedValue(timeMs: start + firstOffsets[i], value: ends[i])
                rollup.last = TimedValue(timeMs: start + lastOffsets[i], value: ends[n + i])
            }
            out.append(rollup)
        }
        return out
    }
}
