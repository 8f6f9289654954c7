import CSQLite

/// A prepared statement of one `SQLiteDatabase`: bind parameters, step, reset, and step
/// again, without compiling the SQL each time. Finalised when released
/// (`sqlite3_finalize`). Used by the thread that owns its connection only.
public final class SQLiteStatement {
    /// The statement handle (`sqlite3_stmt *`).
    let handle: OpaquePointer
    /// Keeps the connection open while the statement lives.
    public let database: SQLiteDatabase
    /// The SQL text, for error messages.
    public let sql: String

    /// What one `step()` produced.
    public enum StepResult: Sendable, Equatable {
        /// A result row is available (`SQLITE_ROW`).
        case row
        /// The statement ran to completion (`SQLITE_DONE`).
        case done
    }

    /// Compiles `sql` (`sqlite3_prepare_v3` with `SQLITE_PREPARE_PERSISTENT`: the statement
    /// is reused many times).
    init(database: SQLiteDatabase, sql: String) throws(SQLiteError) {
        var stmt: OpaquePointer? = nil
        let rc = sqlite3_prepare_v3(database.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else {
            throw database.error(rc, "preparing \(sql)")
        }
        self.handle = stmt
        self.database = database
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Binds a 64-bit integer to parameter `index` (1-based; `sqlite3_bind_int64`).
    public func bind(_ value: Int64, at index: Int32) throws(SQLiteError) {
        try database.check(sqlite3_bind_int64(handle, index, value), "binding parameter \(index) of \(sql)")
    }

    /// Binds a double to parameter `index` (1-based; `sqlite3_bind_double`).
    public func bind(_ value: Double, at index: Int32) throws(SQLiteError) {
        try database.check(sqlite3_bind_double(handle, index, value), "binding parameter \(index) of \(sql)")
    }

    /// Binds UTF-8 text to parameter `index` (1-based; `sqlite3_bind_text` with
    /// `SQLITE_TRANSIENT`: SQLite copies the bytes, so the string need not outlive the
    /// call).
    public func bind(_ value: String, at index: Int32) throws(SQLiteError) {
        var text = value
        let rc = text.withUTF8 { utf8 -> Int32 in
            guard let base = utf8.baseAddress else {
                return sqlite3_bind_text(handle, index, "", 0, kdelta_sqlite_transient())
            }
            return sqlite3_bind_text(
                handle, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(utf8.count),
                kdelta_sqlite_transient())
        }
        try database.check(rc, "binding parameter \(index) of \(sql)")
    }

    /// Runs the statement to its next row or to its end (`sqlite3_step`).
    @discardableResult
    public func step() throws(SQLiteError) -> StepResult {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return .row
        case SQLITE_DONE: return .done
        default: throw database.error(rc, "stepping \(sql)")
        }
    }

    /// Makes the statement ready to step again; bindings are kept (`sqlite3_reset`).
    public func reset() throws(SQLiteError) {
        try database.check(sqlite3_reset(handle), "resetting \(sql)")
    }

    /// Column `index` (0-based) of the current row as an integer (`sqlite3_column_int64`).
    public func int64(column index: Int32) -> Int64 {
        sqlite3_column_int64(handle, index)
    }

    /// Column `index` (0-based) of the current row as a double (`sqlite3_column_double`).
    public func double(column index: Int32) -> Double {
        sqlite3_column_double(handle, index)
    }

    /// Column `index` (0-based) of the current row as text (`sqlite3_column_text`); "" for
    /// NULL.
    public func text(column index: Int32) -> String {
        guard let p = sqlite3_column_text(handle, index) else { return "" }
        return String(cString: p)
    }
}
