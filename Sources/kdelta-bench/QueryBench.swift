import KDeltaModel
import KDeltaStorage
import SQLiteReference

/// Ingests `readings` readings over the workload's 1,000 keys into a fresh store with the
/// default hot-tier budget (fsync never, source times one second apart per key), sampling
/// resident memory, then measures point reads and range scans against references in the
/// same run (`kdelta-bench query`).
enum QueryBench {
    /// Readings per `putBatch` (as `ReadBench`: one WAL record holds about 50,000 of these).
    static let loadBatchReadings = 50_000
    /// Random (key, time) probes, drawn before timing (a power of two).
    static let probeCount = 1 << 16
    /// Keys scanned whole, and one-hour ranges scanned, per timed pass.
    static let wholeKeyScans = 50
    static let hourScans = 2_000
    /// Keys whose readings are loaded into SQLite for its scan.
    static let sqliteKeys = 10

    static func run(readings: Int, pointOps: Int, directory: String, sqliteDirectory: String?, progress: (String) -> Void) throws -> QueryFigures {
        let workload = SensorWorkload()
        let keyCount = SensorWorkload.keyCount
        precondition(readings % keyCount == 0 && readings > 0, "readings must be a positive multiple of \(keyCount)")
        let rounds = readings / keyCount
        let store = try RoundLoader.openStore(directory: directory)
        let options = store.options
        let peakWasReset = ProcessMemory.resetPeak()
        let baseline = ProcessMemory.current().rssBytes

        // Ingest: round r gives every key one reading at start + r seconds; RSS sampled
        // at each tenth.
        var tenths: [Int] = []
        var hotTenths: [Int] = []
        let start = MonotonicClock.nowNs()
        try RoundLoader.load(workload, rounds: rounds, into: store, batchReadings: loadBatchReadings, directory: directory) { written in
            while written * 10 >= (tenths.count + 1) * readings {
                tenths.append(ProcessMemory.current().rssBytes)
                hotTenths.append(store.stats().memoryBytes)
                let seconds = Double(MonotonicClock.nowNs() - start) / 1e9
                progress("  \(tenths.count * 10) %: \(NumberText.grouped(written)) readings in \(NumberText.fixed(seconds, 1)) s, RSS \(NumberText.mebibytes(tenths.last!)), hot tier \(NumberText.mebibytes(hotTenths.last!))")
            }
        }
        let ingestNs = MonotonicClock.nowNs() - start
        let peak = ProcessMemory.current().peakRSSBytes
        let stats = store.stats()
        guard stats.versions == readings else {
            throw BenchError("the store holds \(stats.versions) versions after ingesting \(readings)")
        }

        // The baseline's array: every stored time, key after key, each key's times shifted
        // past the previous key's so that the whole array ascends. Built by scanning the
        // store, which checks the scan's count too.
        progress("  building the baseline array of \(NumberText.grouped(readings)) times by scanning every key")
        let span = Int64(rounds) * 1000
        var allTimes: [Int64] = []
        allTimes.reserveCapacity(readings)
        for (k, key) in workload.keys.enumerated() {
            let shift = Int64(k) * span
            do throws(StoreError) {
                try store.scan(key, fromMs: Int64.min, toMs: Int64.max) { b in
                    for t in b.times { allTimes.append(t + shift) }
                    return true
                }
            } catch { throw BenchError("scanning \(key): \(error.message)") }
        }
        guard allTimes.count == readings else {
            throw BenchError("scanning every key gave \(allTimes.count) readings, \(readings) were stored")
        }

        var rng = SplitMix64(seed: 0x7175_6572)
        let keyProbes = (0..<probeCount).map { _ in Int(rng.next() % UInt64(keyCount)) }
        let timeProbes = (0..<probeCount).map { _ in SensorWorkload.startTimeMs + Int64(rng.next() % UInt64(span)) }
        let mask = probeCount - 1
        var sink: Int64 = 0

        func timed(_ ops: Int, _ body: (Int) throws -> Int64) rethrows -> Double {
            for i in 0..<min(ops, 10_000) { sink &+= try body(i) }
            let s = ThreadCPUClock.nowNs()
            for i in 0..<ops { sink &+= try body(i) }
            return Double(ThreadCPUClock.nowNs() - s) / Double(ops)
        }
        let keys = workload.keys
        let getAt = try timed(pointOps) { i in
            let key = keys[keyProbes[i & mask]], t = timeProbes[(i &+ (i >> 16)) & mask]
            guard let v = try store.get(key, at: .timeMs(t)) else { throw BenchError("get(\(key), at: \(t)) found nothing") }
            return Int64(v.seq)
        }
        let readingAt = try timed(pointOps) { i in
            let key = keys[keyProbes[i & mask]], t = timeProbes[(i &+ (i >> 16)) & mask]
            guard let r = try store.reading(key, atOrBefore: t) else { throw BenchError("reading(\(key), atOrBefore: \(t)) found nothing") }
            return r.timeMs
        }
        let search = allTimes.withUnsafeBufferPointer { all in
            timed(pointOps) { i in
                let t = timeProbes[(i &+ (i >> 16)) & mask] + Int64(keyProbes[i & mask]) * span
                var lo = 0, hi = all.count
                while lo < hi {
                    let mid = (lo &+ hi) >> 1
                    if all[mid] <= t { lo = mid &+ 1 } else { hi = mid }
                }
                return Int64(lo)
            }
        }
        progress("  get(at:) \(NumberText.fixed(getAt, 0)) ns, reading(atOrBefore:) \(NumberText.fixed(readingAt, 0)) ns, binary search over \(NumberText.grouped(readings)) times \(NumberText.fixed(search, 0)) ns")

        // Range scans: whole keys, then random hours; a [Double] loop of one key's count.
        func scanRate(_ ranges: [(key: Key, from: Int64, to: Int64)]) throws -> Double {
            var n = 0
            var sum = 0.0
            let s = ThreadCPUClock.nowNs()
            for r in ranges {
                do throws(StoreError) {
                    try store.scan(r.key, fromMs: r.from, toMs: r.to) { b in
                        n += b.count
                        if case .doubles(let d) = b.values { for x in d { sum += x } }
                        return true
                    }
                } catch { throw BenchError("scanning \(r.key): \(error.message)") }
            }
            let ns = ThreadCPUClock.nowNs() - s
            if sum == 0 { progress("  (the scanned values sum to 0)") }
            return Double(n) * 1e9 / Double(max(1, ns))
        }
        let whole = (0..<wholeKeyScans).map { i in (keys[keyProbes[i]], Int64.min, Int64.max) }
        _ = try scanRate(Array(whole.prefix(5)))
        let hours = (0..<hourScans).map { i in (keys[keyProbes[i]], timeProbes[i], timeProbes[i] + 3_600_000) }
        // Best of three passes each, as for SQLite below.
        var wholeRate = 0.0, hourRate = 0.0
        for _ in 0..<3 {
            wholeRate = max(wholeRate, try scanRate(whole))
            hourRate = max(hourRate, try scanRate(hours))
        }
        let values = (0..<rounds).map { workload.values[$0 & (SensorWorkload.valueRingCount - 1)] }
        var loopSum = 0.0
        var loopRate = 0.0
        for _ in 0..<3 {
            let loopStart = ThreadCPUClock.nowNs()
            for _ in 0..<wholeKeyScans { values.withUnsafeBufferPointer { for x in $0 { loopSum += x } } }
            loopRate = max(loopRate, Double(rounds * wholeKeyScans) * 1e9 / Double(max(1, ThreadCPUClock.nowNs() - loopStart)))
        }
        if loopSum == 0 { progress("") }
        progress("  scans: whole keys \(NumberText.rate(wholeRate)) r/s, one-hour ranges \(NumberText.rate(hourRate)) r/s, [Double] loop \(NumberText.rate(loopRate)) r/s")

        var sqliteRate: Double? = nil
        var sqliteRows = 0
        if let sqliteDirectory {
            (sqliteRate, sqliteRows) = try sqliteScan(store: store, keys: Array(keys.prefix(sqliteKeys)), span: span, directory: sqliteDirectory, progress: progress)
        }
        if sink == 42 { progress("") }
        do throws(StoreError) { try store.close() } catch { throw BenchError("closing the store: \(error.message)") }
        return QueryFigures(
            readings: readings, keys: keyCount, hotBudgetBytes: options.hotMemoryBudgetBytes, ingestNs: ingestNs,
            baselineRSSBytes: baseline, rssAtTenths: tenths, hotBytesAtTenths: hotTenths, peakRSSBytes: peak, peakWasReset: peakWasReset,
            hotVersions: stats.hotVersions, blockVersions: stats.blockVersions, blocks: stats.blocks,
            blockBytes: stats.blockBytes, hotMemoryBytes: stats.memoryBytes,
            pointOps: pointOps, getAtNsPerOp: getAt, readingAtNsPerOp: readingAt, baselineSearchNsPerOp: search,
            scanWholeReadingsPerSecond: wholeRate, scanHourReadingsPerSecond: hourRate,
            arrayLoopReadingsPerSecond: loopRate, sqliteScanReadingsPerSecond: sqliteRate, sqliteRows: sqliteRows)
    }

