import CSQLite

/// One SQLite connection, owned by one thread at a time: it is opened with
/// `SQLITE_OPEN_NOMUTEX` (SQLite's multi-thread mode), so two threads must not use it at
/// once. The benchmark gives each producer thread its own connection, as SQLite's docs
/// advise; SQLite then serialises the writers through its file locks.
///
/// The connection is closed when the value is released (`sqlite3_close_v2`, which waits
/// for statements still alive to be finalised).
public final class SQLiteDatabase {
    /// The connection handle (`sqlite3 *`).
    let handle: OpaquePointer
    /// The database file.
    public let path: String

    /// Opens (creating if needed) the database at `path` for reading and writing.
    /// The corresponding C function is `sqlite3_open_v2`.
    public init(path: String) throws(SQLiteError) {
        var db: OpaquePointer? = nil
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? SQLiteError.text(ofCode: rc)
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(code: rc, message: message, context: "opening \(path)")
        }
        sqlite3_extended_result_codes(db, 1)
        self.handle = db
        self.path = path
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// The SQLite library's version, e.g. "3.40.1" (`sqlite3_libversion`).
    public static var libraryVersion: String { String(cString: sqlite3_libversion()) }

    /// Runs one or more SQL statements that return no rows we need (`sqlite3_exec`).
    public func exec(_ sql: String) throws(SQLiteError) {
        var errorText: UnsafeMutablePointer<CChar>? = nil
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorText)
        if rc != SQLITE_OK {
            let message = errorText.map { String(cString: $0) } ?? SQLiteError.text(ofCode: rc)
            sqlite3_free(errorText)
            throw SQLiteError(code: sqlite3_extended_errcode(handle), message: message, context: "executing \(sql)")
        }
    }

    /// Compiles `sql` into a statement to bind and step many times.
    public func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        try SQLiteStatement(database: self, sql: sql)
    }

    /// How long a writer waits for another connection's lock before `SQLITE_BUSY`
    /// (`sqlite3_busy_timeout`).
    public func setBusyTimeout(ms: Int32) throws(SQLiteError) {
        try check(sqlite3_busy_timeout(handle, ms), "setting busy_timeout \(ms)")
    }

    /// Turns a result code into a thrown `SQLiteError` carrying the connection's message;
    /// every call of this wrapper goes through here.
    func check(_ rc: Int32, _ context: @autoclosure () -> String) throws(SQLiteError) {
        if rc == SQLITE_OK { return }
        throw error(rc, context())
    }

    /// The error for result code `rc`, with the connection's message.
    func error(_ rc: Int32, _ context: String) -> SQLiteError {
        SQLiteError(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)), context: context)
    }
}
