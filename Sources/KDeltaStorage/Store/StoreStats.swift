import KDeltaModel
/// Figures about a store, for `kdelta-edge stats` and the control API.
public struct StoreStats: Sendable {
    /// Keys with at least one version.
    public var keys: Int
    /// Versions held.
    public var versions: Int
    /// The LSN the next version gets.
    public var nextLSN: UInt64
    /// The last LSN known durable on disk.
    public var durableLSN: UInt64
    /// Live WAL segments and their bytes on disk.
    public var walSegments: Int
    public var walBytes: Int64
    /// Approximate heap bytes of the hot tier.
    public var memoryBytes: Int
    /// Group commits and the readings they carried, since open.
    public var groupCommits: Int
    public var readingsCommitted: Int
    /// WAL fsyncs since open.
    public var fsyncs: Int
    /// Readings refused because the queue was full, and producers that had to wait.
    public var queueFullRefusals: Int
    public var queueFullWaits: Int
    /// Readings waiting in the ingest queue now.
    public var queuedReadings: Int
    /// The fsync policy.
    public var fsync: FsyncPolicy
    /// Why writes stopped, if they did.
    public var poisoned: String?
    /// Versions in memory (hot) and in block files (warm), and the blocks' bytes on disk.
    public var hotVersions: Int = 0
    public var blockVersions: Int = 0
    public var blocks: Int = 0
    public var blockBytes: Int64 = 0
    /// Of those, the blocks compaction wrote (cold, level 1) and their bytes; the rest are
    /// warm (cut from memory, level 0).
    public var coldBlocks: Int = 0
    public var coldBytes: Int64 = 0
    /// Rollups stored (in rollup blocks), the rollup blocks and their bytes.
    public var rollups: Int = 0
    public var rollupBlocks: Int = 0
    public var rollupBytes: Int64 = 0
    /// What retention and the overflow policy dropped, summed over series.
    public var drops = DropCounts()
    /// Bytes on disk by kind, and the disk budget (nil: none).
    public var disk = DiskUsage(walBytes: 0, blockBytes: 0, rollupBytes: 0, metadataBytes: 0)
    public var diskBudgetBytes: Int64? = nil
    /// Why ingest is refused (disk budget full under stop-ingest), if it is.
    public var ingestStopped: String? = nil
    /// Maintenance since open: blocks cut from the hot tier (by `cut()` or its budget),
    /// those of them the hot tier's budget started, retention passes, compactions;
    /// failures of background work (a cut the budget started, a retention pass, a
    /// compaction, the disk budget), of cuts alone, and the last failure's message. A
    /// failed cut leaves the versions in memory and the WAL.
    public var cuts = 0
    public var budgetCuts = 0
    public var cutFailures = 0
    public var retentionPasses = 0
    public var compactions = 0
    /// Versions the overflow policy (`drop-oldest`) dropped since open, the check at open
    /// included (`drops.overflow` is the total over the store's life).
    public var overflowDropsSinceOpen: UInt64 = 0
    public var maintenanceFailures = 0
    public var lastMaintenanceError: String? = nil
    /// Per series, in key order.
    public var series: [SeriesStats] = []
}

/// Figures about one series.
public struct SeriesStats: Sendable, Equatable {
    public var key: Key
    /// Versions in memory and in blocks.
    public var hotVersions: Int
    public var blockVersions: Int
    /// Bytes of its chunks in block files, and of those in cold (compacted) blocks.
    public var blockBytes: Int64
    public var coldBytes: Int64 = 0
    /// The first seq still kept.
    public var firstSeq: UInt64 = 1
    /// Rollups stored for it, and their bytes.
    public var rollups: Int = 0
    public var rollupBytes: Int64 = 0
    /// What was dropped, by reason.
    public var drops = DropCounts()
}

