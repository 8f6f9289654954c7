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
