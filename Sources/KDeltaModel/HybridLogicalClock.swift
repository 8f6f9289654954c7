/// Issues HLC timestamps that strictly increase, whatever the wall clock does.
///
/// A value type: the store's single writer owns one. `now()` is Kulkarni et al.'s send
/// rule: the wall part is the maximum of the wall clock and the last timestamp's wall part;
/// the logical part counts events within one millisecond. When the counter would overflow,
/// the wall part moves one millisecond ahead, so ordering holds at any rate.
public struct HybridLogicalClock: Sendable {
    /// The last timestamp issued or observed.
    public private(set) var last: HLC

    /// Starts after `last` (the highest HLC found in the store at recovery).
    public init(last: HLC = HLC(rawValue: 0)) { self.last = last }

    /// A timestamp greater than every one before, given the wall clock reads `wallMs`.
    public mutating func now(wallMs: Int64) -> HLC {
        let wall = min(max(wallMs, 0), (1 << 48) - 1)
        if wall > last.wallMs {
            last = HLC(wallMs: wall, logical: 0)
        } else {
            last = HLC(rawValue: last.rawValue + 1)
        }
        return last
    }

    /// Moves the clock past a timestamp seen elsewhere (a replayed or received version).
    public mutating func observe(_ other: HLC) {
        if other > last { last = other }
    }
}
