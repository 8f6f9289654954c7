/// A zstd call that failed: which operation, and zstd's own message
/// (`ZSTD_getErrorName`) or our check that failed.
public struct ZstdError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was being done: "compressing 4,096 bytes at level 3", "decompressing a
    /// 210-byte frame".
    public var context: String
    /// zstd's message, e.g. "Src size is incorrect", or the check that failed.
    public var message: String

    /// Creates an error.
    public init(context: String, message: String) {
        self.context = context
        self.message = message
    }

    /// "CONTEXT: MESSAGE".
    public var description: String { "\(context): \(message)" }
}
