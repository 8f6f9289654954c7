/// Which versions of a key `Store.history` returns.
public struct HistoryQuery: Sendable, Equatable {
    /// Versions with time at or after this (Unix ms), if set.
    public var sinceMs: Int64?
    /// Versions with time before this (Unix ms), if set.
    public var untilMs: Int64?
    /// At most this many versions (after ordering), if set.
    public var limit: Int?
    /// Newest first (the default, as `git log`) or oldest first.
    public var order: Order

    /// The order of the result.
    public enum Order: Sendable, Equatable {
        case newestFirst
        case oldestFirst
    }

    /// Every version, newest first.
    public init(sinceMs: Int64? = nil, untilMs: Int64? = nil, limit: Int? = nil, order: Order = .newestFirst) {
        self.sinceMs = sinceMs
        self.untilMs = untilMs
        self.limit = limit
        self.order = order
    }
}
