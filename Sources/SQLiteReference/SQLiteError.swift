import CSQLite

/// A failed SQLite call: the result code SQLite returned, its message, and what we were
/// doing (the SQL text or the step), so a failure reads "preparing INSERT …: no such
/// table: readings (code 1)" rather than a bare number.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// The extended result code (`sqlite3_extended_errcode`); its low byte is the primary
    /// code, e.g. `SQLITE_BUSY` (5).
    public let code: Int32
    /// SQLite's own message (`sqlite3_errmsg`), or `sqlite3_errstr` of the code when no
    /// connection exists.
    public let message: String
    /// What the caller was doing: "opening /var/tmp/x.db", "executing PRAGMA …".
    public let context: String

    /// Creates an error.
    public init(code: Int32, message: String, context: String) {
        self.code = code
        self.message = message
        self.context = context
    }

    /// The primary result code (the extended code's low byte).
    public var primaryCode: Int32 { code & 0xFF }

    /// True for `SQLITE_BUSY` and `SQLITE_LOCKED`: another connection holds the lock.
    public var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }

    /// "CONTEXT: MESSAGE (SQLite code N)".
    public var description: String { "\(context): \(message) (SQLite code \(code))" }

    /// The text SQLite gives for a result code (`sqlite3_errstr`).
    static func text(ofCode code: Int32) -> String {
        guard let s = sqlite3_errstr(code) else { return "unknown SQLite error" }
        return String(cString: s)
    }
}
