import KDeltaModel

/// A windowed query of one key (`Store.windows`, `kdelta-edge query --every`): the
/// readings with time in `fromMs ..< toMs`, grouped into windows of `everyMs` aligned to
/// the Unix epoch plus `offsetMs` (see `WindowAggregator`).
///
/// The first and last windows may stick out of the range: they keep their aligned bounds
/// but summarize only the readings inside it.
public struct WindowQuery: Sendable, Equatable {
    /// Readings at or after this time (Unix ms).
    public var fromMs: Int64
    /// Readings before this time (Unix ms).
    public var toMs: Int64
    /// The window length, 1 ms to 2^53 ms.
    public var everyMs: Int64
    /// The alignment offset (any sign; normalized by `WindowAggregator`).
    public var offsetMs: Int64
    /// Stop after this many windows, if set (the query's `--limit`).
    public var windowsMax: Int?

    /// Creates a query.
    public init(fromMs: Int64, toMs: Int64, everyMs: Int64, offsetMs: Int64 = 0, windowsMax: Int? = nil) {
        self.fromMs = fromMs
        self.toMs = toMs
        self.everyMs = everyMs
        self.offsetMs = offsetMs
        self.windowsMax = windowsMax
    }

    /// The longest window accepted: `WindowAggregator`'s bound, which keeps window
    /// arithmetic exact in doubles.
    public static let everyMsMax: Int64 = 1 << 53
}
