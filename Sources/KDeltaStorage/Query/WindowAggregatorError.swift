/// Why `WindowAggregator` refused an input: the caller broke its ordering contract or gave
/// it rollups that do not fit the windows.
public struct WindowAggregatorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong.
    public enum Code: String, Sendable {
        /// A reading or rollup belongs to a window that was already closed.
        case outOfOrder
        /// A rollup covers parts of two windows: the window is not a multiple of the
        /// rollup interval, or not aligned with it.
        case rollupStraddlesWindows
    }

    /// What was wrong.
    public let code: Code
    /// What happened and what to do.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
