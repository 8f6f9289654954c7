import KDeltaCrypto
import KDeltaModel

/// Computes version ids: SHA-256 over the canonical version encoding of
/// docs/format/version.md. One field per constant below; change none without a new magic.
///
/// A reference type holding one scratch buffer, allocated once and reused: the write path
/// hashes every reading, so this must not allocate. Not thread-safe: one per writer.
///
/// Its state lives behind a constant pointer rather than in stored `var`s: a class's
/// `var` is checked for exclusive access at run time on every use, which measured ~10 ns
/// an id when `ChunkReader.versions` hashes a chain.
public final class VersionHasher {
    /// The first 4 bytes of every encoding: names the scheme, so a future one cannot collide.
    public static let magic: [UInt8] = Array("KDV1".utf8)
    /// Flag bit: a source time follows.
    public static let flagHasSourceTime: UInt8 = 0x01

    /// The scratch buffer: its bytes, its capacity, and where the key in it ends.
    private struct Buffer {
        var bytes: UnsafeMutableRawPointer
        var capacity: Int
        /// Where the fields after the key start.
        var tailOffset: Int
    }

    private let buffer: UnsafeMutablePointer<Buffer>
    /// Bytes of an encoding besides its key and a text value's bytes.
    private static let fixedBytes = 4 + 32 + 2 + 8 + 8 + 1 + 8 + 1 + 4 + 8
    /// Where the parent's id starts in an encoding (after the magic).
    private static let parentOffset = 4
    /// Where the key's bytes start (after the parent and the key's length).
    private static let keyOffset = 4 + 32 + 2

    /// Creates a hasher with a scratch buffer for any encoding of a number or a short
    /// text; it grows (once, to the largest value size) when a longer text comes. Small,
    /// so that a point read creating one does not allocate 64 KiB.
    public init() {
        let capacity = Self.fixedBytes + Limits.keyBytesMax + 64
        let bytes = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
        for (i, b) in Self.magic.enumerated() { bytes.storeBytes(of: b, toByteOffset: i, as: UInt8.self) }
        bytes.storeBytes(of: UInt16(0), toByteOffset: Self.keyOffset - 2, as: UInt16.self)
        buffer = .allocate(capacity: 1)
        buffer.initialize(to: Buffer(bytes: bytes, capacity: capacity, tailOffset: Self.keyOffset))
    }

