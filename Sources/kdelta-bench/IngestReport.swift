import KDeltaStorage

/// Everything `kdelta-bench ingest` measured, as a table or as one JSON object, with the
/// targets of the ingest issue checked against it.
struct IngestReport {
    /// The machine, the commit and the SQLite version.
    let machine: MachineInfo
    /// The 1-minute load average when the run ended.
    let loadAverageEnd: Double
    /// The run's directory and the file system it is on.
    let directory: String
    let fileSystem: FileSystemInfo
    /// How long each run of a cell went on.
    let budget: CellBudget
    /// True with --quick.
    let quick: Bool
    /// Every cell run, in matrix order.
    let cells: [IngestCellResult]
    /// The read figures; nil with --versions 0.
    let reads: ReadFigures?

    /// One target of the issue and how far the run got.
    struct Target {
        /// What is checked: "b100 interval:1000 p1 readings/s".
        var name: String
        /// The goal as text: ">= 1,000,000".
        var goal: String
        /// The goal and the figure as numbers, for the JSON report.
        var goalValue: Double
        var actualValue: Double?
        /// The figure as text, or "not run".
        var actual: String
        /// Met, missed, or nil when the cell was not run.
        var met: Bool?
        /// The figure over the goal (for "at most" goals, the goal over the figure), so
        /// 1.0 means just met and 0.5 half way.
        var fraction: Double?
    }

    private func result(batch: Int, fsync: FsyncPolicy, producers: Int) -> IngestCellResult? {
        cells.first { $0.cell == IngestCell(batchSize: batch, fsync: fsync, producers: producers) }
    }

    /// The issue's targets.
    func targets() -> [Target] {
        var list: [Target] = []
        func atLeast(_ name: String, _ goal: Double, _ actual: Double?, _ show: (Double) -> String) {
            guard let actual else {
                list.append(Target(name: name, goal: ">= " + show(goal), goalValue: goal, actualValue: nil, actual: "not run", met: nil, fraction: nil))
                return
            }
            list.append(Target(
                name: name, goal: ">= " + show(goal), goalValue: goal, actualValue: actual, actual: show(actual),
                met: actual >= goal, fraction: actual / goal))
        }
        func atMost(_ name: String, _ goal: Double, _ actual: Double?, _ show: (Double) -> String) {
            guard let actual else {
                list.append(Target(name: name, goal: "<= " + show(goal), goalValue: goal, actualValue: nil, actual: "not run", met: nil, fraction: nil))
                return
            }
            list.append(Target(
                name: name, goal: "<= " + show(goal), goalValue: goal, actualValue: actual, actual: show(actual),
                met: actual <= goal, fraction: actual > 0 ? goal / actual : nil))
        }
        let interval = result(batch: 100, fsync: .interval(ms: 1000), producers: 1)
        atLeast("b100 interval:1000 p1: readings/s", 1_000_000, interval?.ours.readingsPerSecond) { NumberText.rate($0) }
        atLeast("b100 interval:1000 p1: x SQLite NORMAL", 20, interval?.ratio) { NumberText.ratio($0) }
        let always = result(batch: 1, fsync: .always, producers: 64)
        atLeast("b1 always p64: x SQLite FULL (64 threads)", 20, always?.ratio) { NumberText.ratio($0) }
        atLeast("b1 always p64: readings per fsync", 30, always?.counters.readingsPerFsync) { NumberText.fixed($0, 1) }
        atMost("latest-get ns/op", 300, reads?.latestNsPerOp) { NumberText.fixed($0, 0) + " ns" }
        let atName = "get(at:) ns/op at \(reads.map { NumberText.grouped($0.versions) } ?? "10,000,000") versions"
        atMost(atName, 2000, reads?.getAtNsPerOp) { NumberText.fixed($0, 0) + " ns" }
        return list
    }

    // MARK: - Text

