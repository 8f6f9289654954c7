/// Appends bit fields to a byte array, least significant bit first: the first field
/// written occupies the low bits of byte 0 (docs/format/columns.md, "Bit order"). Fields are
/// gathered in a 64-bit accumulator and stored eight bytes at a time.
public struct BitWriter: Sendable {
    /// The bytes completed so far; `finish()` adds the partial last bytes.
    public private(set) var bytes: [UInt8]
    /// Bits waiting in the accumulator, low bits first.
    @usableFromInline var pending: UInt64 = 0
    /// How many bits of `pending` are in use (0..<64).
    @usableFromInline var pendingCount: Int = 0

    /// An empty writer with room for `capacity` bytes.
    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Bits written so far, including those still in the accumulator.
    @inlinable public var bitCount: Int { bytes.count * 8 + pendingCount }

    /// Appends the low `count` bits of `value` (0...64 bits). Bits of `value` above `count`
    /// must be zero.
    @inlinable
    public mutating func write(_ value: UInt64, bits count: Int) {
        assert(count >= 0 && count <= 64, "a bit field of \(count) bits")
        assert(count == 64 || value >> UInt64(count) == 0, "value \(value) does not fit \(count) bits")
        if count == 0 { return }
        pending |= value << UInt64(pendingCount)
        let total = pendingCount + count
        if total < 64 {
            pendingCount = total
            return
        }
        flushWord()
        let used = 64 - pendingCount
        pending = used < 64 ? value >> UInt64(used) : 0
        pendingCount = total - 64
    }

    /// Appends `count` zero bits followed by a one: the unary code of `count`.
    @inlinable
    public mutating func writeUnary(_ count: Int) {
        var left = count
        while left >= 32 {
            write(0, bits: 32)
            left -= 32
        }
        write(UInt64(1) << UInt64(left), bits: left + 1)
    }

    @usableFromInline
    mutating func flushWord() {
        withUnsafeBytes(of: pending.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Pads the last byte with zero bits and returns the bytes; the writer is empty after.
    public mutating func finish() -> [UInt8] {
        var n = (pendingCount + 7) / 8
        var p = pending
        while n > 0 {
            bytes.append(UInt8(truncatingIfNeeded: p))
            p >>= 8
            n -= 1
        }
        pending = 0
        pendingCount = 0
        let out = bytes
        bytes = []
        return out
    }

    /// Pads to a byte boundary and appends the bytes to `writer`; the writer is reset and
    /// keeps its capacity.
    public mutating func finish(into writer: inout ByteWriter) {
        var n = (pendingCount + 7) / 8
        var p = pending
        writer.write(contentsOf: bytes)
        while n > 0 {
            writer.write(UInt8(truncatingIfNeeded: p))
            p >>= 8
            n -= 1
        }
        reset()
    }

    /// Forgets everything written, keeping the capacity.
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        pending = 0
        pendingCount = 0
    }
}
