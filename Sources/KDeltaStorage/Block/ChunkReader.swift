import KDeltaCodec
import KDeltaModel

/// Reads one series' chunk of a block: whole columns for scans, a few frames for point
/// lookups (the column codecs decode ranges frame by frame, docs/format/columns.md).
struct ChunkReader {
    let ref: ChunkRef
    private let bytes: UnsafeRawBufferPointer

    /// The entry's fields a read uses, without its key, computed once.
    let layout: ChunkLayout

    init(_ ref: ChunkRef) throws(StoreError) {
        self.ref = ref
        layout = ref.layout
        bytes = try ref.block.chunkBytes(ref.index, at: layout.fileOffset, length: layout.length)
    }

    var block: BlockFile { ref.block }
    var index: Int { ref.index }

    /// The whole directory entry (a copy).
    var entry: ChunkEntry { block.entries[index] }

    /// The entry's key, the id before its first version, and its last version's id, each
    /// read in place (a copy of the whole entry was a ~300-byte move and a few
    /// reference counts on every `get(at:)`).
    var key: Key { block.entries[index].key }
    var parentID: VersionID? { block.entries[index].parent }
    var lastID: VersionID { block.entries[index].lastID }

    var count: Int { layout.count }

    func column(_ c: ChunkEntry.Column) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[layout.columnRange(c)])
    }

    func check<T>(_ c: ChunkEntry.Column, _ body: () throws(CodecError) -> T) throws(StoreError) -> T {
        do throws(CodecError) { return try body() } catch { throw block.undecodable(index, c, error) }
    }

    /// Times (source time, or wall time of the HLC) of `range`: computed for a chunk whose
    /// times are regular (flag 32, `first + i * step`), decoded otherwise.
    func times(_ range: Range<Int>) throws(StoreError) -> [Int64] {
        if let step = layout.regularStepMs {
            let layout = self.layout
            return range.map { layout.regularTime(at: $0, step: step) }
        }
        let col = column(.times), n = count
        return try check(.times) { () throws(CodecError) in try TimeColumn.decode(col, count: n, range: range) }
    }

    func hlcs(_ range: Range<Int>) throws(StoreError) -> [UInt64] {
        let col = column(.hlcs), n = count
        return try check(.hlcs) { () throws(CodecError) in try TimeColumn.decode(col, count: n, range: range) }.map { UInt64(bitPattern: $0) }
    }

    func lsns(_ range: Range<Int>) throws(StoreError) -> [UInt64] {
        let col = column(.lsns), n = count
        return try check(.lsns) { () throws(CodecError) in try TimeColumn.decode(col, count: n, range: range) }.map { UInt64(bitPattern: $0) }
    }

    func sourceFlags(_ range: Range<Int>) throws(StoreError) -> [Bool] {
        if layout.flags & ChunkEntry.flagAllSourceTimes != 0 { return Array(repeating: true, count: range.count) }
        if layout.flags & ChunkEntry.flagNoSourceTimes != 0 { return Array(repeating: false, count: range.count) }
        let col = column(.sourceFlags), n = count
        return try check(.sourceFlags) { () throws(CodecError) in try BoolColumn.decode(col, count: n, range: range) }
    }

    /// The value tags of every version (mixed chunks only).
    private func allTags() throws(StoreError) -> [Int64] {
        let col = column(.tags), n = count
        return try check(.tags) { () throws(CodecError) in try IntColumn.decode(col, count: n) }
    }

    /// Values of `range` in the column of `tag`, counted within that column.
    private func typedValues(_ tag: ValueTag, _ range: Range<Int>, total: Int) throws(StoreError) -> [Value] {
        switch tag {
        case .double:
            let col = column(.doubles)
            return try check(.doubles) { () throws(CodecError) in try DoubleColumn.decode(col, count: total, range: range) }.map { .double($0) }
        case .int:
            let col = column(.ints)
            return try check(.ints) { () throws(CodecError) in try IntColumn.decode(col, count: total, range: range) }.map { .int($0) }
        case .bool:
            let col = column(.bools)
            return try check(.bools) { () throws(CodecError) in try BoolColumn.decode(col, count: total, range: range) }.map { .bool($0) }
        case .string, .document:
            let col = column(.bytes)
            let blobs = try check(.bytes) { () throws(CodecError) in try BytesColumn.decode(col, count: total, range: range) }
            var out: [Value] = []
            out.reserveCapacity(blobs.count)
            for b in blobs { out.append(try textValue(b, as: tag)) }
            return out
        }
    }

    /// A string or JSON document from its stored bytes.
    private func textValue(_ b: [UInt8], as tag: ValueTag) throws(StoreError) -> Value {
        guard let text = String(validating: b, as: UTF8.self) else {
            throw block.undecodable(index, .bytes, .malformed(offset: 0, what: "a stored text is not UTF-8"))
        }
        if tag == .string { return .string(text) }
        do { return .document(try JSONParser.parse(text)) } catch {
            throw block.undecodable(index, .bytes, .malformed(offset: 0, what: "a stored JSON document does not parse: \(error)"))
        }
    }

    /// Values of `range`.
    func values(_ range: Range<Int>) throws(StoreError) -> [Value] {
        if layout.valueTag != ChunkEntry.tagMixed {
            guard let tag = ValueTag(rawValue: layout.valueTag) else {
                throw block.undecodable(index, .tags, .malformed(offset: 0, what: "unknown value tag \(layout.valueTag)"))
            }
            return try typedValues(tag, range, total: count)
        }
        // Mixed types: each column holds its values in order (strings and documents share
        // the bytes column); a version's place in its column is its rank among the
        // versions before it that use the same column.
        let tags = try allTags()
        var parsed: [ValueTag] = []
        parsed.reserveCapacity(range.upperBound)
        for p in 0..<range.upperBound {
            guard let t = ValueTag(rawValue: UInt8(truncatingIfNeeded: tags[p])) else {
                throw block.undecodable(index, .tags, .malformed(offset: 0, what: "unknown value tag \(tags[p])"))
            }
            parsed.append(t)
        }
        func column(of t: ValueTag) -> ValueTag { t == .document ? .string : t }
        var totals: [ValueTag: Int] = [:]
        for t in tags { if let v = ValueTag(rawValue: UInt8(truncatingIfNeeded: t)) { totals[column(of: v), default: 0] += 1 } }
        var rank: [ValueTag: Int] = [:]
        for p in 0..<range.lowerBound { rank[column(of: parsed[p]), default: 0] += 1 }
        // Each column's values for the range, decoded once (documents parsed as such).
        var ranks: [Int] = []
        ranks.reserveCapacity(range.count)
        var span: [ValueTag: Range<Int>] = [:]
        for p in range {
            let c = column(of: parsed[p])
            let r = rank[c, default: 0]
            ranks.append(r)
            rank[c] = r + 1
            span[c] = (span[c]?.lowerBound ?? r)..<(r + 1)
        }
        var decoded: [ValueTag: [Value]] = [:]
        for (c, rs) in span where c != .string {
            decoded[c] = try typedValues(c, rs, total: totals[c, default: 0])
        }
        var blobs: [[UInt8]] = []
        if let rs = span[.string] {
            let col = self.column(.bytes), total = totals[.string, default: 0]
            blobs = try check(.bytes) { () throws(CodecError) in try BytesColumn.decode(col, count: total, range: rs) }
        }
        var out: [Value] = []
        out.reserveCapacity(range.count)
        for (j, p) in range.enumerated() {
            let t = parsed[p], c = column(of: t), i = ranks[j] - span[c]!.lowerBound
            if c == .string {
                out.append(try textValue(blobs[i], as: t))
            } else {
                out.append(decoded[c]![i])
            }
        }
        return out
    }

    /// The stored id at anchor `k` (the version at position `(k + 1) * anchorInterval - 1`).
    private func anchor(_ k: Int) -> VersionID {
        let col = column(.anchors)
        return VersionID(bytes: UnsafeRawBufferPointer(rebasing: col[(k * 32)..<(k * 32 + 32)]))
    }

    /// Full versions of `range`, ids and parents included: ids not stored are recomputed
    /// from the nearest anchor before the range (docs/format/block.md, "Version ids").
    /// `recomputeAll`: hash every version, stored ids included (for `verify`).
    func versions(_ range: Range<Int>, hasher: VersionHasher, recomputeAll: Bool = false) throws(StoreError) -> [Version] {
        guard !range.isEmpty else { return [] }
        let start = (range.lowerBound / BlockFormat.anchorInterval) * BlockFormat.anchorInterval
        var parent: VersionID? = start == 0 ? parentID : anchor(start / BlockFormat.anchorInterval - 1)
        let span = start..<range.upperBound
        if span.count == 1 {
            // One version whose parent is stored: each column's value(at:), no arrays.
            return [try version(at: start, parent: parent, hasher: hasher, recompute: recomputeAll)]
        }
        // LSNs only for the versions returned: the ids before them do not hash them.
        // Regular times and constant source flags are computed, not decoded.
        let hlcs = try self.hlcs(span)
        let lsns = range.count == 1 ? [try lsn(at: range.lowerBound)] : try self.lsns(range)
        let step = layout.regularStepMs
        let times = step == nil ? try self.times(span) : []
        let allSource = layout.flags & ChunkEntry.flagAllSourceTimes != 0
        let constantFlags = allSource || layout.flags & ChunkEntry.flagNoSourceTimes != 0
        let flags = constantFlags ? [] : try sourceFlags(span)
        let values = try spanValues(span)
        let key = self.key
        var keyText = key.rawValue
        keyText.withUTF8 { hasher.setKey(UnsafeRawBufferPointer($0)) }
        var out: [Version] = []
        out.reserveCapacity(range.count)
        for (j, p) in span.enumerated() {
            let seq = layout.firstSeq + UInt64(p)
            let hlc = HLC(rawValue: hlcs[j])
            let time = step.map { layout.regularTime(at: p, step: $0) } ?? times[j]
            let source: Int64? = (constantFlags ? allSource : flags[j]) ? time : nil
            let value = values[j]
            let id: VersionID
            if !recomputeAll && p == count - 1 {
                id = lastID
            } else if !recomputeAll && (p + 1) % BlockFormat.anchorInterval == 0 {
                id = anchor((p + 1) / BlockFormat.anchorInterval - 1)
            } else {
                id = hasher.id(parent: parent, seq: seq, hlc: hlc, sourceTimeMs: source, value: value)
            }
            if p >= range.lowerBound {
                out.append(Version(key: key, seq: seq, hlc: hlc, sourceTimeMs: source, value: value,
                                   parent: parent, id: id, lsn: lsns[p - range.lowerBound]))
            }
            parent = id
        }
        return out
    }

    /// The values of `span` in their column's type (`SpanValues`).
    private func spanValues(_ span: Range<Int>) throws(StoreError) -> SpanValues {
        let n = count
        switch layout.valueTag {
        case ValueTag.double.rawValue:
            let col = column(.doubles)
            return .doubles(try check(.doubles) { () throws(CodecError) in try DoubleColumn.decode(col, count: n, range: span) })
        case ValueTag.int.rawValue:
            let col = column(.ints)
            return .ints(try check(.ints) { () throws(CodecError) in try IntColumn.decode(col, count: n, range: span) })
        case ValueTag.bool.rawValue:
            let col = column(.bools)
            return .bools(try check(.bools) { () throws(CodecError) in try BoolColumn.decode(col, count: n, range: span) })
        default:
            return .values(try values(span))
        }
    }

    /// The LSN of position `p` alone.
    private func lsn(at p: Int) throws(StoreError) -> UInt64 {
        let col = column(.lsns), n = count
        return UInt64(bitPattern: try check(.lsns) { () throws(CodecError) in try TimeColumn.value(col, count: n, at: p) })
    }

    /// The version at `p` given its parent's id, each column read with its codec's
    /// allocation-free `value(at:)` (text and mixed values excepted). The id is the stored
    /// one when there is one, unless `recompute`.
    private func version(at p: Int, parent: VersionID?, hasher: VersionHasher, recompute: Bool) throws(StoreError) -> Version {
        let key = self.key
        let seq = layout.firstSeq + UInt64(p), n = count
        let time = try self.time(at: p)
        let hlcCol = column(.hlcs)
        let hlc = HLC(rawValue: UInt64(bitPattern: try check(.hlcs) { () throws(CodecError) in try TimeColumn.value(hlcCol, count: n, at: p) }))
        let lsn = try self.lsn(at: p)
        let hasSource: Bool
        if layout.flags & ChunkEntry.flagAllSourceTimes != 0 {
            hasSource = true
        } else if layout.flags & ChunkEntry.flagNoSourceTimes != 0 {
            hasSource = false
        } else {
            let col = column(.sourceFlags)
            hasSource = try check(.sourceFlags) { () throws(CodecError) in try BoolColumn.value(col, count: n, at: p) }
        }
        let source: Int64? = hasSource ? time : nil
        let value = try self.value(at: p)
        let id: VersionID
        if !recompute && p == count - 1 {
            id = lastID
        } else if !recompute && (p + 1) % BlockFormat.anchorInterval == 0 {
            id = anchor((p + 1) / BlockFormat.anchorInterval - 1)
        } else {
            var keyText = key.rawValue
            id = keyText.withUTF8 { hasher.id(key: UnsafeRawBufferPointer($0), parent: parent, seq: seq, hlc: hlc, sourceTimeMs: source, value: value) }
        }
        return Version(key: key, seq: seq, hlc: hlc, sourceTimeMs: source, value: value, parent: parent, id: id, lsn: lsn)
    }

    /// Stored ids the chain must reach, for `verify`: (position, id) of every anchor and
    /// the last version.
    func storedIDs() -> [(Int, VersionID)] {
        var out: [(Int, VersionID)] = []
        var k = 0
        while (k + 1) * BlockFormat.anchorInterval - 1 < count - 1 {
            out.append(((k + 1) * BlockFormat.anchorInterval - 1, anchor(k)))
            k += 1
        }
        out.append((count - 1, lastID))
        return out
    }

    /// Position of the version with the greatest time at or before `t` (the later one on
    /// ties): for a sorted chunk the time model's window, then a search inside it
    /// (`lastAtOrBefore(time:)`); otherwise a pass over the whole time column.
    func indexAtOrBeforeTime(_ t: Int64) throws(StoreError) -> Int? {
        if t < layout.minTimeMs { return nil }
        if layout.timesSorted { return try lastAtOrBefore(time: t)?.position }
        let all = try times(0..<count)
        var best: Int? = nil
        for (i, x) in all.enumerated() where x <= t {
            if let b = best { if x >= all[b] { best = i } } else { best = i }
        }
        return best
    }

    /// Position of the last version written at or before `hlc` (HLCs increase in a chunk).
    func indexAtOrBefore(_ hlc: HLC) throws(StoreError) -> Int? {
        if hlc < layout.firstHLC { return nil }
        if hlc >= layout.lastHLC { return count - 1 }
        let all = try hlcs(0..<count)
        var lo = 0, hi = all.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if all[mid] <= hlc.rawValue { lo = mid + 1 } else { hi = mid }
        }
        return lo > 0 ? lo - 1 : nil
    }
}
