/// What the read benchmark measured on a store loaded with many versions.
struct ReadFigures: Sendable {
    /// Versions loaded (and so stored).
    var versions: Int
    /// Keys they spread over.
    var keys: Int
    /// Readings per `putBatch` during the load.
    var loadBatchSize: Int
    /// Time of the load (fsync never).
    var loadNs: UInt64
    /// `latest` calls timed and their mean cost.
    var latestOps: Int
    var latestNsPerOp: Double
    /// `get(at: .timeMs)` calls timed and their mean cost.
    var getAtOps: Int
    var getAtNsPerOp: Double
    /// `stats().memoryBytes` after the load.
    var memoryBytes: Int
    /// VmRSS before the load and VmHWM after it.
    var baselineRSSBytes: Int
    var peakRSSBytes: Int
    /// True when the peak was reset (/proc/self/clear_refs) right before the load, so it
    /// belongs to the load alone; otherwise it includes the ingest cells run before.
    var peakWasReset: Bool

    /// Loaded readings per second.
    var loadReadingsPerSecond: Double { loadNs == 0 ? 0 : Double(versions) * 1e9 / Double(loadNs) }
    /// In-memory bytes per stored version, by the store's own account.
    var memoryBytesPerVersion: Double { versions == 0 ? 0 : Double(memoryBytes) / Double(versions) }
    /// Resident bytes the load added per version (peak minus baseline).
    var rssBytesPerVersion: Double {
        versions == 0 ? 0 : Double(max(0, peakRSSBytes - baselineRSSBytes)) / Double(versions)
    }
}
