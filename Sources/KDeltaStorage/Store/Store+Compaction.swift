import KDeltaCodec
import KDeltaModel

extension Store {
    /// How one live block is used: its live and total versions, and its place in LSN order.
    struct BlockUse {
        let block: BlockFile
        var live = 0
        var total = 0
        var minLSN = UInt64.max
        var deadFraction: Double { total == 0 ? 1 : 1 - Double(live) / Double(total) }
    }

    /// Merges blocks when due (docs/format/block.md, "Compaction"): rollup blocks once
    /// `StorageLimits.compactWarmBlocksMin` of them are live, into one; version blocks, a
    /// run of neighbours (in LSN order) that holds that many warm blocks, or as many as fit
    /// in `compactVersionsMax` live versions while more wait, or a block more than
    /// `compactDeadFractionMax` dead, into one cold block, leaving out versions retention
    /// dropped. One merge per
    /// call, so the work is bounded; the background pass calls it after retention.
    ///
    /// Crash-safe: the new block is written and synced, then a new catalog and the
    /// manifest naming it instead of the merged ones commit it (atomic rename); the merged
    /// blocks are removed afterwards (orphans at the next open if a crash intervenes).
    @discardableResult
    public func compactBlocks() throws(StoreError) -> CompactionReport {
        guard writer != nil else {
            throw StoreError(.readOnly, "the store in \(directory) was opened read-only; open it for writing to compact")
        }
        let report = try maintenanceMutex.withLock { () throws(StoreError) -> CompactionReport in
            if let e = poisonedBy { throw e }
            let (versionBlocks, rollupBlocks) = cutMutex.withLock { state.withReadLock { blockUse() } }
            if rollupBlocks.count >= StorageLimits.compactWarmBlocksMin {
                return try mergeRollupBlocks(rollupBlocks)
            }
            if let run = Self.compactionRun(versionBlocks) {
                return try mergeVersionBlocks(run)
            }
            return CompactionReport()
        }
        if report.blockWritten != nil { statusMutex.withLock { maintenance.compactions += 1 } }
        return report
    }

    /// Version blocks in LSN order and rollup blocks in number order, as the series'
    /// chunk lists reference them. Under the state lock.
    private func blockUse() -> ([BlockUse], [BlockFile]) {
        var uses: [UInt64: BlockUse] = [:]
        var rollups: [UInt64: BlockFile] = [:]
        for s in hot.series {
            for c in s.chunks {
                let e = c.entry
                var u = uses[c.block.number] ?? BlockUse(block: c.block)
                if u.total == 0 {
                    for x in c.block.entries where !x.isRollup {
                        u.total += x.count
                        u.minLSN = min(u.minLSN, x.firstLSN)
                    }
                }
                u.live += Int(e.lastSeq + 1 - max(e.firstSeq, s.firstSeq))
                uses[c.block.number] = u
            }
            for c in s.rollupChunks { rollups[c.block.number] = c.block }
        }
        return (uses.values.sorted { $0.minLSN < $1.minLSN }, rollups.values.sorted { $0.number < $1.number })
    }

    /// A rollup's interval, as a dictionary key: rollups of the same interval (late
    /// readings rolled up in a later pass) merge; those of another interval (the policy's
    /// `every` changed) stay apart.
    private struct RollupInterval: Hashable {
        var startMs: Int64
        var endMs: Int64
    }

