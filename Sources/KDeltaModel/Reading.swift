/// One reading to store: a value for a key, optionally stamped with the time the sensor
/// took it. The store turns it into a `Version`.
public struct Reading: Sendable, Hashable {
    /// The series.
    public var key: Key
    /// The value.
    public var value: Value
    /// When the sensor took the reading, in Unix milliseconds, when known. Without it the
    /// version's time is the HLC's wall part at write.
    public var sourceTimeMs: Int64?

    /// Creates a reading.
    public init(key: Key, value: Value, sourceTimeMs: Int64? = nil) {
        self.key = key
        self.value = value
        self.sourceTimeMs = sourceTimeMs
    }
}
