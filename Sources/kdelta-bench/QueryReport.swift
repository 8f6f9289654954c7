/// What `kdelta-bench query` measured, as text or one JSON object, with the issue's
/// targets: RSS within the hot budget plus `rssAllowanceBytes`, `get(at:)` at most 1 µs,
/// range scans at least 20M readings/s.
struct QueryReport {
    let machine: MachineInfo
    let loadAverageEnd: Double
    let directory: String
    let figures: QueryFigures

    /// What the process may hold besides the hot tier's budget (docs: BENCHMARKS.md,
    /// "Queries and memory"): the block index (one directory entry per series per block,
    /// about 300 bytes), the cut's transient chunk input and encoded chunk, the ingest
    /// batch and the WAL encoder's buffer, allocator slack.
    static let rssAllowanceBytes = 64 << 20
    /// The point-read and scan targets.
    static let getAtNsMax = 1000.0
    static let scanReadingsPerSecondMin = 20_000_000.0

    /// The peak over the baseline, against budget + allowance.
    var rssWithinTarget: Bool {
        figures.peakOverBaselineBytes <= figures.hotBudgetBytes + Self.rssAllowanceBytes
    }

    func text() -> String {
        let f = figures
        var out = "kdelta-bench query: \(NumberText.grouped(f.readings)) readings over \(f.keys) keys, hot budget \(NumberText.mebibytes(f.hotBudgetBytes))\n"
        out += "machine: \(machine.cpus) CPUs, \(machine.kernel)\(machine.cpuModel.isEmpty ? "" : ", " + machine.cpuModel); load \(NumberText.fixed(machine.loadAverageStart, 2)) -> \(NumberText.fixed(loadAverageEnd, 2)); commit \(machine.gitCommit ?? "?")\(machine.gitDirty ? " (dirty)" : ""); SQLite \(machine.sqliteVersion)\n\n"
        out += "ingest: \(NumberText.fixed(Double(f.ingestNs) / 1e9, 1)) s, \(NumberText.rate(f.ingestReadingsPerSecond)) r/s (fsync never); \(NumberText.grouped(f.blocks)) blocks, \(NumberText.mebibytes(Int(f.blockBytes))) (\(NumberText.fixed(Double(f.blockBytes) / Double(max(1, f.blockVersions)), 2)) B/reading); \(NumberText.grouped(f.hotVersions)) versions in memory at the end\n"
        out += "RSS: baseline \(NumberText.mebibytes(f.baselineRSSBytes)); at 10 %..100 %: " + f.rssAtTenths.map { NumberText.mebibytes($0) }.joined(separator: ", ") + "\n"
        out += "hot tier (store's account) at the same moments: " + f.hotBytesAtTenths.map { NumberText.mebibytes($0) }.joined(separator: ", ") + "\n"
        out += "peak \(NumberText.mebibytes(f.peakRSSBytes))\(f.peakWasReset ? "" : " (peak not reset: includes start-up)"), \(NumberText.mebibytes(f.peakOverBaselineBytes)) over the baseline; target: hot budget + \(NumberText.mebibytes(Self.rssAllowanceBytes)) = \(NumberText.mebibytes(f.hotBudgetBytes + Self.rssAllowanceBytes)): \(rssWithinTarget ? "met" : "MISSED")\n\n"
        var t = TextTable([("figure", .left), ("ours", .right), ("reference", .right), ("ratio", .right), ("target", .left)])
        t.add(["get(at:) ns, whole version (id recomputed)", NumberText.fixed(f.getAtNsPerOp, 0), NumberText.fixed(f.baselineSearchNsPerOp, 0) + " (binary search)", NumberText.ratio(f.getAtNsPerOp / f.baselineSearchNsPerOp), "<= 1,000 ns: " + (f.getAtNsPerOp <= Self.getAtNsMax ? "met" : "MISSED")])
        t.add(["reading(atOrBefore:) ns, time and value", NumberText.fixed(f.readingAtNsPerOp, 0), NumberText.fixed(f.baselineSearchNsPerOp, 0) + " (binary search)", NumberText.ratio(f.readingAtNsPerOp / f.baselineSearchNsPerOp), "<= 1,000 ns: " + (f.readingAtNsPerOp <= Self.getAtNsMax ? "met" : "MISSED")])
        t.add(["scan r/s, whole keys", NumberText.rate(f.scanWholeReadingsPerSecond), NumberText.rate(f.arrayLoopReadingsPerSecond) + " ([Double] loop)", NumberText.ratio(f.scanWholeReadingsPerSecond / f.arrayLoopReadingsPerSecond), ">= 20M: " + (f.scanWholeReadingsPerSecond >= Self.scanReadingsPerSecondMin ? "met" : "MISSED")])
        if let s = f.sqliteScanReadingsPerSecond {
            t.add(["scan r/s, whole keys vs SQLite", NumberText.rate(f.scanWholeReadingsPerSecond), NumberText.rate(s) + " (SQLite)", NumberText.ratio(f.scanWholeReadingsPerSecond / s), ""])
        }
        t.add(["scan r/s, one-hour ranges", NumberText.rate(f.scanHourReadingsPerSecond), "", "", ">= 20M: " + (f.scanHourReadingsPerSecond >= Self.scanReadingsPerSecondMin ? "met" : "MISSED")])
        out += t.render()
        out += "\nbinary search: over one in-memory array of all \(NumberText.grouped(f.readings)) stored times (returns a position, no value); point reads: \(NumberText.grouped(f.pointOps)) random (key, time) each, CPU time of one thread\n"
        if f.sqliteScanReadingsPerSecond != nil {
            out += "SQLite: \(NumberText.grouped(f.sqliteRows)) rows of \(QueryBench.sqliteKeys) keys, (k, t) primary key WITHOUT ROWID, SELECT t, v WHERE k = ? AND t BETWEEN ? AND ?, best of 3\n"
        }
        return out
    }

