/// An append-only byte buffer that is allocated once and reused: `removeAll` keeps its
/// capacity, so the write path encodes batch after batch without allocating.
public struct ByteWriter: Sendable {
    /// The bytes written so far.
    /// Mutate only through the write methods.
    public var bytes: [UInt8]

    /// Creates a writer with room for `capacity` bytes.
    public init(capacity: Int = 4096) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Number of bytes written.
    @inlinable public var count: Int { bytes.count }

    /// Forgets the content, keeping the capacity.
    public mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    /// Appends one byte.
    @inlinable public mutating func write(_ b: UInt8) { bytes.append(b) }

    /// Appends bytes.
    @inlinable public mutating func write<C: Collection>(contentsOf c: C) where C.Element == UInt8 {
        bytes.append(contentsOf: c)
    }

    /// Appends a string's UTF-8 bytes.
    @inlinable public mutating func write(utf8 s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Appends `v` little-endian in `T`'s width.
    @inlinable public mutating func writeLE<T: FixedWidthInteger>(_ v: T) {
        var x = v.littleEndian
        withUnsafeBytes(of: &x) { bytes.append(contentsOf: $0) }
    }

    /// Appends `v` big-endian in `T`'s width.
    @inlinable public mutating func writeBE<T: FixedWidthInteger>(_ v: T) {
        var x = v.bigEndian
        withUnsafeBytes(of: &x) { bytes.append(contentsOf: $0) }
    }

    /// Appends an unsigned LEB128 varint (1 to 10 bytes).
    @inlinable public mutating func writeVarint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// Appends a signed value zigzag-encoded as a varint, so small negatives stay short.
    @inlinable public mutating func writeZigzag(_ v: Int64) {
        writeVarint(Zigzag.encode(v))
    }

    /// Overwrites 4 bytes at `offset`, little-endian (for a length or checksum written
    /// after the content it describes).
    @inlinable public mutating func patchLE(_ v: UInt32, at offset: Int) {
        precondition(offset >= 0 && offset + 4 <= bytes.count, "patch at \(offset) is outside \(bytes.count) bytes")
        bytes[offset] = UInt8(truncatingIfNeeded: v)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: v >> 8)
        bytes[offset + 2] = UInt8(truncatingIfNeeded: v >> 16)
        bytes[offset + 3] = UInt8(truncatingIfNeeded: v >> 24)
    }
}

/// Zigzag mapping of signed to unsigned integers (0, -1, 1, -2 … → 0, 1, 2, 3 …).
public enum Zigzag {
    /// Maps a signed value to its zigzag code.
    @inlinable public static func encode(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }
    /// Maps a zigzag code back.
    @inlinable public static func decode(_ u: UInt64) -> Int64 { Int64(bitPattern: u >> 1) ^ -Int64(bitPattern: u & 1) }
}