    /// The run of neighbouring version blocks to merge, if one is due.
    static func compactionRun(_ blocks: [BlockUse]) -> [BlockUse]? {
        func wanted(_ u: BlockUse) -> Bool {
            u.block.level == BlockFormat.levelWarm || u.deadFraction > StorageLimits.compactDeadFractionMax
                || u.live < StorageLimits.compactVersionsMax / 8
        }
        var i = 0
        while i < blocks.count {
            guard wanted(blocks[i]) else { i += 1; continue }
            var run: [BlockUse] = []
            var live = 0
            var j = i
            while j < blocks.count, wanted(blocks[j]), run.isEmpty || live + blocks[j].live <= StorageLimits.compactVersionsMax {
                run.append(blocks[j])
                live += blocks[j].live
                j += 1
            }
            // Due: enough warm blocks, a run as large as one merge may be (more blocks
            // would not fit), or a block mostly dead.
            let warm = run.filter { $0.block.level == BlockFormat.levelWarm }.count
            let full = run.count >= 2 && j < blocks.count && wanted(blocks[j])
            let mostlyDead = run.contains { $0.deadFraction > StorageLimits.compactDeadFractionMax }
            if warm >= StorageLimits.compactWarmBlocksMin || full || mostlyDead { return run }
            i = j
        }
        return nil
    }

    /// Writes the live versions of `run` as one cold block and commits it in their place.
    private func mergeVersionBlocks(_ run: [BlockUse]) throws(StoreError) -> CompactionReport {
        var report = CompactionReport()
        let numbers = Set(run.map(\.block.number))
        var written: [(Series, Int)] = []
        let (block, summary) = try writeBlock(level: BlockFormat.levelCold) { (w: inout BlockWriter) throws(StoreError) in
            let hasher = VersionHasher()
            let work = state.withReadLock { hot.series.map { s in (s, s.firstSeq, s.chunks.filter { numbers.contains($0.block.number) }) } }
            for (s, firstSeq, chunks) in work where !chunks.isEmpty {
                var input: ChunkInput? = nil
                for c in chunks {
                    let r = try c.reader()
                    let e = c.entry
                    let lo = Int(max(e.firstSeq, firstSeq) - e.firstSeq)
                    report.deadVersionsRemoved += lo
                    var p = lo
                    while p < r.count {
                        let slice = p..<min(r.count, p + 4096)
                        for v in try r.versions(slice, hasher: hasher) {
                            if input == nil { input = ChunkInput(seriesID: s.id, key: s.key, firstSeq: v.seq, parent: v.parent) }
                            input!.append(hlc: v.hlc.rawValue, time: v.timeMs, hasSourceTime: v.sourceTimeMs != nil, value: v.value, id: v.id, lsn: v.lsn)
                        }
                        p = slice.upperBound
                    }
                    c.block.evictPages(throughChunk: c.index)
                }
                if let input {
                    written.append((s, w.chunkCount))
                    report.itemsWritten += input.count
                    try w.add(input)
                }
            }
        }
        try commitMerge(replacing: numbers, with: block, summary: summary, report: &report) { s, ref in
            s.replaceChunks(inBlocks: numbers, with: ref)
        } chunkIndex: { s in written.first { $0.0 === s }?.1 }
        return report
    }

    /// Merges every rollup block into one: per series, its live rollups, intervals rolled
    /// up twice (late readings) merged.
    private func mergeRollupBlocks(_ blocks: [BlockFile]) throws(StoreError) -> CompactionReport {
        var report = CompactionReport()
        let numbers = Set(blocks.map(\.number))
        var written: [(Series, Int)] = []
        let (block, summary) = try writeBlock(level: BlockFormat.levelRollup) { (w: inout BlockWriter) throws(StoreError) in
            let work = state.withReadLock { hot.series.map { s in (s, s.rollupFloorMs, s.rollupChunks.filter { numbers.contains($0.block.number) }) } }
            for (s, floorMs, chunks) in work where !chunks.isEmpty {
                var byInterval: [RollupInterval: Rollup] = [:]
                var lsnLow = UInt64.max, lsnHigh = UInt64(0)
                for c in chunks {
                    lsnLow = min(lsnLow, c.entry.firstLSN)
                    lsnHigh = max(lsnHigh, c.entry.lastLSN)
                    for r in try RollupChunk.decode(try c.reader()) where r.startMs >= floorMs {
                        byInterval[RollupInterval(startMs: r.startMs, endMs: r.endMs), default: Rollup(startMs: r.startMs, endMs: r.endMs)].absorb(r)
                    }
                }
                let rollups = byInterval.values.sorted { ($0.startMs, $0.endMs) < ($1.startMs, $1.endMs) }
                guard !rollups.isEmpty else { continue }
                let (bytes, entry) = RollupChunk.encode(seriesID: s.id, key: s.key, rollups: rollups, lsns: min(lsnLow, lsnHigh)...lsnHigh)
                written.append((s, w.chunkCount))
                report.itemsWritten += rollups.count
                try w.add(bytes: bytes, entry: entry)
            }
        }
        try commitMerge(replacing: numbers, with: block, summary: summary, report: &report) { s, ref in
            s.replaceRollupChunks(inBlocks: numbers, with: ref)
        } chunkIndex: { s in written.first { $0.0 === s }?.1 }
        return report
    }

