import KDeltaModel

extension Store {
    /// The bytes the store's files take now. Under `cutMutex` or not (a snapshot).
    public func diskUsage() -> DiskUsage {
        let segments = writer?.liveSegments.count ?? 0
        let (blocks, rollups, catalogSeries) = cutMutex.withLock { () -> (Int64, Int64, Int) in
            var b: Int64 = 0, r: Int64 = 0
            for ref in manifest.blocks {
                if ref.level == BlockFormat.levelRollup { r += ref.bytes } else { b += ref.bytes }
            }
            return (b, r, catalogSeriesCount)
        }
        return DiskUsage(walBytes: Int64(segments) * Int64(options.walSegmentBytes), blockBytes: blocks,
                         rollupBytes: rollups, metadataBytes: 4096 + Int64(catalogSeries) * 240)  // the catalog, twice
    }

    /// Holds the disk budget (docs/retention.md): when the files take more than
    /// `diskBudget.bytesMax`, cuts memory into a block (blocks take far less than the WAL)
    /// and applies retention; if still over, `drop-oldest` drops the oldest versions,
    /// block by block across all series (counted as `overflow`), and `stop-ingest`
    /// refuses new readings until there is room again. Returns the usage at the end.
    @discardableResult
    public func enforceDiskBudget(nowMs: Int64? = nil) throws(StoreError) -> DiskUsage {
        guard let limit = options.diskBudget.bytesMax?.bytes else { return diskUsage() }
        var usage = diskUsage()
        if usage.total > limit && state.withReadLock({ hot.versionCount > 0 }) {
            try cut()
            try applyRetention(nowMs: nowMs)
            usage = diskUsage()
        }
        if usage.total > limit && options.diskBudget.overflow == .dropOldest {
            try dropOldest(toFree: usage.total - limit)
            while try compactBlocks().blockWritten != nil {}
            usage = diskUsage()
        }
        let over = usage.total > limit
        let message = over ? stopMessage(usage, limit: limit) : nil
        statusMutex.withLock {
            if let message {
                ingestStop = StoreError(.diskBudgetFull, message)
            } else {
                ingestStop = nil
            }
        }
        return usage
    }

    /// At open for writing: a store that is over its budget is brought back under it
    /// (or stopped, under `stop-ingest`) before it takes a reading. Without this a new
    /// process accepted readings that the one before had refused, until its first
    /// background pass. A store within its budget costs one look at the manifest.
    func holdDiskBudgetAtOpen() throws(StoreError) {
        guard let limit = options.diskBudget.bytesMax?.bytes, diskUsage().total > limit else { return }
        try enforceDiskBudget()
    }

    private func stopMessage(_ u: DiskUsage, limit: Int64) -> String {
        let policy = options.diskBudget.overflow
        let (why, remedies) = policy == .stopIngest
            ? ("storage.on-disk-full is stop-ingest, so new readings are refused until retention or the hub frees space; nothing stored is lost",
               "Raise storage.disk-budget, add retention rules, or set storage.on-disk-full: drop-oldest")
            : ("drop-oldest found nothing more it may drop (each key keeps its newest version, and the WAL's segments count in full)",
               "Raise storage.disk-budget (at least two WAL segments and room for blocks)")
        return "the disk budget of \(ByteSize(bytes: limit)) is full: the data directory \(directory) takes \(ByteSize(bytes: u.total)) (WAL \(ByteSize(bytes: u.walBytes)), blocks \(ByteSize(bytes: u.blockBytes)), rollups \(ByteSize(bytes: u.rollupBytes))); \(why). \(remedies) (docs/retention.md)."
    }

    /// `drop-oldest`: drops whole version blocks, oldest (by LSN) first, across all
    /// series, until `bytes` are freed or only each key's newest version is left. Those
    /// drops ignore the sync cursor: that is the overflow policy's price.
    private func dropOldest(toFree bytes: Int64) throws(StoreError) {
        try maintenanceMutex.withLock { () throws(StoreError) in
            if let e = poisonedBy { throw e }
            let plans = cutMutex.withLock { state.withReadLock { overflowPlans(toFree: bytes) } }
            guard !plans.isEmpty else { return }
            var report = RetentionReport()
            try commit(plans, report: &report)
            statusMutex.withLock { maintenance.overflowDrops += report.dropped.overflow }
        }
    }

    /// The floors that drop the oldest version blocks until `bytes` are freed. Under
    /// `cutMutex` and the state lock.
    private func overflowPlans(toFree bytes: Int64) -> [SeriesRetentionPlan] {
        var order: [(lsn: UInt64, block: BlockFile)] = []
        var seen = Set<UInt64>()
        for s in hot.series.prefix(catalogSeriesCount) {
            for c in s.chunks where !seen.contains(c.block.number) {
                seen.insert(c.block.number)
                order.append((c.block.entries.filter { !$0.isRollup }.map(\.firstLSN).min() ?? .max, c.block))
            }
        }
        order.sort { $0.lsn < $1.lsn }
        var floors: [UInt32: UInt64] = [:]
        var freed: Int64 = 0
        for (_, block) in order where freed < bytes {
            for e in block.entries where !e.isRollup {
                let s = hot.series[Int(e.seriesID)]
                let ceiling = min(s.hotFirstSeq, s.nextSeq - 1)
                floors[s.id] = max(floors[s.id] ?? s.firstSeq, min(e.lastSeq + 1, ceiling))
            }
            freed += block.byteCount
        }
        return floors.compactMap { (id, floor) -> SeriesRetentionPlan? in
            let s = hot.series[Int(id)]
            guard floor > s.firstSeq else { return nil }
            var p = SeriesRetentionPlan(series: s, floor: floor, rollupFloorMs: s.rollupFloorMs)
            p.drops.overflow = floor - s.firstSeq
            return p
        }.sorted { $0.series.id < $1.series.id }
    }

    /// The background pass: retention, the disk budget, then compaction while due (a few
    /// merges at most). Failures are counted and shown by `stats`; the next pass retries.
    func maintainInBackground() {
        do throws(StoreError) {
            try applyRetention()
            try enforceDiskBudget()
            var merges = 0
            while merges < 4, try compactBlocks().blockWritten != nil { merges += 1 }
        } catch {
            statusMutex.withLock {
                maintenance.failures += 1
                maintenance.lastError = error.message
            }
        }
    }
}
