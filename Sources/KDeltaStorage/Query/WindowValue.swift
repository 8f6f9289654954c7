/// One window of an aggregated query: `[startMs, endMs)`, the aggregate (nil when the
/// window had no numeric reading, only NaN) and the number of readings it covers.
public struct WindowValue: Sendable, Equatable {
    /// The window's first millisecond.
    public var startMs: Int64
    /// The millisecond after the window.
    public var endMs: Int64
    /// The aggregate, or nil.
    public var value: Double?
    /// Numeric readings in the window (NaN excluded).
    public var count: Int64

    /// Creates a window row.
    public init(startMs: Int64, endMs: Int64, value: Double?, count: Int64) {
        self.startMs = startMs
        self.endMs = endMs
        self.value = value
        self.count = count
    }
}