    /// The report for a terminal.
    func text() -> String {
        var out = "KoruDelta Edge ingest benchmark (kdelta-bench ingest\(quick ? " --quick" : ""))\n"
        let commit = machine.gitCommit.map { String($0.prefix(12)) + (machine.gitDirty ? " + uncommitted changes" : "") } ?? "unknown"
        out += "commit \(commit); SQLite \(machine.sqliteVersion); \(machine.cpus) CPUs; \(machine.kernel)"
        out += machine.cpuModel.isEmpty ? "\n" : "; \(machine.cpuModel)\n"
        out += "data in \(directory) on \(fileSystem.type) (\(fileSystem.source) at \(fileSystem.mountPoint))"
        out += fileSystem.isMemoryBacked ? ": A TMPFS, fsync is free here\n" : "\n"
        out += "load average \(NumberText.fixed(machine.loadAverageStart, 2)) at start, \(NumberText.fixed(loadAverageEnd, 2)) at end\n"
        out += "each run: \(NumberText.fixed(Double(budget.durationNs) / 1e9, 1)) s or \(NumberText.grouped(budget.readingsMax)) readings; \(NumberText.grouped(SensorWorkload.keyCount)) keys; double readings with source times; fresh directory per run\n\n"

        var table = TextTable([
            ("batch", .right), ("fsync", .left), ("producers", .right), ("kdelta r/s", .right),
            ("SQLite r/s", .right), ("synchronous", .left), ("ratio", .right), ("per fsync", .right),
        ])
        for r in cells {
            let perFsync = r.cell.fsync == .always ? r.counters.readingsPerFsync.map { NumberText.fixed($0, 1) } ?? "-" : ""
            table.add([
                String(r.cell.batchSize), r.cell.fsync.description, String(r.cell.producers),
                NumberText.rate(r.ours.readingsPerSecond), r.sqlite.map { NumberText.rate($0.readingsPerSecond) } ?? "n/a",
                r.cell.sqliteSynchronous, r.ratio.map { NumberText.ratio($0) } ?? "n/a", perFsync,
            ])
        }
        out += table.render()
        out += "per fsync: readings acknowledged per WAL fsync under `always` (stats().readingsCommitted / fsyncs)\n"

        if let r = reads {
            out += "\nreads: \(NumberText.grouped(r.versions)) versions over \(NumberText.grouped(r.keys)) keys, loaded in \(NumberText.fixed(Double(r.loadNs) / 1e9, 1)) s (\(NumberText.rate(r.loadReadingsPerSecond)) r/s, fsync never, batches of \(NumberText.grouped(r.loadBatchSize)))\n"
            out += "  latest-get         \(NumberText.fixed(r.latestNsPerOp, 0)) ns/op (\(NumberText.grouped(r.latestOps)) random keys)\n"
            out += "  get(at:)           \(NumberText.fixed(r.getAtNsPerOp, 0)) ns/op (\(NumberText.grouped(r.getAtOps)) random keys and times)\n"
            out += "  memory             \(NumberText.fixed(r.memoryBytesPerVersion, 1)) B/version (stats().memoryBytes \(NumberText.mebibytes(r.memoryBytes)))\n"
            out += "  peak RSS (VmHWM)   \(NumberText.mebibytes(r.peakRSSBytes)) (before the load \(NumberText.mebibytes(r.baselineRSSBytes)); \(NumberText.fixed(r.rssBytesPerVersion, 1)) B/version"
            out += r.peakWasReset ? ")\n" : "; the peak could not be reset, so it includes the ingest cells)\n"
        }

        out += "\ntargets\n"
        var t = TextTable([("", .left), ("target", .left), ("goal", .right), ("actual", .right), ("of goal", .right)])
        for target in targets() {
            let status = target.met.map { $0 ? "met" : "MISSED" } ?? "not run"
            t.add([status, target.name, target.goal, target.actual, target.fraction.map { NumberText.fixed($0 * 100, 0) + "%" } ?? ""])
        }
        out += t.render()
        return out
    }

    // MARK: - JSON

