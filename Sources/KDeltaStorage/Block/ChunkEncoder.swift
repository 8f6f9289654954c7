import KDeltaCodec
import KDeltaModel

/// Encodes one series' versions into a chunk: the columns of docs/format/block.md, each
/// through its codec (docs/format/columns.md), and the directory entry describing them.
enum ChunkEncoder {
    /// The chunk's bytes and its entry (offset still to be set by the writer).
    static func encode(_ input: ChunkInput) -> (bytes: [UInt8], entry: ChunkEntry) {
        precondition(input.count > 0, "a chunk needs at least one version")
        precondition(input.hlcs.count == input.count && input.times.count == input.count
                     && input.values.count == input.count && input.lsns.count == input.count,
                     "chunk columns of \(input.key) differ in length")
        var columns = [[UInt8]](repeating: [], count: ChunkEntry.Column.allCases.count)
        columns[ChunkEntry.Column.times.rawValue] = TimeColumn.encode(input.times)
        columns[ChunkEntry.Column.hlcs.rawValue] = TimeColumn.encode(input.hlcs.map { Int64(bitPattern: $0) })
        columns[ChunkEntry.Column.lsns.rawValue] = TimeColumn.encode(input.lsns.map { Int64(bitPattern: $0) })

        var flags: UInt8 = 0
        let withSource = input.hasSourceTime.reduce(0) { $0 + ($1 ? 1 : 0) }
        if withSource == input.count {
            flags |= ChunkEntry.flagAllSourceTimes
        } else if withSource == 0 {
            flags |= ChunkEntry.flagNoSourceTimes
        } else {
            columns[ChunkEntry.Column.sourceFlags.rawValue] = BoolColumn.encode(input.hasSourceTime)
        }
        var sorted = true
        for i in 1..<max(1, input.count) where input.times[i] < input.times[i - 1] { sorted = false; break }
        if sorted { flags |= ChunkEntry.flagTimesSorted }
        if sorted && isRegular(input.times) { flags |= ChunkEntry.flagTimesRegular }
        if input.parent != nil { flags |= ChunkEntry.flagHasParent }

        var doubles: [Double] = [], ints: [Int64] = [], bools: [Bool] = [], blobs: [[UInt8]] = []
        var tags: [Int64] = []
        tags.reserveCapacity(input.count)
        for v in input.values {
            tags.append(Int64(v.tag.rawValue))
            switch v {
            case .double(let d): doubles.append(d)
            case .int(let i): ints.append(i)
            case .bool(let b): bools.append(b)
            case .string(let s): blobs.append(Array(s.utf8))
            case .document(let j): blobs.append(Array(j.canonicalText.utf8))
            }
        }
        let firstTag = tags[0]
        let mixed = tags.contains { $0 != firstTag }
        if mixed { columns[ChunkEntry.Column.tags.rawValue] = IntColumn.encode(tags) }
        if !doubles.isEmpty { columns[ChunkEntry.Column.doubles.rawValue] = DoubleColumn.encode(doubles) }
        if !ints.isEmpty { columns[ChunkEntry.Column.ints.rawValue] = IntColumn.encode(ints) }
        if !bools.isEmpty { columns[ChunkEntry.Column.bools.rawValue] = BoolColumn.encode(bools) }
        if !blobs.isEmpty { columns[ChunkEntry.Column.bytes.rawValue] = BytesColumn.encode(blobs) }

        var anchors: [UInt8] = []
        var p = BlockFormat.anchorInterval - 1
        while p < input.count - 1 {
            anchors.append(contentsOf: input.ids[p].bytes)
            p += BlockFormat.anchorInterval
        }
        columns[ChunkEntry.Column.anchors.rawValue] = anchors

        var bytes: [UInt8] = []
        bytes.reserveCapacity(columns.reduce(0) { $0 + $1.count })
        for c in columns { bytes.append(contentsOf: c) }
        let entry = ChunkEntry(
            seriesID: input.seriesID, key: input.key, firstSeq: input.firstSeq, count: input.count,
            minTimeMs: input.times.min()!, maxTimeMs: input.times.max()!,
            firstHLC: HLC(rawValue: input.hlcs[0]), lastHLC: HLC(rawValue: input.hlcs[input.count - 1]),
            firstLSN: input.lsns[0], lastLSN: input.lsns[input.count - 1], flags: flags,
            valueTag: mixed ? ChunkEntry.tagMixed : UInt8(firstTag), parent: input.parent,
            lastID: input.ids[input.count - 1],
            timeModel: sorted ? TimeModel(fitting: input.times) : TimeModel(firstTimeMs: input.times[0], stepMs: 0, maxError: 0),
            offset: 0, length: bytes.count, crc: CRC32C.checksum(bytes),
            columnLengths: ColumnLengths(columns.map(\.count)))
        return (bytes, entry)
    }

    /// True when ascending `times` step by one integer: the time model (a line through the
    /// first and last time) then gives each time exactly.
    static func isRegular(_ times: [Int64]) -> Bool {
        guard times.count > 1 else { return true }
        let step = times[1] &- times[0]
        for i in 1..<times.count where times[i] &- times[i - 1] != step { return false }
        return true
    }
}
