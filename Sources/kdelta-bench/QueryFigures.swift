/// What `kdelta-bench query` measured: memory during a long ingest, point reads and range
/// scans at the store's full size, each next to its reference from the same run.
struct QueryFigures: Sendable {
    /// Readings ingested (and stored), keys they spread over, the hot-tier budget.
    var readings: Int
    var keys: Int
    var hotBudgetBytes: Int
    /// Ingest wall time (fsync never, batches of `loadBatchReadings`).
    var ingestNs: UInt64
    /// VmRSS before the ingest; at each tenth of it (10 %, 20 % … 100 %); VmHWM after it.
    var baselineRSSBytes: Int
    var rssAtTenths: [Int]
    /// The hot tier's heap bytes by the store's account (`stats().memoryBytes`) at the
    /// same moments: what of the RSS is the budgeted part.
    var hotBytesAtTenths: [Int]
    var peakRSSBytes: Int
    var peakWasReset: Bool
    /// The store's own account after the ingest: versions in memory and in blocks, blocks
    /// and their bytes, heap bytes of the hot tier.
    var hotVersions: Int
    var blockVersions: Int
    var blocks: Int
    var blockBytes: Int64
    var hotMemoryBytes: Int

    /// Point reads at random (key, time): `get(at:)` (whole versions, ids included),
    /// `reading(atOrBefore:)` (time and value), and the baseline binary search over one
    /// in-memory array of every stored time.
    var pointOps: Int
    var getAtNsPerOp: Double
    var readingAtNsPerOp: Double
    var baselineSearchNsPerOp: Double

    /// Range scans on one core: readings decoded per second by `Store.scan` over whole
    /// keys and over random one-hour ranges, a plain loop over a `[Double]` of the same
    /// count (upper bound), and SQLite's `SELECT t, v … WHERE k = ? AND t BETWEEN`.
    var scanWholeReadingsPerSecond: Double
    var scanHourReadingsPerSecond: Double
    var arrayLoopReadingsPerSecond: Double
    var sqliteScanReadingsPerSecond: Double?
    var sqliteRows: Int

    /// Readings ingested per second.
    var ingestReadingsPerSecond: Double { ingestNs == 0 ? 0 : Double(readings) * 1e9 / Double(ingestNs) }
    /// Peak resident bytes over the baseline.
    var peakOverBaselineBytes: Int { max(0, peakRSSBytes - baselineRSSBytes) }
}