    /// Loads the readings of `keys` (scanned from the store) into SQLite, table
    /// `readings(k TEXT, t INTEGER, v REAL)` with primary key `(k, t)` WITHOUT ROWID, and
    /// times `SELECT t, v FROM readings WHERE k = ? AND t BETWEEN ? AND ?` over each key
    /// whole: rows per second.
    private static func sqliteScan(store: Store, keys: [Key], span: Int64, directory: String, progress: (String) -> Void) throws -> (Double, Int) {
        do throws(SQLiteError) {
            let db = try SQLiteDatabase(path: directory + "/scan.sqlite")
            try db.exec("PRAGMA journal_mode=OFF")
            try db.exec("PRAGMA synchronous=OFF")
            try db.exec("CREATE TABLE readings(k TEXT NOT NULL, t INTEGER NOT NULL, v REAL NOT NULL, PRIMARY KEY(k, t)) WITHOUT ROWID")
            try db.exec("BEGIN")
            let insert = try db.prepare("INSERT INTO readings(k, t, v) VALUES (?1, ?2, ?3)")
            var rows = 0
            for key in keys {
                let readings: [TimedReading]
                do throws(StoreError) { readings = try store.readings(key, fromMs: Int64.min, toMs: Int64.max) } catch {
                    throw SQLiteError(code: 0, message: error.message, context: "reading \(key) from the store")
                }
                for r in readings {
                    try insert.bind(key.rawValue, at: 1)
                    try insert.bind(r.timeMs, at: 2)
                    try insert.bind(r.value.number ?? .nan, at: 3)
                    try insert.step()
                    try insert.reset()
                }
                rows += readings.count
            }
            try db.exec("COMMIT")
            progress("  loaded \(NumberText.grouped(rows)) rows of \(keys.count) keys into SQLite")
            let select = try db.prepare("SELECT t, v FROM readings WHERE k = ?1 AND t BETWEEN ?2 AND ?3")
            var n = 0
            var sum = 0.0
            var bestRate = 0.0
            for _ in 0..<3 {
                n = 0
                let s = ThreadCPUClock.nowNs()
                for key in keys {
                    try select.bind(key.rawValue, at: 1)
                    try select.bind(SensorWorkload.startTimeMs, at: 2)
                    try select.bind(SensorWorkload.startTimeMs + span, at: 3)
                    while try select.step() == .row {
                        sum += select.double(column: 1) + Double(select.int64(column: 0) & 1)
                        n += 1
                    }
                    try select.reset()
                }
                bestRate = max(bestRate, Double(n) * 1e9 / Double(max(1, ThreadCPUClock.nowNs() - s)))
            }
            if sum == 0 { progress("") }
            progress("  SQLite scan \(NumberText.rate(bestRate)) rows/s")
            return (bestRate, rows)
        } catch {
            throw BenchError("SQLite scan in \(directory): \(error)")
        }
    }
}