    /// Writes a new block of `level` (its number reserved at once): `fill` adds its
    /// chunks; the file is finished, synced with its folder, and opened. On failure the
    /// partial file is removed. The block is not part of the store until a manifest names
    /// it. Called without `cutMutex`, so cuts go on meanwhile.
    func writeBlock(level: UInt8, _ fill: (inout BlockWriter) throws(StoreError) -> Void) throws(StoreError) -> (BlockFile, BlockSummary) {
        let blocksDir = directory + "/" + BlockFormat.directoryName
        let number = cutMutex.withLock { reserveBlockNumber() }
        var w = try BlockWriter(fs: fs, directory: blocksDir, storeID: manifest.storeID, number: number, level: level)
        let summary: BlockSummary
        do throws(StoreError) {
            try fill(&w)
            summary = try w.finish()
            do throws(FileSystemError) { try fs.syncDirectory(blocksDir) } catch { throw StoreError.io(error, while: "syncing \(blocksDir)") }
        } catch {
            w.abandon()
            throw error
        }
        let block = try BlockFile.open(
            fs: fs, directory: blocksDir, number: number, storeID: manifest.storeID, expectedBytes: summary.bytes,
            sharedKey: seriesKey)
        return (block, summary)
    }

    /// The key of series `id`, for block entries to share (`BlockFile.open`).
    func seriesKey(_ id: UInt32) -> Key? {
        state.withReadLock { hot.series(id: id)?.key }
    }

    /// Commits a merge, under `cutMutex`: manifest without `numbers` and with the new
    /// block (and a new catalog, unchanged in content), then the series point at the new
    /// chunks; then the merged files go.
    private func commitMerge(
        replacing numbers: Set<UInt64>, with block: BlockFile, summary: BlockSummary, report: inout CompactionReport,
        apply: (Series, ChunkRef?) -> Void, chunkIndex: (Series) -> Int?
    ) throws(StoreError) {
        let previousCatalog = try cutMutex.withLock { () throws(StoreError) -> UInt64 in
            var next = manifest
            report.bytesRead = next.blocks.filter { numbers.contains($0.number) }.reduce(0) { $0 + $1.bytes }
            next.removeBlocks(numbers)
            next.addBlock(Manifest.BlockRef(number: block.number, level: summary.level, bytes: summary.bytes))
            let catalog = state.withReadLock { catalogAsOfCheckpoint() }
            let previous = try installCheckpoint(catalog, next, what: "a compaction")
            report.bytesWritten = summary.bytes + Int64(2 * catalog.encoded().count + manifest.encoded().count)  // the catalog and its copy
            state.withWriteLock {
                for s in hot.series {
                    apply(s, chunkIndex(s).map { ChunkRef(block: block, index: $0) })
                }
            }
            return previous
        }
        report.blocksMerged = numbers.count
        report.blockWritten = block.number
        try removeCatalog(previousCatalog)
        try removeBlockFiles(numbers.sorted())
    }
}
