import KDeltaCrypto
import KDeltaModel

/// Computes version ids: SHA-256 over the canonical version encoding of
/// docs/format/version.md. One field per constant below; change none without a new magic.
///
/// A reference type holding one scratch buffer, allocated once and reused: the write path
/// hashes every reading, so this must not allocate. Not thread-safe: one per writer.
public final class VersionHasher {
    /// The first 4 bytes of every encoding: names the scheme, so a future one cannot collide.
    public static let magic: [UInt8] = Array("KDV1".utf8)
    /// Flag bit: a source time follows.
    public static let flagHasSourceTime: UInt8 = 0x01

    private var scratch: UnsafeMutableRawPointer
    private var capacity: Int
    /// Bytes of an encoding besides its key and a text value's bytes.
    private static let fixedBytes = 4 + 32 + 2 + 8 + 8 + 1 + 8 + 1 + 4 + 8

    /// Creates a hasher with a scratch buffer for any encoding of a number or a short
    /// text; it grows (once, to the largest value size) when a longer text comes. Small,
    /// so that a point read creating one does not allocate 64 KiB.
    public init() {
        capacity = Self.fixedBytes + Limits.keyBytesMax + 64
        scratch = .allocate(byteCount: capacity, alignment: 8)
    }

    /// Makes room for an encoding whose value takes `valueBytes`.
    private func reserve(valueBytes: Int) {
        let needed = Self.fixedBytes + Limits.keyBytesMax + valueBytes
        guard needed > capacity else { return }
        let grown = max(needed, Self.fixedBytes + Limits.keyBytesMax + Limits.valueBytesMax)
        scratch.deallocate()
        scratch = .allocate(byteCount: grown, alignment: 8)
        capacity = grown
    }

    deinit { scratch.deallocate() }

    /// The id of a version with these fields. `key` is the key's UTF-8 bytes.
    public func id(
        key: UnsafeRawBufferPointer, parent: VersionID?, seq: UInt64, hlc: HLC,
        sourceTimeMs: Int64?, value: Value
    ) -> VersionID {
        let n = encode(key: key, parent: parent, seq: seq, hlc: hlc, sourceTimeMs: sourceTimeMs, value: value)
        let d = SHA256.digest(UnsafeRawBufferPointer(start: scratch, count: n))
        return VersionID(w0: d.w0, w1: d.w1, w2: d.w2, w3: d.w3)
    }

    /// The canonical encoding of a version (for tests and docs); `id` hashes exactly these.
    public func canonicalBytes(
        key: UnsafeRawBufferPointer, parent: VersionID?, seq: UInt64, hlc: HLC,
        sourceTimeMs: Int64?, value: Value
    ) -> [UInt8] {
        let n = encode(key: key, parent: parent, seq: seq, hlc: hlc, sourceTimeMs: sourceTimeMs, value: value)
        return Array(UnsafeRawBufferPointer(start: scratch, count: n))
    }

    private func encode(
        key: UnsafeRawBufferPointer, parent: VersionID?, seq: UInt64, hlc: HLC,
        sourceTimeMs: Int64?, value: Value
    ) -> Int {
        precondition(key.count <= Limits.keyBytesMax, "key of \(key.count) bytes passed validation")
        // Room for the value first: the buffer may be replaced, so before anything is in it.
        var documentText: [UInt8] = []
        switch value {
        case .string(let s): reserve(valueBytes: s.utf8.count)
        case .document(let j):
            j.writeCanonical(into: &documentText)
            reserve(valueBytes: documentText.count)
        default: break
        }
        // A local: the property is only read once per encoding (no exclusivity checks).
        let scratch = self.scratch
        var o = 0
        @inline(__always) func be<T: FixedWidthInteger>(_ v: T) {
            scratch.storeBytes(of: v.bigEndian, toByteOffset: o, as: T.self)
            o += MemoryLayout<T>.size
        }
        for b in Self.magic { scratch.storeBytes(of: b, toByteOffset: o, as: UInt8.self); o += 1 }
        let p = parent ?? .zero
        be(p.w0); be(p.w1); be(p.w2); be(p.w3)
        be(UInt16(key.count))
        if key.count > 0 { (scratch + o).copyMemory(from: key.baseAddress!, byteCount: key.count) }
        o += key.count
        be(seq)
        be(hlc.rawValue)
        if let t = sourceTimeMs {
            be(Self.flagHasSourceTime)
            be(t)
        } else {
            be(UInt8(0))
        }
        be(value.tag.rawValue)
        switch value {
        case .double(let d): be(d.bitPattern)
        case .int(let i): be(i)
        case .bool(let b): be(UInt8(b ? 1 : 0))
        case .string(let s):
            var s = s
            s.withUTF8 { u in
                precondition(u.count <= Limits.valueBytesMax, "string value of \(u.count) bytes passed validation")
                be(UInt32(u.count))
                if u.count > 0 { (scratch + o).copyMemory(from: u.baseAddress!, byteCount: u.count) }
                o += u.count
            }
        case .document:
            let text = documentText
            precondition(text.count <= Limits.valueBytesMax, "document of \(text.count) bytes passed validation")
            be(UInt32(text.count))
            text.withUnsafeBytes { u in
                if u.count > 0 { (scratch + o).copyMemory(from: u.baseAddress!, byteCount: u.count) }
            }
            o += text.count
        }
        return o
    }
}
