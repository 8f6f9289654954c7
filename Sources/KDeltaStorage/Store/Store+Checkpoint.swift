import KDeltaCodec
import KDeltaModel

/// What one cut wrote.
public struct CutReport: Sendable, Equatable {
    /// The block written (nil when the hot tier held nothing to cut).
    public var blockNumber: UInt64?
    /// Versions moved from memory into the block, and the series they belong to.
    public var versions: Int
    public var series: Int
    /// Bytes of the block file.
    public var blockBytes: Int64
    /// The checkpoint: every version up to this LSN is in blocks.
    public var checkpointLSN: UInt64
    /// WAL segments removed because the checkpoint made them unnecessary.
    public var walSegmentsRemoved: Int
    /// Why the WAL's current segment stays although the checkpoint covers all of it: a
    /// fresh segment could not be started (a disk too full even for its header, say), so
    /// nothing of it was freed. Nil when it was replaced, or had records after the
    /// checkpoint.
    public var walSwitchError: String? = nil
    /// Hot-tier bytes before and after.
    public var hotBytesBefore: Int
    public var hotBytesAfter: Int
}

extension Store {
    /// Cuts every version now in the hot tier into one warm block and checkpoints: the
    /// block is written and synced, the WAL synced, a new series catalog and manifest
    /// naming the block written (atomic rename), then the versions leave memory and the
    /// WAL segments before the checkpoint are removed (docs/format/block.md, "Cut and
    /// checkpoint"). A crash at any step leaves the old state or the new one.
    ///
    /// When the checkpoint covers every record of the current WAL segment, a fresh segment
    /// is started first, and the old one is removed too (`Store+WALRelease.swift`): after a
    /// `compact` the WAL takes one segment, however full the disk. With nothing in memory
    /// to cut, only that is done, if it is due.
    ///
    /// Writers keep writing meanwhile: the cut takes what was committed when it started.
    @discardableResult
    public func cut() throws(StoreError) -> CutReport {
        guard let writer else {
            throw StoreError(.readOnly, "the store in \(directory) was opened read-only; open it for writing to compact")
        }
        return try cutMutex.withLock { () throws(StoreError) -> CutReport in
            if let e = poisonedBy { throw e }
            // 1. What to cut: every version committed so far.
            let (cutLSN, seriesCount, plan, hotBefore) = state.withReadLock { () -> (UInt64, Int, [(Series, Int)], Int) in
                let lsn = hot.lastLSN
                var plan: [(Series, Int)] = []
                for s in hot.series {
                    let n = s.hotCount(throughLSN: lsn)
                    if n > 0 { plan.append((s, n)) }
                }
                return (lsn, hot.series.count, plan, hot.memoryBytes)
            }
            var report = CutReport(blockNumber: nil, versions: 0, series: 0, blockBytes: 0, checkpointLSN: manifest.checkpointLSN,
                                   walSegmentsRemoved: 0, hotBytesBefore: hotBefore, hotBytesAfter: hotBefore)
            if plan.isEmpty {
                try releaseCheckpointedWAL(&report)
                return report
            }

            // 2. The block, series by series (a copy under the read lock, encoded outside it).
            let blocksDir = directory + "/" + BlockFormat.directoryName
            let number = reserveBlockNumber()
            var blockWriter = try BlockWriter(fs: fs, directory: blocksDir, storeID: manifest.storeID, number: number, level: BlockFormat.levelWarm)
            let summary: BlockSummary
            do throws(StoreError) {
                for (s, n) in plan {
                    let input = state.withReadLock { s.chunkInput(prefix: n) }
                    try blockWriter.add(input)
                }
                summary = try blockWriter.finish()
                do throws(FileSystemError) { try fs.syncDirectory(blocksDir) } catch { throw StoreError.io(error, while: "syncing \(blocksDir)") }
                // 3. Records up to the cut must be durable before the manifest skips them:
                // replay starts in the segment holding cutLSN + 1 and counts LSNs from its start.
                try writer.sync()
            } catch {
                blockWriter.abandon()
                throw error
            }
            let block = try BlockFile.open(
                fs: fs, directory: blocksDir, number: number, storeID: manifest.storeID, expectedBytes: summary.bytes,
                sharedKey: seriesKey)

            // 4. A fresh WAL segment if the checkpoint covers the whole current one; then
            // the catalog as of the cut, and the manifest naming them all.
            startFreshSegment(checkpointedThrough: cutLSN, &report)
            let catalog = state.withReadLock { () -> Catalog in
                var cut: [ObjectIdentifier: Int] = [:]
                for (s, n) in plan { cut[ObjectIdentifier(s)] = n }
                return Catalog(entries: hot.series.prefix(seriesCount).map { s in
                    let n = cut[ObjectIdentifier(s)] ?? 0
                    return Catalog.Entry(s, nextSeq: s.hotFirstSeq + UInt64(n), lastID: n > 0 ? s.id(at: n - 1) : s.hotParent)
                })
            }
            var next = manifest
            let segment = writer.segment(holding: cutLSN + 1)
            next.checkpointLSN = cutLSN
            next.walFirstSegment = segment.number
            next.walFirstLSN = segment.firstLSN
            next.addBlock(Manifest.BlockRef(number: number, level: summary.level, bytes: summary.bytes))
            let previousCatalog = try installCheckpoint(catalog, next, what: "checkpoint \(cutLSN)")

            // 5. The versions leave memory; the blocks answer for them from now on.
            state.withWriteLock {
                for (i, (s, n)) in plan.enumerated() {
                    s.moveToBlock(n, chunk: ChunkRef(block: block, index: i))
                    hot.removed(n)
                }
            }
            report.blockNumber = number
            report.versions = plan.reduce(0) { $0 + $1.1 }
            report.series = plan.count
            report.blockBytes = summary.bytes
            report.checkpointLSN = cutLSN
            report.hotBytesAfter = state.withReadLock { hot.memoryBytes }
            // The columns just shrank: give the freed pages back to the system, or the
            // allocator keeps them and resident memory stays at its high-water mark.
            MemoryTrim.releaseFreePages()

            // 6. What the checkpoint made unnecessary.
            try removeCheckpointedSegments(&report)
            try removeCatalog(previousCatalog)
            statusMutex.withLock { maintenance.cuts += 1 }
            return report
        }
    }
}

