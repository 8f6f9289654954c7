/// Reads values back from a byte buffer, bounds-checked: every read that would run past the
/// end throws `CodecError.truncated` with the offset, so a corrupt record is reported, never
/// read out of bounds.
public struct ByteReader {
    /// The bytes being read. The caller keeps them alive for the reader's lifetime.
    public let buffer: UnsafeRawBufferPointer
    /// The next offset to read.
    public var offset: Int

    /// Reads `buffer` from `offset`.
    public init(_ buffer: UnsafeRawBufferPointer, offset: Int = 0) {
        self.buffer = buffer
        self.offset = offset
    }

    /// Bytes left.
    @inlinable public var remaining: Int { buffer.count - offset }

    /// True when every byte was read.
    @inlinable public var isAtEnd: Bool { offset >= buffer.count }

    @inlinable mutating func need(_ n: Int) throws(CodecError) {
        if n > buffer.count - offset { throw CodecError.truncated(offset: offset, needed: n) }
    }

    /// Reads one byte.
    @inlinable public mutating func readByte() throws(CodecError) -> UInt8 {
        try need(1)
        let b = buffer[offset]
        offset += 1
        return b
    }

    /// Reads a little-endian integer.
    @inlinable public mutating func readLE<T: FixedWidthInteger>(_: T.Type) throws(CodecError) -> T {
        try need(MemoryLayout<T>.size)
        let v = buffer.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
        return T(littleEndian: v)
    }

    /// Reads a big-endian integer.
    @inlinable public mutating func readBE<T: FixedWidthInteger>(_: T.Type) throws(CodecError) -> T {
        try need(MemoryLayout<T>.size)
        let v = buffer.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
        return T(bigEndian: v)
    }

    /// Reads an unsigned LEB128 varint of at most 10 bytes.
    @inlinable public mutating func readVarint() throws(CodecError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        let start = offset
        while true {
            guard offset < buffer.count else { throw CodecError.truncated(offset: start, needed: offset - start + 1) }
            let b = buffer[offset]
            offset += 1
            if shift == 63 && b > 1 { throw CodecError.malformed(offset: start, what: "varint overflows 64 bits") }
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
            if shift > 63 { throw CodecError.malformed(offset: start, what: "varint longer than 10 bytes") }
        }
    }

    /// Reads a zigzag varint.
    @inlinable public mutating func readZigzag() throws(CodecError) -> Int64 {
        Zigzag.decode(try readVarint())
    }

    /// Reads `n` bytes as a buffer slice (no copy).
    @inlinable public mutating func readBytes(_ n: Int) throws(CodecError) -> UnsafeRawBufferPointer {
        guard n >= 0 else { throw CodecError.malformed(offset: offset, what: "negative length \(n)") }
        try need(n)
        let slice = UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + n])
        offset += n
        return slice
    }

    /// Reads `n` bytes as UTF-8 text, refusing invalid UTF-8.
    public mutating func readUTF8(_ n: Int) throws(CodecError) -> String {
        let start = offset
        let raw = try readBytes(n)
        guard let s = String(validating: raw, as: UTF8.self) else {
            throw CodecError.malformed(offset: start, what: "invalid UTF-8 in a \(n)-byte text")
        }
        return s
    }
}
