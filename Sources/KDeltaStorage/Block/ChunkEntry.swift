import KDeltaCodec
import KDeltaModel

/// One series' chunk in a block: what the block directory says about it
/// (docs/format/block.md, "Directory entry"). Enough to decide, without touching the
/// chunk, whether it holds a seq, a time or an HLC, and to link its hash chain.
public struct ChunkEntry: Sendable, Equatable {
    /// Column order inside a chunk; `columnLengths` follows it (`ChunkLayout.columnRange`
    /// gives a column's bytes).
    public enum Column: Int, CaseIterable, Sendable {
        case times = 0, hlcs, lsns, sourceFlags, tags, doubles, ints, bools, bytes, anchors
    }

    /// Flag bits.
    public static let flagTimesSorted: UInt8 = 1
    public static let flagAllSourceTimes: UInt8 = 2
    public static let flagNoSourceTimes: UInt8 = 4
    public static let flagHasParent: UInt8 = 8
    /// The chunk holds rollups, not versions (`RollupChunk`).
    public static let flagRollup: UInt8 = 16
    /// The times are exactly `timeModel.firstTimeMs + i * timeModel.stepMs` (an integer
    /// step): a point read computes a version's time instead of decoding it.
    public static let flagTimesRegular: UInt8 = 32
    /// `valueTag` of a chunk whose versions have more than one value type.
    public static let tagMixed: UInt8 = 0

    public var seriesID: UInt32
    public var key: Key
    /// Seq of the first version; the chunk holds `firstSeq ..< firstSeq + count`.
    public var firstSeq: UInt64
    public var count: Int
    /// Least and greatest time (source time, or the HLC's wall time).
    public var minTimeMs: Int64
    public var maxTimeMs: Int64
    public var firstHLC: HLC
    public var lastHLC: HLC
    public var firstLSN: UInt64
    public var lastLSN: UInt64
    public var flags: UInt8
    /// The value type of every version, or `tagMixed`.
    public var valueTag: UInt8
    /// The id of version `firstSeq - 1` (the chain's link into this chunk), if any.
    public var parent: VersionID?
    /// The id of the last version.
    public var lastID: VersionID
    /// Predicts positions from times (sorted chunks only).
    public var timeModel: TimeModel
    /// Where the chunk's bytes are in the file, and their CRC-32C.
    public var offset: Int64
    public var length: Int
    public var crc: UInt32
    /// Byte length of each column, in `Column` order; the columns follow each other.
    public var columnLengths: ColumnLengths

    public var timesSorted: Bool { flags & Self.flagTimesSorted != 0 }
    /// True for a chunk of rollups (in a rollup block).
    public var isRollup: Bool { flags & Self.flagRollup != 0 }
    public var lastSeq: UInt64 { firstSeq + UInt64(count) - 1 }
    public var seqRange: Range<UInt64> { firstSeq..<(firstSeq + UInt64(count)) }

    func encode(into w: inout ByteWriter) {
        w.writeLE(seriesID)
        let key = Array(self.key.rawValue.utf8)
        w.writeLE(UInt16(key.count))
        w.write(contentsOf: key)
        w.writeLE(firstSeq)
        w.writeLE(UInt32(count))
        w.writeLE(minTimeMs)
        w.writeLE(maxTimeMs)
        w.writeLE(firstHLC.rawValue)
        w.writeLE(lastHLC.rawValue)
        w.writeLE(firstLSN)
        w.writeLE(lastLSN)
        w.write(flags)
        w.write(valueTag)
        w.write(contentsOf: (parent ?? .zero).bytes)
        w.write(contentsOf: lastID.bytes)
        w.writeLE(timeModel.firstTimeMs)
        w.writeLE(timeModel.stepMs.bitPattern)
        w.writeLE(timeModel.maxError)
        w.writeLE(offset)
        w.writeLE(UInt32(length))
        w.writeLE(crc)
        let lengths = columnLengths.array
        w.write(UInt8(lengths.count))
        for l in lengths { w.writeLE(UInt32(l)) }
    }

    /// Decodes one entry; `describe` names the place for errors.
    static func decode(_ r: inout ByteReader, fileBytes: Int64) throws(CodecError) -> ChunkEntry {
        let start = r.offset
        let seriesID = try r.readLE(UInt32.self)
        let keyLength = Int(try r.readLE(UInt16.self))
        let keyText = try r.readUTF8(keyLength)
        let key: Key
        do { key = try Key(keyText) } catch {
            throw CodecError.malformed(offset: start, what: "the key '\(keyText.prefix(60))' is not a valid key: \(error)")
        }
        let firstSeq = try r.readLE(UInt64.self)
        let count = Int(try r.readLE(UInt32.self))
        let minTime = try r.readLE(Int64.self)
        let maxTime = try r.readLE(Int64.self)
        let firstHLC = HLC(rawValue: try r.readLE(UInt64.self))
        let lastHLC = HLC(rawValue: try r.readLE(UInt64.self))
        let firstLSN = try r.readLE(UInt64.self)
        let lastLSN = try r.readLE(UInt64.self)
        let flags = try r.readByte()
        let valueTag = try r.readByte()
        let parent = VersionID(bytes: try r.readBytes(32))
        let lastID = VersionID(bytes: try r.readBytes(32))
        let modelFirst = try r.readLE(Int64.self)
        let modelStep = Double(bitPattern: try r.readLE(UInt64.self))
        let modelError = try r.readLE(UInt32.self)
        let offset = try r.readLE(Int64.self)
        let length = Int(try r.readLE(UInt32.self))
        let crc = try r.readLE(UInt32.self)
        let columns = Int(try r.readByte())
        guard columns == Column.allCases.count else {
            throw CodecError.malformed(offset: start, what: "chunk of \(key) lists \(columns) columns, this version reads \(Column.allCases.count)")
        }
        var lengths: [Int] = []
        for _ in 0..<columns { lengths.append(Int(try r.readLE(UInt32.self))) }
        guard count >= 1 else { throw CodecError.malformed(offset: start, what: "chunk of \(key) holds no versions") }
        guard firstSeq >= 1 else { throw CodecError.malformed(offset: start, what: "chunk of \(key) starts at seq 0") }
        guard lengths.reduce(0, +) == length else {
            throw CodecError.malformed(offset: start, what: "chunk of \(key): column lengths add up to \(lengths.reduce(0, +)) bytes, the chunk has \(length)")
        }
        guard offset >= Int64(BlockFormat.headerBytes), offset <= fileBytes - Int64(length) else {
            throw CodecError.malformed(offset: start, what: "chunk of \(key) at \(offset)+\(length) lies outside the file (\(fileBytes) bytes)")
        }
        guard minTime <= maxTime, firstLSN <= lastLSN, firstHLC <= lastHLC else {
            throw CodecError.malformed(offset: start, what: "chunk of \(key) has inverted ranges")
        }
        return ChunkEntry(
            seriesID: seriesID, key: key, firstSeq: firstSeq, count: count, minTimeMs: minTime, maxTimeMs: maxTime,
            firstHLC: firstHLC, lastHLC: lastHLC, firstLSN: firstLSN, lastLSN: lastLSN, flags: flags,
            valueTag: valueTag, parent: flags & flagHasParent != 0 ? parent : nil, lastID: lastID,
            timeModel: TimeModel(firstTimeMs: modelFirst, stepMs: modelStep, maxError: modelError),
            offset: offset, length: length, crc: crc, columnLengths: ColumnLengths(lengths))
    }
}