extension Store {
    /// Writes `catalog` as the next generation and then `next` (with that generation) as
    /// the manifest, by atomic rename: the commit point of a cut, a retention pass or a
    /// compaction. Returns the previous catalog generation, for the caller to remove once
    /// the memory state follows. Called under `cutMutex`.
    func installCheckpoint(_ catalog: Catalog, _ proposed: Manifest, what: String) throws(StoreError) -> UInt64 {
        var next = proposed
        next.catalogGeneration = manifest.catalogGeneration + 1
        next.nextBlockNumber = max(next.nextBlockNumber, reservedBlockNumber)
        try CatalogFiles.write(catalog, generation: next.catalogGeneration, fs: fs, directory: directory)
        do throws(FileSystemError) {
            try fs.writeFileAtomically(directory + "/" + Manifest.fileName, next.encoded(), directory: directory)
        } catch {
            // The rename may have happened: keep the new files (an orphan is removed at the
            // next open if the old manifest is the one on disk).
            throw StoreError.io(error, while: "writing the manifest of \(what)")
        }
        let previous = manifest.catalogGeneration
        manifest = next
        catalogSeriesCount = catalog.entries.count
        return previous
    }

    /// A block number no other block has or will get (blocks being written included).
    /// Under `cutMutex`.
    func reserveBlockNumber() -> UInt64 {
        let n = max(manifest.nextBlockNumber, reservedBlockNumber)
        reservedBlockNumber = n + 1
        return n
    }

    /// Removes catalog generation `generation` (0: none), replaced by a later one.
    func removeCatalog(_ generation: UInt64) throws(StoreError) {
        guard generation > 0 else { return }
        try CatalogFiles.remove(generation, fs: fs, directory: directory)
    }

    /// Removes block files a new manifest no longer names, then syncs their folder.
    func removeBlockFiles(_ numbers: [UInt64]) throws(StoreError) {
        guard !numbers.isEmpty else { return }
        let blocksDir = directory + "/" + BlockFormat.directoryName
        do throws(FileSystemError) {
            for n in numbers { try fs.remove(blocksDir + "/" + BlockFormat.fileName(n)) }
            try fs.syncDirectory(blocksDir)
        } catch { throw StoreError.io(error, while: "removing block files no longer needed from \(blocksDir)") }
    }

    /// The catalog entries of the series a checkpoint already knows, as they stand now:
    /// for a retention pass or a compaction, which move no version out of memory. Called
    /// under the state lock.
    func catalogAsOfCheckpoint() -> Catalog {
        Catalog(entries: hot.series.prefix(catalogSeriesCount).map { s in
            Catalog.Entry(s, nextSeq: s.hotFirstSeq, lastID: s.hotParent)
        })
    }
}

extension Catalog.Entry {
    /// The entry of `s` with the block part ending before `nextSeq`.
    init(_ s: Series, nextSeq: UInt64, lastID: VersionID?) {
        self.init(seriesID: s.id, key: s.key, firstSeq: s.firstSeq, nextSeq: nextSeq, lastID: lastID,
                  drops: s.drops, rollupFloorMs: s.rollupFloorMs)
    }
}
