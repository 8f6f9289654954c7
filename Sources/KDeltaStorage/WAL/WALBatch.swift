import KDeltaCodec
import KDeltaModel

/// The content of one WAL batch record (type 1), decoded: the keys it introduces and its
/// versions with their ids. Recovery trusts the ids (the record's CRC covers them);
/// `verify` recomputes every id from its content and parent (docs/format/wal.md).
public struct WALBatch: Sendable {
    /// The LSN of the first entry; the others follow consecutively.
    public var firstLSN: UInt64
    /// Series first written in this batch, with the id the store gave them.
    public var newKeys: [(seriesID: UInt32, key: Key)]
    /// The versions, in LSN order.
    public var entries: [WALEntry]
}

/// One version inside a WAL batch.
public struct WALEntry: Sendable {
    /// The store's id of the series.
    public var seriesID: UInt32
    /// Position in the key's history.
    public var seq: UInt64
    /// When the store wrote it.
    public var hlc: HLC
    /// When the sensor took it, if said.
    public var sourceTimeMs: Int64?
    /// The value.
    public var value: Value
    /// The version id the writer computed.
    public var id: VersionID
}

/// Writes batch records straight into the writer's reusable buffer: the frame header
/// (patched last), then the payload of docs/format/wal.md.
struct WALBatchEncoder {
    /// Flag bit in the tag byte: a source time follows.
    static let flagSourceTime: UInt8 = 0x80
    /// Payload bytes before the keys: first LSN 8, HLC base 8, key count 4, entry count 4.
    static let payloadFixedBytes = 24

    var w = ByteWriter(capacity: 1 << 20)
    private var hlcBase: UInt64 = 0

    /// Starts a record.
    mutating func begin(firstLSN: UInt64, hlcBase: HLC, keyCount: Int, entryCount: Int) {
        w.removeAll()
        for _ in 0..<WALFormat.recordHeaderBytes { w.write(0) }
        w.writeLE(firstLSN)
        w.writeLE(hlcBase.rawValue)
        w.writeLE(UInt32(keyCount))
        w.writeLE(UInt32(entryCount))
        self.hlcBase = hlcBase.rawValue
    }

    /// Adds a key definition. All keys come before the first entry.
    mutating func addKey(seriesID: UInt32, utf8 key: [UInt8]) {
        w.writeVarint(UInt64(seriesID))
        w.writeVarint(UInt64(key.count))
        w.write(contentsOf: key)
    }

    /// Adds an entry; `hlc` must not be below the record's HLC base.
    @inline(__always)
    mutating func addEntry(seriesID: UInt32, seq: UInt64, hlc: HLC, sourceTimeMs: Int64?, value: Value, id: VersionID) {
        precondition(hlc.rawValue >= hlcBase, "HLC went below the batch's base")
        w.writeVarint(UInt64(seriesID))
        w.writeVarint(seq)
        w.writeVarint(hlc.rawValue - hlcBase)
        if let t = sourceTimeMs {
            w.write(value.tag.rawValue | Self.flagSourceTime)
            w.writeZigzag(t)
        } else {
            w.write(value.tag.rawValue)
        }
        ValueCodec.write(value, into: &w)
        w.writeBE(id.w0)
        w.writeBE(id.w1)
        w.writeBE(id.w2)
        w.writeBE(id.w3)
    }

    /// Bytes of the record so far, header included.
    var count: Int { w.count }

    /// Patches the header (length, type, checksum) and returns the framed record.
    mutating func finish() -> [UInt8] {
        let payload = w.count - WALFormat.recordHeaderBytes
        w.patchLE(UInt32(payload), at: 4)
        w.patchLE(UInt32(WALFormat.recordTypeBatch), at: 8)
        let crc = w.bytes.withUnsafeBytes { raw in
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[4...]))
        }
        w.patchLE(crc, at: 0)
        return w.bytes
    }
}

/// Decodes the payload of a batch record.
enum WALBatchDecoder {
    static func decode(_ payload: UnsafeRawBufferPointer) throws(CodecError) -> WALBatch {
        var r = ByteReader(payload)
        let firstLSN = try r.readLE(UInt64.self)
        let hlcBase = try r.readLE(UInt64.self)
        let keyCount = Int(try r.readLE(UInt32.self))
        let entryCount = Int(try r.readLE(UInt32.self))
        // Each key takes at least 3 bytes and each entry at least 37: refuse counts the
        // payload cannot hold before allocating for them.
        guard keyCount * 3 + entryCount * 37 <= r.remaining else {
            throw CodecError.malformed(offset: 16, what: "counts \(keyCount) keys / \(entryCount) entries exceed the record")
        }
        var keys: [(seriesID: UInt32, key: Key)] = []
        keys.reserveCapacity(keyCount)
        for _ in 0..<keyCount {
            let at = r.offset
            let id = try r.readVarint()
            let n = try r.readVarint()
            guard id <= UInt64(UInt32.max), n <= UInt64(Limits.keyBytesMax) else {
                throw CodecError.malformed(offset: at, what: "key definition (series \(id), \(n) bytes) out of range")
            }
            let text = try r.readUTF8(Int(n))
            do { keys.append((UInt32(id), try Key(text))) } catch {
                throw CodecError.malformed(offset: at, what: "stored key is invalid: \(error)")
            }
        }
        var entries: [WALEntry] = []
        entries.reserveCapacity(entryCount)
        for _ in 0..<entryCount {
            let at = r.offset
            let sid = try r.readVarint()
            guard sid <= UInt64(UInt32.max) else { throw CodecError.malformed(offset: at, what: "series id \(sid)") }
            let seq = try r.readVarint()
            let delta = try r.readVarint()
            let tagFlags = try r.readByte()
            var time: Int64? = nil
            if tagFlags & WALBatchEncoder.flagSourceTime != 0 { time = try r.readZigzag() }
            let value = try ValueCodec.read(tag: tagFlags & 0x0F, from: &r)
            let id = VersionID(
                w0: try r.readBE(UInt64.self), w1: try r.readBE(UInt64.self),
                w2: try r.readBE(UInt64.self), w3: try r.readBE(UInt64.self))
            let (hlc, overflow) = hlcBase.addingReportingOverflow(delta)
            if overflow { throw CodecError.malformed(offset: at, what: "HLC delta overflows") }
            entries.append(WALEntry(seriesID: UInt32(sid), seq: seq, hlc: HLC(rawValue: hlc), sourceTimeMs: time, value: value, id: id))
        }
        guard r.isAtEnd else {
            throw CodecError.malformed(offset: r.offset, what: "\(r.remaining) bytes after the last entry")
        }
        return WALBatch(firstLSN: firstLSN, newKeys: keys, entries: entries)
    }
}
