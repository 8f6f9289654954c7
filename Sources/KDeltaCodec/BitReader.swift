/// Reads bit fields written by `BitWriter` (least significant bit first) from a byte range,
/// without a per-bit loop: `peek()` loads eight bytes at once and yields at least 57 valid
/// bits, so a unary code is a count of trailing zeros and a field is a shift and a mask.
///
/// Reading never touches memory outside the range: near its end the missing bytes read as
/// zeros. A reader that went past the end says so in `isOverrun`, and the decoders check it
/// before trusting a frame (docs/format/columns.md, "Corruption").
public struct BitReader {
    /// The first byte of the range (nil when it is empty).
    @usableFromInline let base: UnsafeRawPointer?
    /// Bytes in the range.
    @usableFromInline let byteCount: Int
    /// Below this bit position an 8-byte load at the position's byte stays in the range.
    @usableFromInline let fastLimit: Int
    /// Bits consumed so far (only ever grows, so every load stays in the range).
    @usableFromInline var position: Int

    /// Bits consumed so far.
    @inlinable public var bitPosition: Int { position }

    /// A reader of `bytes`, from its first bit.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) {
        base = bytes.baseAddress
        byteCount = bytes.count
        fastLimit = bytes.baseAddress == nil ? 0 : (bytes.count - 7) * 8
        position = 0
    }

    /// Bits in the range.
    @inlinable public var bitCapacity: Int { byteCount &* 8 }

    /// True when more bits were consumed than the range holds: the input was truncated or
    /// corrupt.
    @inlinable public var isOverrun: Bool { position > byteCount &* 8 }

    /// The next bits without consuming them: at least 57 are valid (bits past the end of
    /// the range read as zero).
    @inlinable @inline(__always)
    public func peek() -> UInt64 {
        if position < fastLimit {
            let word = UInt64(littleEndian: base.unsafelyUnwrapped.loadUnaligned(fromByteOffset: position &>> 3, as: UInt64.self))
            return word &>> UInt64(truncatingIfNeeded: position & 7)
        }
        return peekNearEnd()
    }

    @usableFromInline
    func peekNearEnd() -> UInt64 {
        let byte = position >> 3
        guard position >= 0, byte < byteCount, let base else { return 0 }
        var word: UInt64 = 0
        var i = byteCount - 1
        while i >= byte {
            word = word << 8 | UInt64(base.load(fromByteOffset: i, as: UInt8.self))
            i -= 1
        }
        return word >> UInt64(position & 7)
    }

    /// Consumes `count` (>= 0) bits without reading them.
    @inlinable @inline(__always)
    public mutating func skip(_ count: Int) { position &+= count }

    /// Reads a field of `count` bits, 0...56.
    @inlinable @inline(__always)
    public mutating func read(_ count: Int) -> UInt64 {
        let value = peek() & BitReader.mask(count)
        position &+= count
        return value
    }

    /// Reads a field of `count` bits, 0...64.
    @inlinable
    public mutating func readWide(_ count: Int) -> UInt64 {
        if count <= 56 { return read(count) }
        let low = read(32)
        let high = read(count - 32)
        return high << 32 | low
    }

    /// Reads one bit.
    @inlinable @inline(__always)
    public mutating func readBit() -> Bool { read(1) != 0 }

    /// The low `count` bits set, for `count` in 0...64.
    @inlinable @inline(__always)
    public static func mask(_ count: Int) -> UInt64 {
        count >= 64 ? ~0 : (UInt64(1) &<< UInt64(truncatingIfNeeded: count)) &- 1
    }
}
