import KDeltaModel

/// One raw reading in query output: key, time and value.
struct QueryRow: Equatable {
    /// The series.
    var key: Key
    /// The reading's time (Unix ms): its source time, else its write time.
    var timeMs: Int64
    /// The value.
    var value: Value

    /// Creates a row.
    init(key: Key, timeMs: Int64, value: Value) {
        self.key = key
        self.timeMs = timeMs
        self.value = value
    }

    /// The row of a stored version.
    init(_ version: Version) {
        self.init(key: version.key, timeMs: version.timeMs, value: version.value)
    }
}
