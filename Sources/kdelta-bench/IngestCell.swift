import KDeltaStorage

/// One cell of the ingest matrix: a batch size, an fsync policy and a number of producer
/// threads. The same cell runs into our store and into SQLite.
struct IngestCell: Sendable, Equatable {
    /// Readings per `putBatch` (per SQLite transaction).
    var batchSize: Int
    /// Our fsync policy; SQLite gets the matching `synchronous` level.
    var fsync: FsyncPolicy
    /// Producer threads, each writing its own batches.
    var producers: Int

    /// `b100 interval:1000 p16`, for progress lines.
    var name: String { "b\(batchSize) \(fsync) p\(producers)" }

    /// SQLite's `synchronous` level that matches our policy: FULL syncs the WAL at every
    /// commit (our `always`); NORMAL syncs at checkpoints only, so a power cut can lose
    /// the last commits (our `interval`); OFF never syncs (our `never`).
    var sqliteSynchronous: String {
        switch fsync {
        case .always: return "FULL"
        case .interval: return "NORMAL"
        case .never: return "OFF"
        }
    }

    /// The matrix: every batch size × policy × producer count, in that nesting.
    static func matrix(batchSizes: [Int], policies: [FsyncPolicy], producers: [Int]) -> [IngestCell] {
        var cells: [IngestCell] = []
        for b in batchSizes {
            for f in policies {
                for p in producers { cells.append(IngestCell(batchSize: b, fsync: f, producers: p)) }
            }
        }
        return cells
    }
}

/// How long one run of a cell goes on: until `durationNs` has passed or `readingsMax`
/// readings were written, whichever comes first. Fsync-bound cells (always, batch 1) end
/// by time; fast ones may end by count.
struct CellBudget: Sendable {
    /// Wall time of one run.
    var durationNs: UInt64
    /// Readings of one run at most (all producers together).
    var readingsMax: Int
}

/// What one run of a cell measured.
struct IngestMeasurement: Sendable {
    /// Readings acknowledged (committed) by all producers.
    var readings: Int
    /// From the common start to the last producer's last acknowledgement.
    var elapsedNs: UInt64
    /// The longest any producer waited for one batch (building it included).
    var maxAckNs: UInt64

    /// Acknowledged readings per second.
    var readingsPerSecond: Double {
        elapsedNs == 0 ? 0 : Double(readings) * 1e9 / Double(elapsedNs)
    }
}

/// Our store's counters for one run (from `Store.stats()` before closing).
struct StoreCounters: Sendable {
    /// Group commits, i.e. WAL records written.
    var groupCommits: Int
    /// Readings the group commits carried.
    var readingsCommitted: Int
    /// WAL fsyncs issued.
    var fsyncs: Int

    /// Readings acknowledged per fsync; nil when nothing was synced.
    var readingsPerFsync: Double? {
        fsyncs == 0 ? nil : Double(readingsCommitted) / Double(fsyncs)
    }
}

/// One cell's outcome: ours, SQLite's and the ratio.
struct IngestCellResult: Sendable {
    var cell: IngestCell
    var ours: IngestMeasurement
    var counters: StoreCounters
    /// SQLite's run; nil with --skip-sqlite.
    var sqlite: IngestMeasurement?

    /// Our readings/s over SQLite's; nil without a SQLite run.
    var ratio: Double? {
        guard let s = sqlite?.readingsPerSecond, s > 0 else { return nil }
        return ours.readingsPerSecond / s
    }
}
