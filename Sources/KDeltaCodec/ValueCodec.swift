import KDeltaModel

/// The compact encoding of a value inside WAL records (docs/format/wal.md, "value"):
/// doubles as 8 little-endian bytes of their bit pattern (exact: NaN payloads, -0.0 and
/// infinities survive), ints as zigzag varints, bools as one byte, strings and documents
/// (canonical JSON text) as a varint length and UTF-8 bytes. The tag is written by the
/// caller, which packs flags beside it.
public enum ValueCodec {
    /// Appends `value`'s payload (not its tag).
    @inlinable
    public static func write(_ value: Value, into w: inout ByteWriter) {
        switch value {
        case .double(let d): w.writeLE(d.bitPattern)
        case .int(let i): w.writeZigzag(i)
        case .bool(let b): w.write(b ? 1 : 0)
        case .string(let s):
            w.writeVarint(UInt64(s.utf8.count))
            w.write(utf8: s)
        case .document(let j):
            var text: [UInt8] = []
            j.writeCanonical(into: &text)
            w.writeVarint(UInt64(text.count))
            w.write(contentsOf: text)
        }
    }

    /// Reads a payload of type `tag`.
    public static func read(tag: UInt8, from r: inout ByteReader) throws(CodecError) -> Value {
        let start = r.offset
        guard let t = ValueTag(rawValue: tag) else {
            throw CodecError.malformed(offset: start, what: "unknown value tag \(tag)")
        }
        switch t {
        case .double: return .double(Double(bitPattern: try r.readLE(UInt64.self)))
        case .int: return .int(try r.readZigzag())
        case .bool:
            let b = try r.readByte()
            guard b <= 1 else { throw CodecError.malformed(offset: start, what: "bool byte \(b)") }
            return .bool(b == 1)
        case .string:
            let n = try r.readVarint()
            guard n <= UInt64(Limits.valueBytesMax) else {
                throw CodecError.malformed(offset: start, what: "string length \(n) above \(Limits.valueBytesMax)")
            }
            return .string(try r.readUTF8(Int(n)))
        case .document:
            let n = try r.readVarint()
            guard n <= UInt64(Limits.valueBytesMax) else {
                throw CodecError.malformed(offset: start, what: "document length \(n) above \(Limits.valueBytesMax)")
            }
            let at = r.offset
            let raw = try r.readBytes(Int(n))
            do {
                return .document(try JSONParser.parse(raw))
            } catch {
                throw CodecError.malformed(offset: at, what: "stored JSON document does not parse (\(error))")
            }
        }
    }
}