    /// The report as one JSON object.
    func json() -> JSONOutput {
        let cellValues: [JSONOutput] = cells.map { r in
            .object([
                ("batch", .int(r.cell.batchSize)),
                ("fsync", .string(r.cell.fsync.description)),
                ("producers", .int(r.cell.producers)),
                ("ours", .object([
                    ("readings", .int(r.ours.readings)),
                    ("seconds", .number(Double(r.ours.elapsedNs) / 1e9, decimals: 4)),
                    ("readingsPerSecond", .number(r.ours.readingsPerSecond, decimals: 0)),
                    ("maxBatchMs", .number(Double(r.ours.maxAckNs) / 1e6, decimals: 3)),
                    ("groupCommits", .int(r.counters.groupCommits)),
                    ("fsyncs", .int(r.counters.fsyncs)),
                    ("readingsPerFsync", .number(r.counters.readingsPerFsync, decimals: 2)),
                ])),
                ("sqlite", r.sqlite.map { s in
                    .object([
                        ("synchronous", .string(r.cell.sqliteSynchronous)),
                        ("readings", .int(s.readings)),
                        ("seconds", .number(Double(s.elapsedNs) / 1e9, decimals: 4)),
                        ("readingsPerSecond", .number(s.readingsPerSecond, decimals: 0)),
                        ("maxBatchMs", .number(Double(s.maxAckNs) / 1e6, decimals: 3)),
                    ])
                } ?? .null),
                ("ratio", .number(r.ratio, decimals: 3)),
            ])
        }
        var members: [(String, JSONOutput)] = [
            ("benchmark", .string("ingest")),
            ("quick", .bool(quick)),
            ("machine", .object([
                ("nproc", .int(machine.cpus)),
                ("kernel", .string(machine.kernel)),
                ("cpu", .string(machine.cpuModel)),
                ("loadAverageStart", .number(machine.loadAverageStart, decimals: 2)),
                ("loadAverageEnd", .number(loadAverageEnd, decimals: 2)),
                ("sqliteVersion", .string(machine.sqliteVersion)),
            ])),
            ("git", .object([("commit", .string(machine.gitCommit)), ("dirty", .bool(machine.gitDirty))])),
            ("benchDir", .object([
                ("path", .string(directory)),
                ("fsType", .string(fileSystem.type)),
                ("source", .string(fileSystem.source)),
                ("mountPoint", .string(fileSystem.mountPoint)),
                ("memoryBacked", .bool(fileSystem.isMemoryBacked)),
            ])),
            ("run", .object([
                ("secondsMax", .number(Double(budget.durationNs) / 1e9, decimals: 3)),
                ("readingsMax", .int(budget.readingsMax)),
                ("keys", .int(SensorWorkload.keyCount)),
            ])),
            ("cells", .array(cellValues)),
        ]
        if let r = reads {
            members.append(("reads", .object([
                ("versions", .int(r.versions)),
                ("keys", .int(r.keys)),
                ("loadBatch", .int(r.loadBatchSize)),
                ("loadSeconds", .number(Double(r.loadNs) / 1e9, decimals: 3)),
                ("loadReadingsPerSecond", .number(r.loadReadingsPerSecond, decimals: 0)),
                ("latestGetNs", .number(r.latestNsPerOp, decimals: 1)),
                ("latestGetOps", .int(r.latestOps)),
                ("getAtNs", .number(r.getAtNsPerOp, decimals: 1)),
                ("getAtOps", .int(r.getAtOps)),
                ("memoryBytes", .int(r.memoryBytes)),
                ("memoryBytesPerVersion", .number(r.memoryBytesPerVersion, decimals: 2)),
                ("peakRSSBytes", .int(r.peakRSSBytes)),
                ("baselineRSSBytes", .int(r.baselineRSSBytes)),
                ("rssBytesPerVersion", .number(r.rssBytesPerVersion, decimals: 2)),
                ("peakResetBeforeLoad", .bool(r.peakWasReset)),
            ])))
        } else {
            members.append(("reads", .null))
        }
        members.append(("targets", .array(targets().map { t in
            .object([
                ("name", .string(t.name)),
                ("goal", .string(t.goal)),
                ("actual", .string(t.actual)),
                ("goalValue", .number(t.goalValue, decimals: 3)),
                ("actualValue", .number(t.actualValue, decimals: 3)),
                ("met", t.met.map { .bool($0) } ?? .null),
                ("fractionOfGoal", .number(t.fraction, decimals: 3)),
            ])
        })))
        return .object(members)
    }
}