extension Store {
    /// Current figures.
    public func stats() -> StoreStats {
        let (keys, hotVersions, memory, series) = state.withReadLock { () -> (Int, Int, Int, [SeriesStats]) in
            let series = hot.series.map { s in
                SeriesStats(key: s.key, hotVersions: s.count, blockVersions: s.totalCount - s.count,
                            blockBytes: s.chunks.reduce(Int64(0)) { $0 + Int64($1.entry.length) },
                            coldBytes: s.chunks.filter { $0.block.level == BlockFormat.levelCold }.reduce(Int64(0)) { $0 + Int64($1.entry.length) },
                            firstSeq: s.firstSeq,
                            rollups: s.rollupChunks.reduce(0) { $0 + $1.entry.count },
                            rollupBytes: s.rollupChunks.reduce(Int64(0)) { $0 + Int64($1.entry.length) },
                            drops: s.drops)
            }
            return (hot.series.filter { $0.totalCount > 0 }.count, hot.versionCount, hot.memoryBytes, series)
        }
        let blockVersions = series.reduce(0) { $0 + $1.blockVersions }
        let (blocks, blockBytes, rollupBlocks, rollupBytes, coldBlocks, coldBytes) = cutMutex.withLock { () -> (Int, Int64, Int, Int64, Int, Int64) in
            let v = manifest.blocks.filter { $0.level != BlockFormat.levelRollup }
            let r = manifest.blocks.filter { $0.level == BlockFormat.levelRollup }
            let c = manifest.blocks.filter { $0.level == BlockFormat.levelCold }
            return (v.count, v.reduce(Int64(0)) { $0 + $1.bytes }, r.count, r.reduce(Int64(0)) { $0 + $1.bytes },
                    c.count, c.reduce(Int64(0)) { $0 + $1.bytes })
        }
        let versions = hotVersions + blockVersions
        let counters = committerCounters
        var segments = 0
        var bytes: Int64 = 0
        let walDir = directory + "/" + WALFormat.directoryName
        if let names = try? fs.list(walDir) {
            for name in names where WALFormat.segmentNumber(fileName: name) != nil {
                segments += 1
                if let fd = try? fs.open(walDir + "/" + name, .read) {
                    bytes += (try? fs.size(fd)) ?? 0
                    fs.close(fd)
                }
            }
        }
        let (maintenance, stopped) = statusMutex.withLock { (self.maintenance, ingestStop?.message) }
        var result = StoreStats(
            keys: keys, versions: versions, nextLSN: nextLSNForStats, durableLSN: durableLSN,
            walSegments: segments, walBytes: bytes, memoryBytes: memory,
            groupCommits: counters.groups, readingsCommitted: counters.readings, fsyncs: fsyncCount,
            queueFullRefusals: counters.refusals, queueFullWaits: counters.waits, queuedReadings: counters.queued,
            fsync: options.fsync, poisoned: poisonedBy?.message,
            hotVersions: hotVersions, blockVersions: blockVersions, blocks: blocks, blockBytes: blockBytes,
            series: series.sorted { $0.key < $1.key })
        result.coldBlocks = coldBlocks
        result.coldBytes = coldBytes
        result.rollups = series.reduce(0) { $0 + $1.rollups }
        result.rollupBlocks = rollupBlocks
        result.rollupBytes = rollupBytes
        result.drops = series.reduce(DropCounts()) { $0 + $1.drops }
        result.disk = diskUsage()
        if writer == nil { result.disk.walBytes = bytes }
        result.diskBudgetBytes = options.diskBudget.bytesMax?.bytes
        result.ingestStopped = stopped
        result.cuts = maintenance.cuts
        result.budgetCuts = maintenance.budgetCuts
        result.cutFailures = maintenance.cutFailures
        result.retentionPasses = maintenance.retentionPasses
        result.overflowDropsSinceOpen = maintenance.overflowDrops
        result.compactions = maintenance.compactions
        result.maintenanceFailures = maintenance.failures
        result.lastMaintenanceError = maintenance.lastError
        return result
    }
}
