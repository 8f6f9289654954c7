/// A point in a key's history to read at: `get(at:)` returns the last version at or
/// before it.
public enum TimePoint: Sendable, Hashable {
    /// Series time in Unix milliseconds (the source time, or the write time without one).
    case timeMs(Int64)
    /// A store HLC: "what did the store hold at this moment of its own history".
    case hlc(HLC)
}
