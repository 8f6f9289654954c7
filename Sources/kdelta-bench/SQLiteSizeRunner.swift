import SQLiteReference

/// Stores a dataset in a fresh SQLite file the way a careful user would for this data, and
/// reports the file's size: one table `(series INTEGER, time INTEGER, value REAL)` with
/// primary key `(series, time)` WITHOUT ROWID (the key is the row: no separate index), all
/// rows in one transaction, then VACUUM so no free pages count.
enum SQLiteSizeRunner {
    /// The file's bytes after VACUUM (page_count x page_size), and rows not stored because
    /// their (series, time) key repeated.
    static func measure(series: [(times: [Int64], values: [Double])], path: String) throws -> (bytes: Int, duplicates: Int) {
        do throws(SQLiteError) {
            let db = try SQLiteDatabase(path: path)
            try db.exec("PRAGMA journal_mode=OFF")
            try db.exec("PRAGMA synchronous=OFF")
            try db.exec("CREATE TABLE readings(series INTEGER NOT NULL, time INTEGER NOT NULL, value REAL NOT NULL, PRIMARY KEY(series, time)) WITHOUT ROWID")
            try db.exec("BEGIN")
            let insert = try db.prepare("INSERT OR IGNORE INTO readings(series, time, value) VALUES (?1, ?2, ?3)")
            var total = 0
            for (s, one) in series.enumerated() {
                for i in 0..<one.times.count {
                    try insert.bind(Int64(s), at: 1)
                    try insert.bind(one.times[i], at: 2)
                    try insert.bind(one.values[i], at: 3)
                    try insert.step()
                    try insert.reset()
                }
                total += one.times.count
            }
            try db.exec("COMMIT")
            try db.exec("VACUUM")
            let rows = try scalar(db, "SELECT count(*) FROM readings")
            let pages = try scalar(db, "PRAGMA page_count")
            let pageSize = try scalar(db, "PRAGMA page_size")
            return (pages * pageSize, total - rows)
        } catch {
            throw BenchError("SQLite in \(path): \(error)")
        }
    }

    private static func scalar(_ db: SQLiteDatabase, _ sql: String) throws(SQLiteError) -> Int {
        let statement = try db.prepare(sql)
        try statement.step()
        return Int(statement.int64(column: 0))
    }
}
