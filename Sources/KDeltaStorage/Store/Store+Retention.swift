import KDeltaModel

extension Store {
    /// Applies the retention rules now (docs/retention.md): for every series its policy
    /// covers, drops the oldest versions it lets go (never the newest, never one after the
    /// sync cursor), rolls up what `downsample-after` replaces, expires old rollups, and
    /// removes block files left with nothing live. Incremental: only the rollups are
    /// written, plus a new catalog and manifest; blocks are never rewritten here
    /// (compaction does that for blocks partly dead).
    ///
    /// Crash-safe like a cut: the rollup block is written and synced first, then the
    /// catalog and the manifest (atomic rename) commit the pass; a crash before the rename
    /// leaves the old state (the new files are orphans the next open removes), after it
    /// the new one.
    @discardableResult
    public func applyRetention(nowMs: Int64? = nil) throws(StoreError) -> RetentionReport {
        guard writer != nil else {
            throw StoreError(.readOnly, "the store in \(directory) was opened read-only; open it for writing to apply retention")
        }
        return try maintenanceMutex.withLock { () throws(StoreError) -> RetentionReport in
            var report = RetentionReport()
            if options.retention.rules.isEmpty { return report }
            let planner = RetentionPlanner(rules: options.retention, nowMs: nowMs ?? options.clock.nowMs(),
                                           acknowledgedLSN: options.syncCursor.acknowledgedLSN)
            let wantsCut = state.withReadLock { hot.series.contains { planner.wantsVersionsInMemory($0) } }
            if wantsCut {
                try cut()
                report.cutFirst = true
            }
            if let e = poisonedBy { throw e }
            // Views taken at one checkpoint; cuts may follow while the plans are made, which
            // only adds blocks after them.
            let views = cutMutex.withLock { state.withReadLock { hot.series.prefix(catalogSeriesCount).map(SeriesView.init) } }
            var plans: [SeriesRetentionPlan] = []
            for v in views {
                if let p = try planner.plan(v) { plans.append(p) }
            }
            if !plans.isEmpty { try commit(plans, report: &report) }
            statusMutex.withLock { maintenance.retentionPasses += 1 }
            return report
        }
    }

    /// Writes the plans' rollups (without `cutMutex`), then under `cutMutex` commits the
    /// new catalog and manifest and applies the plans in memory, then removes what they
    /// left dead. Under `maintenanceMutex`.
    func commit(_ plans: [SeriesRetentionPlan], report: inout RetentionReport) throws(StoreError) {
        // 1. The rollups, in a rollup block.
        var rollupBlock: (file: BlockFile, summary: BlockSummary)? = nil
        var rollupChunkIndex: [ObjectIdentifier: Int] = [:]
        if plans.contains(where: { !$0.rollups.isEmpty }) {
            var written = 0
            rollupBlock = try writeBlock(level: BlockFormat.levelRollup) { (w: inout BlockWriter) throws(StoreError) in
                for p in plans where !p.rollups.isEmpty {
                    let (bytes, entry) = RollupChunk.encode(seriesID: p.series.id, key: p.series.key, rollups: p.rollups, lsns: p.rolledLSNs ?? 0...0)
                    rollupChunkIndex[ObjectIdentifier(p.series)] = w.chunkCount
                    try w.add(bytes: bytes, entry: entry)
                    written += p.rollups.count
                }
            }
            report.rollupsWritten = written
            report.rollupBlock = rollupBlock?.file.number
            report.bytesWritten += rollupBlock?.summary.bytes ?? 0
        }
        let (previousCatalog, dead) = try cutMutex.withLock { () throws(StoreError) -> (UInt64, Set<UInt64>) in
            var next = manifest
            if let (block, summary) = rollupBlock {
                next.addBlock(Manifest.BlockRef(number: block.number, level: summary.level, bytes: summary.bytes))
            }
            // 2. Blocks left with no live chunk, given the new floors.
            let dead = state.withReadLock { deadBlocks(after: plans) }
            next.removeBlocks(dead)
            report.bytesFreed = manifest.blocks.filter { dead.contains($0.number) }.reduce(0) { $0 + $1.bytes }
            // 3. The catalog with the new floors and counts, and the manifest: the commit point.
            let catalog = state.withReadLock { () -> Catalog in
                var c = catalogAsOfCheckpoint()
                for p in plans {
                    let i = Int(p.series.id)
                    c.entries[i].firstSeq = p.floor
                    c.entries[i].drops = p.series.drops + p.drops
                    c.entries[i].rollupFloorMs = p.rollupFloorMs
                }
                return c
            }
            let previous = try installCheckpoint(catalog, next, what: "a retention pass")
            report.bytesWritten += Int64(2 * catalog.encoded().count + manifest.encoded().count)  // the catalog and its copy
            // 4. Memory follows.
            state.withWriteLock {
                for p in plans {
                    let s = p.series
                    if let block = rollupBlock?.file, let i = rollupChunkIndex[ObjectIdentifier(s)] {
                        s.attachRollups(ChunkRef(block: block, index: i))
                    }
                    if p.floor != s.firstSeq { s.drop(before: p.floor) }
                    if p.rollupFloorMs != s.rollupFloorMs { s.dropRollups(before: p.rollupFloorMs) }
                    s.drops = s.drops + p.drops
                    report.dropped = report.dropped + p.drops
                }
            }
            return (previous, dead)
        }
        report.seriesChanged = plans.count
        report.blocksRemoved = dead.count
        // 5. What the new state no longer needs.
        try removeCatalog(previousCatalog)
        try removeBlockFiles(Array(dead))
    }

    /// Numbers of the live blocks that would hold no live chunk once `plans` apply: every
    /// version chunk below its series' new floor, every rollup chunk below its rollup
    /// floor. Under `cutMutex` and the state lock.
    func deadBlocks(after plans: [SeriesRetentionPlan]) -> Set<UInt64> {
        var floors: [UInt32: (seq: UInt64, rollupMs: Int64)] = [:]
        for p in plans { floors[p.series.id] = (p.floor, p.rollupFloorMs) }
        var live = Set<UInt64>()
        for s in hot.series {
            let f = floors[s.id] ?? (s.firstSeq, s.rollupFloorMs)
            for c in s.chunks where c.entry.lastSeq >= f.seq { live.insert(c.block.number) }
            for c in s.rollupChunks where c.entry.maxTimeMs >= f.rollupMs { live.insert(c.block.number) }
        }
        return Set(manifest.blocks.map(\.number)).subtracting(live)
    }
}
