/// Which block files a rebuilt manifest names with a given series catalog
/// (`ManifestRebuild`, docs/format/manifest.md "Rebuilding").
///
/// A block is left out when the catalog does not account for it: it holds a series the
/// catalog does not list, or seqs from the catalog's next seq on (a cut after the
/// checkpoint: those versions are in the WAL). Among the rest, newer blocks win: a block
/// whose version chunks overlap a newer block's, or whose live rollups a newer rollup
/// block all holds, was replaced by a compaction, retention pass or rollup merge that was
/// cut short before it removed it. A newer block wins only if the result holds exactly the
/// seqs the catalog says are in blocks (`SeqCover`) and no rollup counts a version the
/// catalog still holds raw; otherwise it was written by an operation whose catalog never
/// landed, and it is left out in turn.
struct BlockChoice {
    let catalog: Catalog
    /// The chosen blocks, newest first.
    private(set) var chosen: [BlockFile] = []
    /// Blocks left out, with why.
    private(set) var leftOut: [(block: BlockFile, reason: String)] = []
    /// The greatest LSN in the chosen blocks.
    var lastLSN: UInt64 { chosen.flatMap(\.entries).map(\.lastLSN).max() ?? 0 }

    /// Chooses among `blocks` for `catalog`; throws when no choice holds what the catalog
    /// says, naming the series.
    static func choose(_ blocks: [BlockFile], catalog: Catalog) throws(StoreError) -> BlockChoice {
        var choice = BlockChoice(catalog: catalog)
        var candidates: [BlockFile] = []
        for b in blocks.sorted(by: { $0.number > $1.number }) {
            if let why = choice.unaccounted(b) { choice.leftOut.append((b, why)) } else { candidates.append(b) }
        }
        var excluded: [UInt64: String] = [:]
        while true {
            let (chosen, replaced) = try newestFirst(candidates.filter { excluded[$0.number] == nil }, catalog: catalog)
            var problem: String? = nil
            for (id, entry) in catalog.entries.enumerated() {
                let chunks = SeqCover.kept(chosen.flatMap(\.entries).filter { !$0.isRollup && Int($0.seriesID) == id }, firstSeq: entry.firstSeq)
                if let p = SeqCover.problem(chunks, firstSeq: entry.firstSeq, nextSeq: entry.nextSeq) {
                    switch p {
                    case .gap(let i, let expected):
                        problem = "series \(entry.key): the blocks hold seq \(chunks[i].firstSeq)...\(chunks[i].lastSeq) where seq \(expected) was next"
                    case .short(let expected):
                        problem = "series \(entry.key): the blocks end before seq \(expected), the catalog says \(entry.nextSeq)"
                    }
                    break
                }
            }
            if let problem {
                // The newest block that replaced another is the one without its catalog.
                guard let culprit = chosen.first(where: { b in replaced.contains { $0.by == b.number } }) else {
                    throw StoreError(.corruptFile, "cannot rebuild the manifest: \(problem); a block file is missing or damaged. Nothing was changed; restore the data directory from a backup.")
                }
                excluded[culprit.number] = "it replaced blocks whose versions the series catalog still holds: written by a compaction or retention pass whose catalog was never written"
                continue
            }
            if let early = try rollupsOfRawVersions(chosen, catalog: catalog) {
                excluded[early.number] = "its rollups are of versions the series catalog still holds raw: written by a retention pass whose catalog was never written"
                continue
            }
            choice.chosen = chosen
            for (number, by) in replaced {
                guard let b = candidates.first(where: { $0.number == number }) else { continue }
                choice.leftOut.append((b, "block \(by), written after it, holds its data: a compaction, retention pass or rollup merge replaced it and was cut short before removing it"))
            }
            for (number, why) in excluded {
                guard let b = candidates.first(where: { $0.number == number }) else { continue }
                choice.leftOut.append((b, why))
            }
            return choice
        }
    }

    /// Why the catalog does not account for `block`, or nil when it does.
    private func unaccounted(_ block: BlockFile) -> String? {
        for e in block.entries {
            let id = Int(e.seriesID)
            guard id < catalog.entries.count, catalog.entries[id].key == e.key else {
                return "it holds a chunk of \(e.key) (series \(e.seriesID)), which the series catalog does not list: it was cut after the last checkpoint, and its versions are in the WAL"
            }
            let nextSeq = catalog.entries[id].nextSeq
            if !e.isRollup && e.lastSeq >= nextSeq {
                return "it holds \(e.key) seq \(e.firstSeq)...\(e.lastSeq), past the catalog's last seq \(nextSeq - 1): it was cut after the last checkpoint, and its versions are in the WAL"
            }
        }
        return nil
    }

