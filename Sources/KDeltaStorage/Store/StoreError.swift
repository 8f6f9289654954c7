import KDeltaModel
import KDeltaCodec

/// The storage engine's one error type: a code, a message that says what happened, where
/// and what to do next, the cause, and the place on disk when there is one (as
/// Prometheus' `CorruptionErr{Dir, Segment, Offset}`; `repair` works from exactly that).
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure.
    public enum Code: String, Sendable {
        /// An argument was not valid (a key, a value, an option).
        case invalidArgument
        /// The key has no versions, or the version asked for does not exist.
        case notFound
        /// Another process holds the data directory.
        case locked
        /// A file operation failed (the cause says which and why).
        case io
        /// The disk is full.
        case outOfSpace
        /// The WAL is damaged before its end; `repair` can set the damaged part aside.
        case corruptWAL
        /// A file other than the WAL log is damaged or of an unknown format.
        case corruptFile
        /// The ingest queue is full and the store was asked not to wait.
        case queueFull
        /// A batch is larger than one WAL record can hold.
        case batchTooLarge
        /// An earlier durability failure (fsync) makes further writes unsafe; reopen.
        case poisoned
        /// The store was closed.
        case closed
        /// The operation needs a writable store.
        case readOnly
        /// The disk budget is full and the overflow policy is `stop-ingest`: new readings
        /// are refused until retention or the hub frees space (docs/retention.md).
        case diskBudgetFull
    }

    /// What kind of failure.
    public let code: Code
    /// What happened, where, and what to do.
    public let message: String
    /// The file involved, when there is one.
    public let file: String?
    /// The byte offset in `file`, when there is one.
    public let offset: Int64?
    /// The underlying file-system error, when there is one.
    public let cause: FileSystemError?

    /// Creates an error.
    public init(_ code: Code, _ message: String, file: String? = nil, offset: Int64? = nil, cause: FileSystemError? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.offset = offset
        self.cause = cause
    }

    /// Wraps a file-system error, naming what the store was doing.
    public static func io(_ error: FileSystemError, while doing: String) -> StoreError {
        if error.isOutOfSpace {
            return StoreError(
                .outOfSpace,
                "\(doing) failed: the disk is full (\(error)); free space on the data directory's file system and retry. Nothing that was acknowledged is lost.",
                file: error.path, cause: error)
        }
        return StoreError(.io, "\(doing) failed: \(error)", file: error.path, cause: error)
    }

    public var description: String { message }
}
