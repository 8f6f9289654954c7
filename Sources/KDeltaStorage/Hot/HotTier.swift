import KDeltaModel

/// Every series held in memory and the key index: the latest value of a key is one hash
/// lookup and one array read.
///
/// Not synchronised itself: `Store` guards it with its state lock (written by the single
/// writer, read by everyone).
final class HotTier: @unchecked Sendable {
    @exclusivity(unchecked) private(set) var seriesByKey: [Key: Series] = [:]
    @exclusivity(unchecked) private(set) var series: [Series] = []
    /// Versions held in all series.
    @exclusivity(unchecked) private(set) var versionCount = 0
    /// The highest HLC held.
    private(set) var maxHLC = HLC(rawValue: 0)
    /// The LSN of the last version applied.
    private(set) var lastLSN: UInt64 = 0

    /// The series of `key`, if it has any version.
    @inline(__always)
    func series(for key: Key) -> Series? {
        seriesByKey[key]
    }

    /// The series with store id `id`.
    func series(id: UInt32) -> Series? {
        let i = Int(id)
        return i < series.count ? series[i] : nil
    }

    /// Adds a series; ids are dense and assigned in order of first write.
    func addSeries(_ s: Series) {
        precondition(Int(s.id) == series.count, "series id \(s.id) out of order (have \(series.count))")
        precondition(seriesByKey[s.key] == nil, "series \(s.key) added twice")
        seriesByKey[s.key] = s
        series.append(s)
    }

    /// Appends a version to a series.
    @inline(__always)
    func append(_ s: Series, seq: UInt64, hlc: HLC, sourceTimeMs: Int64?, value: Value, id: VersionID, lsn: UInt64) {
        s.append(seq: seq, hlc: hlc, sourceTimeMs: sourceTimeMs, value: value, id: id, lsn: lsn)
        versionCount += 1
        if hlc > maxHLC { maxHLC = hlc }
        lastLSN = lsn
    }

    /// Accounts for `n` versions a cut moved to a block.
    func removed(_ n: Int) {
        versionCount -= n
        measuredBytes = nil
    }

    /// The last measured `memoryBytes` and the version count then: the write path checks
    /// the budget against this, re-measured every `budgetCheckVersions` appends (a
    /// measure walks every series).
    private var measuredBytes: Int? = nil
    private var measuredAtCount = 0
    static let budgetCheckVersions = 16_384

    /// `memoryBytes`, re-measured at most every `budgetCheckVersions` versions; in between
    /// the last measure plus 72 bytes per version appended since (65 B of columns and the
    /// average doubling slack rounded down, so the budget is reached no later than measured).
    var memoryBytesEstimate: Int {
        if let m = measuredBytes, abs(versionCount - measuredAtCount) < Self.budgetCheckVersions {
            return m + max(0, versionCount - measuredAtCount) * 72
        }
        let m = memoryBytes
        measuredBytes = m
        measuredAtCount = versionCount
        return m
    }

    /// Recovery: sets the LSN applied last when the WAL tail is empty after a checkpoint.
    func restoreLastLSN(_ lsn: UInt64) {
        if lsn > lastLSN { lastLSN = lsn }
    }

    /// Recovery: the highest HLC found in blocks.
    func restoreMaxHLC(_ h: HLC) {
        if h > maxHLC { maxHLC = h }
    }

    /// Approximate heap bytes of all series and the index.
    var memoryBytes: Int {
        series.reduce(0) { $0 + $1.memoryBytes } + seriesByKey.capacity * 48 + series.capacity * 8
    }
}
