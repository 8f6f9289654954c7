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
