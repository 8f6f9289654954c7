#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import KDeltaStorage

/// `kdelta-bench ingest`: the ingest matrix against SQLite, then the read figures on a
/// store of 10M versions. Every run gets a fresh directory; every figure of ours is shown
/// next to SQLite's, measured in the same run.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Ingest throughput against SQLite (batch 1/100/1000 x always/interval:1000/never x 1/16/64 producers), latest-get, get(at:) and memory at 10M versions.")

    @Flag(help: "Print one JSON object with every cell (ours, SQLite, ratio), the read figures, the targets and the machine; progress goes to stderr.")
    var json = false

    @Flag(help: "A reduced matrix (1 and 64 producers) with 0.1 s runs and 200,000 versions for the reads: a smoke test of seconds.")
    var quick = false

    @Option(name: .customLong("json-file"), help: "Also write the JSON report to this file (to keep a record next to the table).")
    var jsonFile: String?

    @Option(help: "Parent of the run's data directories (default /var/tmp, or /tmp when /var/tmp is a tmpfs). Use a real disk: fsync on a tmpfs is free.")
    var dir: String?

    @Option(help: "Seconds per run of a cell (default 2, 0.1 with --quick).")
    var seconds: Double?

    @Option(help: "Versions to load for the read figures, a multiple of 1000 (default 10,000,000; 200,000 with --quick; 0 skips the reads).")
    var versions: Int?

    @Option(help: "Run only this cell, as BATCH,FSYNC,PRODUCERS (e.g. 100,interval:1000,1); repeatable. Default: the whole matrix.")
    var cell: [String] = []

    @Flag(name: .customLong("skip-sqlite"), help: "Skip the SQLite runs (to profile our write path alone); ratios show n/a.")
    var skipSQLite = false

    /// Readings one run of a cell writes at most, so fast cells end by count.
    static let runReadingsMax = 8_000_000
    /// The same with --quick.
    static let quickRunReadingsMax = 200_000

    func validate() throws {
        if let s = seconds, !(s > 0 && s <= 600) { throw ValidationError("--seconds must be in (0, 600]") }
        if let v = versions, v < 0 || v % SensorWorkload.keyCount != 0 || v > 100_000_000 {
            throw ValidationError("--versions must be a multiple of \(SensorWorkload.keyCount) from 0 to 100,000,000")
        }
        _ = try cells()
    }

    /// The cells to run.
    private func cells() throws -> [IngestCell] {
        if !cell.isEmpty {
            return try cell.map { text in
                let parts = text.split(separator: ",").map(String.init)
                guard parts.count == 3, let b = Int(parts[0]), b >= 1, b <= StorageLimits.batchReadingsMax,
                    let p = Int(parts[2]), p >= 1, p <= 256
                else { throw ValidationError("--cell \(text): expected BATCH,FSYNC,PRODUCERS such as 100,interval:1000,1") }
                let f: FsyncPolicy
                do throws(StoreError) { f = try FsyncPolicy(parsing: parts[1]) } catch { throw ValidationError("--cell \(text): \(error.message)") }
                return IngestCell(batchSize: b, fsync: f, producers: p)
            }
        }
        return IngestCell.matrix(
            batchSizes: [1, 100, 1000], policies: [.always, .interval(ms: 1000), .never],
            producers: quick ? [1, 64] : [1, 16, 64])
    }

    func run() throws {
        let machine = MachineInfo.current()
        let parent = dir ?? BenchFiles.defaultParent()
        let runDir = try BenchFiles.makeRunDirectory(parent: parent)
        defer { BenchFiles.removeTree(runDir) }
        guard let fs = FileSystemInfo.of(runDir) else { throw BenchError("cannot tell the file system of \(runDir)") }
        let budget = CellBudget(
            durationNs: UInt64((seconds ?? (quick ? 0.1 : 2.0)) * 1e9),
            readingsMax: quick ? Self.quickRunReadingsMax : Self.runReadingsMax)
        let readVersions = versions ?? (quick ? 200_000 : 10_000_000)
        let workload = SensorWorkload()
        let cells = try cells()

        Console.progress("kdelta-bench ingest: \(cells.count) cells, \(NumberText.fixed(Double(budget.durationNs) / 1e9, 1)) s per run, data in \(runDir) (\(fs.type) on \(fs.source))")
        if fs.isMemoryBacked {
            Console.progress("warning: \(runDir) is on \(fs.type): fsync costs nothing there, so `always` and SQLite FULL look far better than on a disk; pass --dir on a real disk")
        }
        if machine.loadAverageStart > 0.5 {
            Console.progress("warning: load average \(NumberText.fixed(machine.loadAverageStart, 2)) at start: other work shares the CPUs, figures will be noisy (the ratios less so)")
        }

        var results: [IngestCellResult] = []
        for (i, c) in cells.enumerated() {
            let label = "cell\(i + 1)"
            let oursDir = runDir + "/" + label + "-kdelta"
            let (ours, counters) = try StoreIngestRunner.run(c, budget: budget, workload: workload, directory: oursDir)
            BenchFiles.removeTree(oursDir)
            sync()
            var sqlite: IngestMeasurement? = nil
            if !skipSQLite {
                let sqliteDir = runDir + "/" + label + "-sqlite"
                try BenchFiles.makeDirectory(sqliteDir)
                sqlite = try SQLiteIngestRunner.run(c, budget: budget, workload: workload, directory: sqliteDir)
                BenchFiles.removeTree(sqliteDir)
                sync()
            }
            let r = IngestCellResult(cell: c, ours: ours, counters: counters, sqlite: sqlite)
            results.append(r)
            var line = "[\(i + 1)/\(cells.count)] \(c.name): kdelta \(NumberText.rate(ours.readingsPerSecond)) r/s"
            if let sqlite, let ratio = r.ratio {
                line += ", SQLite \(c.sqliteSynchronous) \(NumberText.rate(sqlite.readingsPerSecond)) r/s, \(NumberText.ratio(ratio))"
            }
            if c.fsync == .always, let perFsync = counters.readingsPerFsync {
                line += ", \(NumberText.fixed(perFsync, 1)) readings/fsync"
            }
            line += "; longest batch \(NumberText.fixed(Double(ours.maxAckNs) / 1e6, 1)) ms"
            if let sqlite { line += " vs \(NumberText.fixed(Double(sqlite.maxAckNs) / 1e6, 1)) ms" }
            Console.progress(line)
        }

        var reads: ReadFigures? = nil
        if readVersions > 0 {
            Console.progress("loading \(NumberText.grouped(readVersions)) versions for the read figures")
            let readDir = runDir + "/reads"
            reads = try ReadBench.run(
                workload: workload, versions: readVersions,
                latestOps: quick ? 200_000 : 2_000_000, getAtOps: quick ? 200_000 : 1_000_000,
                directory: readDir, progress: Console.progress)
            BenchFiles.removeTree(readDir)
            if let r = reads {
                Console.progress("reads: latest \(NumberText.fixed(r.latestNsPerOp, 0)) ns, get(at:) \(NumberText.fixed(r.getAtNsPerOp, 0)) ns, \(NumberText.fixed(r.memoryBytesPerVersion, 1)) B/version")
            }
        }

        let report = IngestReport(
            machine: machine, loadAverageEnd: MachineInfo.loadAverage(), directory: runDir, fileSystem: fs,
            budget: budget, quick: quick, cells: results, reads: reads)
        let jsonText = report.json().render() + "\n"
        if let jsonFile, !BenchFiles.writeNewFile(jsonFile, jsonText) {
            throw BenchError("cannot write the JSON report to \(jsonFile): \(BenchFiles.errnoText())")
        }
        print(json ? jsonText : report.text(), terminator: "")
    }
}
