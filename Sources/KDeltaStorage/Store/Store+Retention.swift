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
        var report = RetentionReport()
        if options.retention.rules.isEmpty { return report }
        let planner = RetentionPlanner(rules: options.retention, nowMs: nowMs ?? options.clock.nowMs(),
                                       acknowledgedLSN: options.syncCursor.acknowledgedLSN)
        let wantsCut = cutMutex.withLock {
            state.withReadLock { hot.series.contains { planner.wantsVersionsInMemory($0) } }
        }
        if wantsCut {
            try cut()
            report.cutFirst = true
        }
        try cutMutex.withLock { () throws(StoreError) in
            if let e = poisonedBy { throw e }
            let views = state.withReadLock { hot.series.prefix(catalogSeriesCount).map(SeriesView.init) }
            var plans: [SeriesRetentionPlan] = []
            for v in views {
                if let p = try planner.plan(v) { plans.append(p) }
            }
            guard !plans.isEmpty else { return }
            try commit(plans, report: &report)
        }
        statusMutex.withLock { maintenance.retentionPasses += 1 }
        return report
    }

    /// Writes the plans' rollups, commits the new catalog and manifest, applies the plans
    /// in memory and removes what they left dead. Under `cutMutex`.
    func commit(_ plans: [SeriesRetentionPlan], report: inout RetentionReport) throws(StoreError) {
        var next = manifest
        // 1. The rollups, in a rollup block.
        var rollupBlock: BlockFile? = nil
        var rollupChunkIndex: [ObjectIdentifier: Int] = [:]
        if plans.contains(where: { !$0.rollups.isEmpty }) {
            let (block, summary) = try writeBlock(level: BlockFormat.levelRollup) { (w: inout BlockWriter) throws(StoreError) in
                for p in plans where !p.rollups.isEmpty {
                    let (bytes, entry) = RollupChunk.encode(seriesID: p.series.id, key: p.series.key, rollups: p.rollups, lsns: p.rolledLSNs ?? 0...0)
                    rollupChunkIndex[ObjectIdentifier(p.series)] = w.chunkCount
                    try w.add(bytes: bytes, entry: entry)
                    report.rollupsWritten += p.rollups.count
                }
            }
            let number = block.number
            rollupBlock = block
            next.nextBlockNumber = number + 1
            next.blocks.append(Manifest.BlockRef(number: number, level: summary.level, bytes: summary.bytes))
            report.rollupBlock = number
            report.bytesWritten += summary.bytes
        }
        // 2. Blocks left with no live chunk, given the new floors.
        let dead = state.withReadLock { deadBlocks(after: plans) }
        next.blocks.removeAll { dead.contains($0.number) }
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
        let previousCatalog = try installCheckpoint(catalog, next, what: "a retention pass")
        report.bytesWritten += Int64(catalog.encoded().count + next.encoded().count)
        // 4. Memory follows.
        state.withWriteLock {
            for p in plans {
                let s = p.series
                if let block = rollupBlock, let i = rollupChunkIndex[ObjectIdentifier(s)] {
                    s.attachRollups(ChunkRef(block: block, index: i))
                }
                if p.floor != s.firstSeq { s.drop(before: p.floor) }
                if p.rollupFloorMs != s.rollupFloorMs { s.dropRollups(before: p.rollupFloorMs) }
                s.drops = s.drops + p.drops
                report.dropped = report.dropped + p.drops
            }
        }
        report.seriesChanged = plans.count
        report.blocksRemoved = dead.count
        // 5. What the new state no longer needs.
        try removeCatalog(previousCatalog)
        try removeBlockFiles(Array(dead))
    }

    /// Numbers of the live blocks that would hold no live chunk once `plans` apply: every
    /// version chunk below its series' new floor, every rollup chunk below its rollup
    /// floor. Under the state lock.
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
