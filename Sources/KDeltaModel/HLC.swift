/// A hybrid logical clock timestamp: 48 bits of wall-clock milliseconds and a 16-bit
/// logical counter, packed so that comparing the raw values orders events.
///
/// A Pi has no real-time clock: until NTP syncs, its wall clock starts from the last
/// saved time or from 1970 and then jumps. The HLC never goes backwards across such jumps
/// (`HybridLogicalClock`), so it orders every version the store ever wrote.
public struct HLC: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// `wallMs << 16 | logical`.
    public var rawValue: UInt64

    /// Bits of the logical counter.
    public static let logicalBits: UInt64 = 16
    /// The largest logical counter; one more carries into the wall field.
    public static let logicalMax: UInt64 = (1 << logicalBits) - 1

    /// Creates an HLC from its packed value.
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Creates an HLC from its parts.
    public init(wallMs: Int64, logical: UInt16) {
        precondition(wallMs >= 0 && wallMs < 1 << 48, "HLC wall time \(wallMs) ms is outside 48 bits")
        rawValue = UInt64(wallMs) << Self.logicalBits | UInt64(logical)
    }

    /// Wall-clock milliseconds since the Unix epoch.
    public var wallMs: Int64 { Int64(rawValue >> Self.logicalBits) }
    /// The logical counter.
    public var logical: UInt16 { UInt16(truncatingIfNeeded: rawValue) }

    public static func < (a: HLC, b: HLC) -> Bool { a.rawValue < b.rawValue }

    /// `wallMs.logical`, as printed by the CLI and accepted by `--at hlc:`.
    public var description: String { "\(wallMs).\(logical)" }
}