    func json() -> JSONOutput {
        let f = figures
        return .object([
            ("benchmark", .string("query")),
            ("machine", .object([
                ("cpus", .int(machine.cpus)), ("kernel", .string(machine.kernel)), ("cpuModel", .string(machine.cpuModel)),
                ("loadAverageStart", .number(machine.loadAverageStart, decimals: 2)), ("loadAverageEnd", .number(loadAverageEnd, decimals: 2)),
                ("gitCommit", .string(machine.gitCommit)), ("gitDirty", .bool(machine.gitDirty)),
                ("sqliteVersion", .string(machine.sqliteVersion)),
            ])),
            ("directory", .string(directory)),
            ("ingest", .object([
                ("readings", .int(f.readings)), ("keys", .int(f.keys)), ("hotBudgetBytes", .int(f.hotBudgetBytes)),
                ("seconds", .number(Double(f.ingestNs) / 1e9, decimals: 3)),
                ("readingsPerSecond", .number(f.ingestReadingsPerSecond, decimals: 0)),
                ("blocks", .int(f.blocks)), ("blockBytes", .int(Int(f.blockBytes))),
                ("blockVersions", .int(f.blockVersions)), ("hotVersions", .int(f.hotVersions)),
                ("hotMemoryBytes", .int(f.hotMemoryBytes)),
            ])),
            ("rss", .object([
                ("baselineBytes", .int(f.baselineRSSBytes)),
                ("atTenthsBytes", .array(f.rssAtTenths.map { .int($0) })),
                ("hotTierAtTenthsBytes", .array(f.hotBytesAtTenths.map { .int($0) })),
                ("peakBytes", .int(f.peakRSSBytes)), ("peakWasReset", .bool(f.peakWasReset)),
                ("peakOverBaselineBytes", .int(f.peakOverBaselineBytes)),
                ("allowanceBytes", .int(Self.rssAllowanceBytes)), ("withinTarget", .bool(rssWithinTarget)),
            ])),
            ("pointReads", .object([
                ("ops", .int(f.pointOps)),
                ("getAtNs", .number(f.getAtNsPerOp, decimals: 1)),
                ("readingAtNs", .number(f.readingAtNsPerOp, decimals: 1)),
                ("binarySearchNs", .number(f.baselineSearchNsPerOp, decimals: 1)),
            ])),
            ("scans", .object([
                ("wholeKeysReadingsPerSecond", .number(f.scanWholeReadingsPerSecond, decimals: 0)),
                ("oneHourReadingsPerSecond", .number(f.scanHourReadingsPerSecond, decimals: 0)),
                ("doubleArrayLoopReadingsPerSecond", .number(f.arrayLoopReadingsPerSecond, decimals: 0)),
                ("sqliteReadingsPerSecond", .number(f.sqliteScanReadingsPerSecond, decimals: 0)),
                ("sqliteRows", .int(f.sqliteRows)),
            ])),
        ])
    }
}
