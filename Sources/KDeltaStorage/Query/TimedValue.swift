/// A numeric reading: its time in Unix milliseconds and its value. A rollup's first and
/// last readings are these.
public struct TimedValue: Sendable, Hashable {
    /// The reading's time (Unix ms).
    public var timeMs: Int64
    /// The reading's value.
    public var value: Double

    /// Creates a reading.
    public init(timeMs: Int64, value: Double) {
        self.timeMs = timeMs
        self.value = value
    }
}
