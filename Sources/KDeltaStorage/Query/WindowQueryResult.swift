/// What `Store.windows` returns: the windows that received a numeric reading or a stored
/// rollup, oldest first, and the readings left out because they are not numbers.
public struct WindowQueryResult: Sendable, Equatable {
    /// One rollup per window, with the window's bounds; `Aggregation.window` takes a row
    /// from each.
    public var windows: [Rollup]
    /// Readings in the range that are bools, text or documents: skipped by every
    /// aggregation, `count` included.
    public var nonNumericSkipped: Int

    /// Creates a result.
    public init(windows: [Rollup], nonNumericSkipped: Int) {
        self.windows = windows
        self.nonNumericSkipped = nonNumericSkipped
    }
}
