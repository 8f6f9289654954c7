/// The content address of a version: SHA-256 over the version's canonical encoding, which
/// includes its parent's id, so the ids of one key form a hash chain (docs/format/version.md).
public struct VersionID: Hashable, Sendable, CustomStringConvertible, Comparable, BitwiseCopyable {
    /// The 32 digest bytes as four big-endian words.
    public var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    /// The id of "no parent": 32 zero bytes, used in the first version's encoding.
    public static let zero = VersionID(w0: 0, w1: 0, w2: 0, w3: 0)

    /// Creates an id from its four big-endian words.
    public init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0; self.w1 = w1; self.w2 = w2; self.w3 = w3
    }

    /// Creates an id from 32 bytes.
    public init<C: Collection>(bytes: C) where C.Element == UInt8 {
        precondition(bytes.count == 32, "a version id is 32 bytes, got \(bytes.count)")
        var words: [UInt64] = [0, 0, 0, 0]
        for (i, b) in bytes.enumerated() { words[i / 8] = words[i / 8] << 8 | UInt64(b) }
        self.init(w0: words[0], w1: words[1], w2: words[2], w3: words[3])
    }

    /// Creates an id from 32 raw bytes (a block's anchor column): four big-endian loads.
    /// The generic `init(bytes:)` walks the bytes through an unspecialized iterator across
    /// the module boundary, which measured ~1 µs an id on the `get(at:)` path.
    public init(bytes raw: UnsafeRawBufferPointer) {
        precondition(raw.count == 32, "a version id is 32 bytes, got \(raw.count)")
        self.init(
            w0: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
            w1: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
            w2: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
            w3: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)))
    }

    /// Parses 64 hex digits.
    public init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 64 else { return nil }
        var bytes = [UInt8](repeating: 0, count: 32)
        for i in 0..<32 {
            guard let hi = Self.nibble(utf8[2 * i]), let lo = Self.nibble(utf8[2 * i + 1]) else { return nil }
            bytes[i] = hi << 4 | lo
        }
        self.init(bytes: bytes)
    }

    /// The 32 bytes, big-endian word order.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for w in [w0, w1, w2, w3] {
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: w >> UInt64(shift))) }
        }
        return out
    }

    /// 64 lower-case hex digits.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The first 12 hex digits, as git abbreviates commits.
    public var short: String { String(hex.prefix(12)) }

    public var description: String { hex }

    public static func < (a: VersionID, b: VersionID) -> Bool {
        (a.w0, a.w1, a.w2, a.w3) < (b.w0, b.w1, b.w2, b.w3)
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