    /// Makes room for an encoding whose value takes `valueBytes`, keeping what the buffer
    /// holds (the magic and the key).
    private func reserve(valueBytes: Int) {
        let needed = Self.fixedBytes + Limits.keyBytesMax + valueBytes
        guard needed > buffer.pointee.capacity else { return }
        let grown = max(needed, Self.fixedBytes + Limits.keyBytesMax + Limits.valueBytesMax)
        let bigger = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 8)
        bigger.copyMemory(from: buffer.pointee.bytes, byteCount: buffer.pointee.tailOffset)
        buffer.pointee.bytes.deallocate()
        buffer.pointee.bytes = bigger
        buffer.pointee.capacity = grown
    }

    deinit {
        buffer.pointee.bytes.deallocate()
        buffer.deallocate()
    }

    /// The id of a version with these fields. `key` is the key's UTF-8 bytes.
    public func id(
        key: UnsafeRawBufferPointer, parent: VersionID?, seq: UInt64, hlc: HLC,
        sourceTimeMs: Int64?, value: Value
    ) -> VersionID {
        setKey(key)
        return id(parent: parent, seq: seq, hlc: hlc, sourceTimeMs: sourceTimeMs, value: value)
    }

    /// Sets the key of the ids `id(parent:seq:hlc:sourceTimeMs:value:)` computes: a
    /// chain of versions of one key writes the key once.
    public func setKey(_ key: UnsafeRawBufferPointer) {
        precondition(key.count <= Limits.keyBytesMax, "key of \(key.count) bytes passed validation")
        let bytes = buffer.pointee.bytes
        bytes.storeBytes(of: UInt16(key.count).bigEndian, toByteOffset: Self.keyOffset - 2, as: UInt16.self)
        if key.count > 0 { (bytes + Self.keyOffset).copyMemory(from: key.baseAddress!, byteCount: key.count) }
        buffer.pointee.tailOffset = Self.keyOffset + key.count
    }

    /// The id of a version of the key last given to `setKey` (or to `id(key:...)`).
    public func id(parent: VersionID?, seq: UInt64, hlc: HLC, sourceTimeMs: Int64?, value: Value) -> VersionID {
        let n = encode(parent: parent, seq: seq, hlc: hlc, sourceTimeMs: sourceTimeMs, value: value)
        let d = SHA256.digest(UnsafeRawBufferPointer(start: buffer.pointee.bytes, count: n))
        return VersionID(w0: d.w0, w1: d.w1, w2: d.w2, w3: d.w3)
    }

    /// The canonical encoding of a version (for tests and docs); `id` hashes exactly these.
    public func canonicalBytes(
        key: UnsafeRawBufferPointer, parent: VersionID?, seq: UInt64, hlc: HLC,
        sourceTimeMs: Int64?, value: Value
    ) -> [UInt8] {
        setKey(key)
        let n = encode(parent: parent, seq: seq, hlc: hlc, sourceTimeMs: sourceTimeMs, value: value)
        return Array(UnsafeRawBufferPointer(start: buffer.pointee.bytes, count: n))
    }

    /// Writes the encoding's parent and the fields after the key (the magic and the key
    /// are in place) and returns its length.
    private func encode(parent: VersionID?, seq: UInt64, hlc: HLC, sourceTimeMs: Int64?, value: Value) -> Int {
        // Room for the value first: the buffer may be replaced, so before anything is in it.
        var documentText: [UInt8] = []
        switch value {
        case .string(let s): reserve(valueBytes: s.utf8.count)
        case .document(let j):
            j.writeCanonical(into: &documentText)
            reserve(valueBytes: documentText.count)
        default: break
        }
        let scratch = buffer.pointee.bytes
        var o = Self.parentOffset
        let p = parent ?? .zero
        Self.be(scratch, &o, p.w0)
        Self.be(scratch, &o, p.w1)
        Self.be(scratch, &o, p.w2)
        Self.be(scratch, &o, p.w3)
        o = buffer.pointee.tailOffset
        Self.be(scratch, &o, seq)
        Self.be(scratch, &o, hlc.rawValue)
        if let t = sourceTimeMs {
            Self.be(scratch, &o, Self.flagHasSourceTime)
            Self.be(scratch, &o, t)
        } else {
            Self.be(scratch, &o, UInt8(0))
        }
        Self.be(scratch, &o, value.tag.rawValue)
        switch value {
        case .double(let d): Self.be(scratch, &o, d.bitPattern)
        case .int(let i): Self.be(scratch, &o, i)
        case .bool(let b): Self.be(scratch, &o, UInt8(b ? 1 : 0))
        case .string(let s):
            var s = s
            s.withUTF8 { u in
                precondition(u.count <= Limits.valueBytesMax, "string value of \(u.count) bytes passed validation")
                Self.be(scratch, &o, UInt32(u.count))
                if u.count > 0 { (scratch + o).copyMemory(from: u.baseAddress!, byteCount: u.count) }
                o += u.count
            }
        case .document:
            let text = documentText
            precondition(text.count <= Limits.valueBytesMax, "document of \(text.count) bytes passed validation")
            Self.be(scratch, &o, UInt32(text.count))
            text.withUnsafeBytes { u in
                if u.count > 0 { (scratch + o).copyMemory(from: u.baseAddress!, byteCount: u.count) }
            }
            o += text.count
        }
        return o
    }

    /// Stores `v` big-endian at `o` and moves `o` past it. A static function, not a
    /// nested one: a nested function capturing `o` made every store an exclusivity check.
    @inline(__always)
    private static func be<T: FixedWidthInteger>(_ scratch: UnsafeMutableRawPointer, _ o: inout Int, _ v: T) {
        scratch.storeBytes(of: v.bigEndian, toByteOffset: o, as: T.self)
        o += MemoryLayout<T>.size
    }
}