    /// `candidates` (newest first), each kept unless a kept newer one holds its data; and
    /// which were not, with the block that holds their data.
    private static func newestFirst(_ candidates: [BlockFile], catalog: Catalog) throws(StoreError) -> (chosen: [BlockFile], replaced: [(number: UInt64, by: UInt64)]) {
        var chosen: [BlockFile] = []
        var replaced: [(number: UInt64, by: UInt64)] = []
        var taken: [UInt32: [(seqs: ClosedRange<UInt64>, block: UInt64)]] = [:]
        for b in candidates {
            let overlap = b.entries.lazy.filter { !$0.isRollup }.compactMap { e in
                taken[e.seriesID]?.first(where: { $0.seqs.overlaps(e.firstSeq...e.lastSeq) })?.block
            }.first
            let held = overlap == nil ? try rollupsHeld(b, by: chosen, catalog: catalog) : nil
            if let by = overlap ?? held {
                replaced.append((b.number, by))
                continue
            }
            for e in b.entries where !e.isRollup { taken[e.seriesID, default: []].append((e.firstSeq...e.lastSeq, b.number)) }
            chosen.append(b)
        }
        return (chosen, replaced)
    }

    /// The number of a newer rollup block among `newer` that holds every live rollup of
    /// `block`'s rollup chunks (same interval, at least the same counts, over at least its
    /// LSNs), if there is one: a merge writes exactly that; a later downsampling pass
    /// covers other intervals and later versions.
    private static func rollupsHeld(_ block: BlockFile, by newer: [BlockFile], catalog: Catalog) throws(StoreError) -> UInt64? {
        guard block.entries.contains(where: \.isRollup) else { return nil }
        for m in newer where m.entries.contains(where: \.isRollup) {
            var held = true
            for (i, e) in block.entries.enumerated() where e.isRollup {
                guard let j = m.entries.firstIndex(where: { $0.isRollup && $0.seriesID == e.seriesID }),
                      m.entries[j].firstLSN <= e.firstLSN, m.entries[j].lastLSN >= e.lastLSN else {
                    held = false
                    break
                }
                var merged: [Int64: Rollup] = [:]
                for r in try RollupChunk.decode(ChunkRef(block: m, index: j).reader()) { merged[r.startMs] = r }
                let floor = catalog.entries[Int(e.seriesID)].rollupFloorMs
                let live = try RollupChunk.decode(ChunkRef(block: block, index: i).reader()).filter { $0.startMs >= floor }
                guard live.allSatisfy({ r in merged[r.startMs].map { $0.endMs == r.endMs && $0.count >= r.count && $0.nanCount >= r.nanCount } ?? false }) else {
                    held = false
                    break
                }
            }
            if held { return m.number }
        }
        return nil
    }

    /// The newest block in `chosen` with a rollup chunk of versions the catalog still holds
    /// raw (its LSN range reaches the LSN of the series' first kept version), if any.
    /// Downsampling rolls up a series' oldest versions and drops them in the same step.
    private static func rollupsOfRawVersions(_ chosen: [BlockFile], catalog: Catalog) throws(StoreError) -> BlockFile? {
        for b in chosen {
            for e in b.entries where e.isRollup {
                let entry = catalog.entries[Int(e.seriesID)]
                guard entry.firstSeq < entry.nextSeq else { continue }
                var firstKept: (block: BlockFile, index: Int, entry: ChunkEntry)? = nil
                for c in chosen {
                    for (i, x) in c.entries.enumerated()
                    where !x.isRollup && x.seriesID == e.seriesID && x.firstSeq <= entry.firstSeq && x.lastSeq >= entry.firstSeq {
                        firstKept = (c, i, x)
                    }
                }
                guard let firstKept else { continue }
                let p = Int(entry.firstSeq - firstKept.entry.firstSeq)
                let lsn = try ChunkRef(block: firstKept.block, index: firstKept.index).reader().lsns(p..<(p + 1))[0]
                if e.lastLSN >= lsn { return b }
            }
        }
        return nil
    }
}
