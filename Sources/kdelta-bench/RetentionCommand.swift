import ArgumentParser
import KDeltaModel
import KDeltaStorage
import SQLiteReference

/// `kdelta-bench retention`: write amplification of retention (docs/retention.md). A
/// simulated device writes `--series` sensors every `--every-s` seconds for `--days` days
/// under `keep-for --keep-days`, with a retention pass every `--pass-minutes` simulated
/// minutes; the same readings go into SQLite with `DELETE ... WHERE time < cutoff` at the
/// same passes. Both are measured by the bytes they pass to write calls (/proc/self/io
/// `wchar`), per byte of readings (16 bytes: time and value).
struct RetentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Write amplification of keep-for retention over simulated days, against SQLite with DELETE, in the same run.")

    @Option(help: "Sensors.") var series = 50
    @Option(name: .customLong("every-s"), help: "Seconds between two readings of a sensor.") var everyS = 10
    @Option(help: "Simulated days of ingest.") var days = 3
    @Option(name: .customLong("keep-days"), help: "keep-for, in days.") var keepDays = 1
    @Option(name: .customLong("pass-minutes"), help: "Simulated minutes between retention passes.") var passMinutes = 10
    @Option(name: .customLong("hot-mib"), help: "The hot tier's memory budget, MiB (small, so cuts happen as in a long-running daemon).") var hotMiB = 4
    @Option(help: "Where the stores go (default: a temporary folder).") var dir: String?
    @Flag(help: "Print JSON.") var json = false

    struct Figures {
        var written: Int64 = 0
        var seconds = 0.0
        /// Bytes of the stored data at the end (blocks and rollups; the SQLite file), and of
        /// the WAL (ours: preallocated segments).
        var finalBytes: Int64 = 0
        var walBytes: Int64 = 0
        var kept = 0
    }

    func run() throws {
        let parent = dir ?? BenchFiles.defaultParent()
        let runDir = try BenchFiles.makeRunDirectory(parent: parent)
        defer { BenchFiles.removeTree(runDir) }
        let start: Int64 = 1_700_000_000_000
        let ticks = days * 86_400 / everyS
        let passTicks = max(1, passMinutes * 60 / everyS)
        let readings = ticks * series
        let machine = MachineInfo.current()
        let ours = try runOurs(dir: runDir + "/kdelta", start: start, ticks: ticks, passTicks: passTicks)
        let sqlite = try runSQLite(path: runDir + "/sqlite.db", start: start, ticks: ticks, passTicks: passTicks)
        let payload = Double(readings * 16)
        if json {
            print(JSONOutput.object([
                ("readings", .int(readings)), ("series", .int(series)), ("days", .int(days)), ("keepDays", .int(keepDays)),
                ("ours", figures(ours, payload)), ("sqlite", figures(sqlite, payload)),
                ("ratio", .number(Double(ours.written) / Double(max(1, sqlite.written)), decimals: 3)),
                ("machine", .string("\(machine.cpus) CPUs, \(machine.kernel), SQLite \(machine.sqliteVersion), commit \(machine.gitCommit ?? "?")\(machine.gitDirty ? " (dirty)" : "")")),
            ]).render())
            return
        }
        print("retention write amplification: \(series) series, a reading every \(everyS) s, \(days) days (\(readings) readings), keep-for \(keepDays)d, a pass every \(passMinutes) min")
        print("machine: \(machine.cpus) CPUs, \(machine.kernel); SQLite \(machine.sqliteVersion); commit \(machine.gitCommit ?? "?")\(machine.gitDirty ? " (dirty)" : "")")
        var table = TextTable([("engine", .left), ("bytes written", .right), ("per reading", .right), ("write amplification", .right),
                               ("kept", .right), ("data bytes", .right), ("WAL bytes", .right), ("seconds", .right)])
        for (name, f) in [("kdelta", ours), ("SQLite (WAL, DELETE)", sqlite)] {
            table.add([name, "\(f.written)", NumberText.fixed(Double(f.written) / Double(readings), 1),
                       NumberText.fixed(Double(f.written) / payload, 2), "\(f.kept)", "\(f.finalBytes)", "\(f.walBytes)", NumberText.fixed(f.seconds, 1)])
        }
        print(table.render(), terminator: "")
        print("ours / SQLite bytes written: \(NumberText.fixed(Double(ours.written) / Double(max(1, sqlite.written)), 3))")
    }

    private func figures(_ f: Figures, _ payload: Double) -> JSONOutput {
        .object([
            ("bytesWritten", .int(Int(f.written))), ("writeAmplification", .number(Double(f.written) / payload, decimals: 3)),
            ("kept", .int(f.kept)), ("finalBytes", .int(Int(f.finalBytes))), ("walBytes", .int(Int(f.walBytes))), ("seconds", .number(f.seconds, decimals: 2)),
        ])
    }

    private func value(_ s: Int, _ tick: Int) -> Double {
        // A slow daily wave plus a little noise, one decimal, as a thermometer reports.
        let x = Double((tick * 7 + s * 13) % 600) / 10 + Double((tick / 360 + s) % 97) / 10
        return (x * 10).rounded() / 10
    }

    private func runOurs(dir: String, start: Int64, ticks: Int, passTicks: Int) throws -> Figures {
        let clock = ManualClock(start)
        var o = StoreOptions()
        o.fsync = .never
        o.hotMemoryBudgetBytes = hotMiB << 20
        o.retentionIntervalMs = 0
        o.retention = RetentionRules([RetentionRule(pattern: try KeyPattern("sensors/#"), policy: try RetentionPolicy(keepForMs: Int64(keepDays) * 86_400_000))])
        o.syncCursor = FixedSyncCursor.syncDisabled
        o.clock = clock
        let keys = try (0..<series).map { try Key("sensors/s\($0)/temp") }
        let store = try Store.open(directory: dir, options: o)
        var f = Figures()
        let before = ProcessIO.current().writtenBytes
        let t0 = MonotonicClock.nowNs()
        var batch: [Reading] = []
        batch.reserveCapacity(series)
        for tick in 0..<ticks {
            let t = start + Int64(tick) * Int64(everyS) * 1000
            clock.set(t)
            batch.removeAll(keepingCapacity: true)
            for (s, k) in keys.enumerated() { batch.append(Reading(key: k, value: .double(value(s, tick)), sourceTimeMs: t)) }
            try store.putBatch(batch)
            if (tick + 1) % passTicks == 0 {
                try store.applyRetention()
                while try store.compactBlocks().blockWritten != nil {}
            }
        }
        try store.close()
        f.seconds = Double(MonotonicClock.nowNs() - t0) / 1e9
        f.written = ProcessIO.current().writtenBytes - before
        let reopened = try Store.open(directory: dir, options: { var r = o; r.readOnly = true; return r }())
        let s = reopened.stats()
        f.kept = s.versions
        f.finalBytes = s.blockBytes + s.rollupBytes
        f.walBytes = s.walBytes
        return f
    }

    private func runSQLite(path: String, start: Int64, ticks: Int, passTicks: Int) throws -> Figures {
        var f = Figures()
        do throws(SQLiteError) {
            let db = try SQLiteDatabase(path: path)
            try db.exec("PRAGMA journal_mode=WAL")
            try db.exec("PRAGMA synchronous=OFF")
            try db.exec("CREATE TABLE readings(series INTEGER NOT NULL, time INTEGER NOT NULL, value REAL NOT NULL, PRIMARY KEY(series, time)) WITHOUT ROWID")
            let insert = try db.prepare("INSERT INTO readings(series, time, value) VALUES (?1, ?2, ?3)")
            let delete = try db.prepare("DELETE FROM readings WHERE time < ?1")
            let before = ProcessIO.current().writtenBytes
            let t0 = MonotonicClock.nowNs()
            for tick in 0..<ticks {
                let t = start + Int64(tick) * Int64(everyS) * 1000
                try db.exec("BEGIN")
                for s in 0..<series {
                    try insert.bind(Int64(s), at: 1)
                    try insert.bind(t, at: 2)
                    try insert.bind(value(s, tick), at: 3)
                    _ = try insert.step()
                    try insert.reset()
                }
                try db.exec("COMMIT")
                if (tick + 1) % passTicks == 0 {
                    try delete.bind(t - Int64(keepDays) * 86_400_000, at: 1)
                    _ = try delete.step()
                    try delete.reset()
                }
            }
            try db.exec("PRAGMA wal_checkpoint(TRUNCATE)")
            f.seconds = Double(MonotonicClock.nowNs() - t0) / 1e9
            f.written = ProcessIO.current().writtenBytes - before
            let count = try db.prepare("SELECT count(*) FROM readings")
            _ = try count.step()
            f.kept = Int(count.int64(column: 0))
            let pages = try db.prepare("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")
            _ = try pages.step()
            f.finalBytes = pages.int64(column: 0)
        } catch {
            throw BenchError("SQLite in \(path): \(error)")
        }
        return f
    }
}
