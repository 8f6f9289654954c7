import ArgumentParser
import KDeltaStorage

/// `kdelta-bench query`: memory while ingesting 100M readings under the default hot-tier
/// budget, then `get(at:)` and range scans at that size, each against a reference
/// measured in the same run.
struct QueryBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "RSS during a 100M-reading ingest (64 MiB hot budget), get(at:) against a binary search, range scans against a [Double] loop and SQLite.")

    @Option(help: "Readings to ingest, a multiple of 1000 (default 100,000,000).")
    var readings: Int = 100_000_000

    @Option(name: .customLong("point-ops"), help: "Point reads timed per kind (default 1,000,000).")
    var pointOps: Int = 1_000_000

    @Flag(help: "Print one JSON object; progress goes to stderr.")
    var json = false

    @Option(name: .customLong("json-file"), help: "Also write the JSON report to this file.")
    var jsonFile: String?

    @Option(help: "Parent of the run's data directory (default /var/tmp, or /tmp when /var/tmp is a tmpfs).")
    var dir: String?

    @Flag(name: .customLong("skip-sqlite"), help: "Skip the SQLite scan reference.")
    var skipSQLite = false

    func validate() throws {
        if readings < 1000 || readings % 1000 != 0 || readings > 1_000_000_000 {
            throw ValidationError("--readings must be a multiple of 1000 from 1,000 to 1,000,000,000")
        }
        if pointOps < 1 { throw ValidationError("--point-ops must be at least 1") }
    }

    func run() throws {
        let machine = MachineInfo.current()
        let runDir = try BenchFiles.makeRunDirectory(parent: dir ?? BenchFiles.defaultParent())
        defer { BenchFiles.removeTree(runDir) }
        if machine.loadAverageStart > 0.5 {
            Console.progress("warning: load average \(NumberText.fixed(machine.loadAverageStart, 2)) at start: figures will be noisy (the ratios less so)")
        }
        Console.progress("kdelta-bench query: ingesting \(NumberText.grouped(readings)) readings into \(runDir)")
        let storeDir = runDir + "/store"
        var sqliteDir: String? = nil
        if !skipSQLite {
            sqliteDir = runDir + "/sqlite"
            try BenchFiles.makeDirectory(sqliteDir!)
        }
        let figures = try QueryBench.run(readings: readings, pointOps: pointOps, directory: storeDir, sqliteDirectory: sqliteDir, progress: Console.progress)
        let report = QueryReport(machine: machine, loadAverageEnd: MachineInfo.loadAverage(), directory: runDir, figures: figures)
        let jsonText = report.json().render() + "\n"
        if let jsonFile, !BenchFiles.writeNewFile(jsonFile, jsonText) {
            throw BenchError("cannot write the JSON report to \(jsonFile): \(BenchFiles.errnoText())")
        }
        print(json ? jsonText : report.text(), terminator: "")
    }
}
