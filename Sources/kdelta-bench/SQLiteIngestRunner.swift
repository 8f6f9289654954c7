import KDeltaStorage
import SQLiteReference

/// Runs one ingest cell into SQLite through its C library, the honest reference: WAL mode,
/// a table (key TEXT, ts INTEGER, value REAL) with an index on (key, ts), prepared
/// statements, one transaction per batch, and `synchronous` matched to our policy.
/// Each producer has its own connection (busy_timeout set, BEGIN IMMEDIATE): SQLite
/// serialises writers through its lock, and that is what it offers concurrent writers.
enum SQLiteIngestRunner {
    /// How long a producer waits for the write lock before SQLite gives up: far longer
    /// than a cell, so contention shows as lower throughput, not as errors.
    static let busyTimeoutMs: Int32 = 60_000

    /// Runs `cell` and checks that the table holds exactly the readings committed.
    static func run(_ cell: IngestCell, budget: CellBudget, workload: SensorWorkload, directory: String) throws -> IngestMeasurement {
        let path = directory + "/readings.db"
        let synchronous = cell.sqliteSynchronous
        do {
            let setup = try SQLiteDatabase(path: path)
            try setup.exec("PRAGMA journal_mode=WAL")
            try setup.exec("CREATE TABLE readings(key TEXT NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL)")
            try setup.exec("CREATE INDEX readings_key_ts ON readings(key, ts)")
        } catch {
            throw BenchError("setting up SQLite in \(path): \(error)")
        }
        let batchSize = cell.batchSize
        let share = max(batchSize, budget.readingsMax / cell.producers)
        let (tallies, elapsedNs) = ProducerGroup.run(producers: cell.producers, durationNs: budget.durationNs) { p, group in
            var tally = ProducerTally()
            do {
                let db = try SQLiteDatabase(path: path)
                try db.setBusyTimeout(ms: busyTimeoutMs)
                try db.exec("PRAGMA synchronous=\(synchronous)")
                let begin = try db.prepare("BEGIN IMMEDIATE")
                let commit = try db.prepare("COMMIT")
                let insert = try db.prepare("INSERT INTO readings(key, ts, value) VALUES (?1, ?2, ?3)")
                var index = 0
                let deadline = group.start(p)
                var sentNs = MonotonicClock.nowNs()
                repeat {
                    try begin.step()
                    try begin.reset()
                    for _ in 0..<batchSize {
                        try insert.bind(workload.keyTexts[workload.keyIndex(producer: p, index: index)], at: 1)
                        try insert.bind(workload.timeMs(index: index), at: 2)
                        try insert.bind(workload.value(producer: p, index: index), at: 3)
                        try insert.step()
                        try insert.reset()
                        index += 1
                    }
                    try commit.step()
                    try commit.reset()
                    tally.readings += batchSize
                    tally.endNs = MonotonicClock.nowNs()
                    tally.maxAckNs = max(tally.maxAckNs, tally.endNs - sentNs)
                    sentNs = tally.endNs
                } while tally.readings + batchSize <= share && tally.endNs < deadline
            } catch {
                tally.failure = "\(error)"
            }
            return tally
        }
        if let failure = tallies.compactMap(\.failure).first {
            throw BenchError("cell \(cell.name) failed in SQLite: \(failure)")
        }
        let readings = tallies.reduce(0) { $0 + $1.readings }
        do {
            let check = try SQLiteDatabase(path: path)
            let count = try check.prepare("SELECT count(*) FROM readings")
            try count.step()
            let rows = Int(count.int64(column: 0))
            guard rows == readings else {
                throw BenchError("cell \(cell.name): SQLite producers committed \(readings) readings but the table holds \(rows) rows")
            }
        } catch let error as SQLiteError {
            throw BenchError("checking SQLite in \(path): \(error)")
        }
        return IngestMeasurement(readings: readings, elapsedNs: elapsedNs, maxAckNs: tallies.map(\.maxAckNs).max() ?? 0)
    }
}
