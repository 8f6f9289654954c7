import KDeltaModel

/// What the block files and the WAL still say about one series id, gathered by
/// `CatalogRebuild` when both files of the series catalog are lost
/// (docs/format/catalog.md, "Rebuilding"), and the catalog entry that follows from it.
///
/// Every block directory entry carries the series id, key, seq and LSN range, parent id
/// and last id (docs/format/block.md); a WAL batch record carries the keys it defines and
/// each version's series id, seq and id (docs/format/wal.md). Retention never drops a
/// series' newest version, so the newest version at the checkpoint is either in a block
/// or, when retention dropped every version in blocks, the version before the series'
/// first one after the checkpoint in the WAL.
struct SeriesEvidence {
    /// The key, and where it was read (for a message when two sources disagree).
    var key: Key? = nil
    var keySource = ""
    /// The series' version chunks in the manifest's blocks (rollup chunks excluded).
    var chunks: [ChunkRef] = []
    /// The greatest LSN of a version its rollup chunks count (downsampling rolled those up
    /// and dropped them in the same pass).
    var rolledUpLSN: UInt64? = nil
    /// The newest version of a WAL batch at or before the checkpoint.
    var checkpointed: (seq: UInt64, id: VersionID)? = nil
    /// The seq of its first version after the checkpoint, in the WAL.
    var firstSeqAfter: UInt64? = nil

    /// Records that `source` names the series `key`; throws when another source named
    /// another key for the same id.
    mutating func name(_ key: Key, source: @autoclosure () -> String, id: UInt32, refuse: (String) -> StoreError) throws(StoreError) {
        if let known = self.key {
            guard known == key else {
                throw refuse("series id \(id) is \(known) in \(keySource) but \(key) in \(source()): they do not belong together")
            }
            return
        }
        self.key = key
        keySource = source()
    }

    /// What the catalog entry of the series can be rebuilt as.
    struct Rebuilt {
        var entry: Catalog.Entry
        /// Set when the id of version `entry.nextSeq - 1` is in no block and no WAL record:
        /// the seq whose link into the chain cannot be checked.
        var unlinkedSeq: UInt64? = nil
    }

    /// The entry of series `id` (named `key`): versions up to the newest at the checkpoint,
    /// from the first of the chunks that reach it without a gap (older chunks hold
    /// versions retention dropped, left in a block that other series keep), past the
    /// versions its rollups count. Drop counts are zero and the rollup floor is
    /// `Int64.min`: neither is in block files.
    func rebuilt(id: UInt32, key: Key, refuse: (String) -> StoreError) throws(StoreError) -> Rebuilt {
        let sorted = chunks.sorted { $0.firstSeq < $1.firstSeq }
        for (older, newer) in zip(sorted, sorted.dropFirst()) where newer.firstSeq <= older.lastSeq {
            throw refuse("series \(key) has seq \(older.firstSeq)...\(older.lastSeq) in \(older.block.path) and seq \(newer.firstSeq)...\(newer.lastSeq) in \(newer.block.path): the blocks overlap")
        }
        let newestInBlocks = sorted.last?.lastSeq ?? 0
        var nextSeq = max(newestInBlocks, checkpointed?.seq ?? 0) + 1
        if let after = firstSeqAfter {
            guard after >= nextSeq else {
                throw refuse("the WAL after the checkpoint continues series \(key) at seq \(after), but the blocks and the WAL before it hold it up to seq \(nextSeq - 1): they do not belong together")
            }
            nextSeq = after
        }
        var lastID: VersionID? = nil
        if let last = sorted.last, last.lastSeq == nextSeq - 1 {
            lastID = last.entry.lastID
        } else if let c = checkpointed, c.seq == nextSeq - 1 {
            lastID = c.id
        }
        // The chunks that reach the newest version without a gap.
        var kept = sorted.last?.lastSeq == nextSeq - 1 ? sorted.count - 1 : sorted.count
        while kept > 0, kept < sorted.count, sorted[kept - 1].lastSeq + 1 == sorted[kept].firstSeq { kept -= 1 }
        let firstSeq = try firstSeqAfterRollups(Array(sorted[kept...]), nextSeq: nextSeq)
        let entry = Catalog.Entry(seriesID: id, key: key, firstSeq: firstSeq, nextSeq: nextSeq, lastID: lastID)
        return Rebuilt(entry: entry, unlinkedSeq: lastID == nil && nextSeq > 1 ? nextSeq : nil)
    }

    /// The first seq of `kept` (contiguous chunks, in seq order) whose LSN is past every
    /// version the series' rollups count, or `nextSeq` when there is none: rolled-up
    /// versions were dropped, and counting them raw as well would count them twice.
    private func firstSeqAfterRollups(_ kept: [ChunkRef], nextSeq: UInt64) throws(StoreError) -> UInt64 {
        guard let rolled = rolledUpLSN else { return kept.first?.firstSeq ?? nextSeq }
        for c in kept {
            let e = c.entry
            if e.lastLSN <= rolled { continue }
            if e.firstLSN > rolled { return e.firstSeq }
            let lsns = try c.reader().lsns(0..<e.count)
            return e.firstSeq + UInt64(lsns.firstIndex { $0 > rolled } ?? e.count)
        }
        return nextSeq
    }
}
