import KDeltaModel

/// One reading as a range scan returns it: its time (source time, else write time, in
/// Unix ms) and its value, without the version's seq, HLC or id (which a scan does not
/// decode; `Store.history` returns whole versions).
public struct TimedReading: Sendable, Equatable {
    /// The reading's time (Unix ms).
    public var timeMs: Int64
    /// The value.
    public var value: Value

    /// Creates a reading.
    public init(timeMs: Int64, value: Value) {
        self.timeMs = timeMs
        self.value = value
    }
}
