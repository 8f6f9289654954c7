import KDeltaCodec
import KDeltaModel

/// Opening the tiers on disk: the series catalog and the block files the manifest names
/// (docs/format/block.md, "Recovery"). The WAL tail is replayed on top afterwards.
enum TierRecovery {
    struct Result {
        var blocks = 0
        var versions = 0
        var orphansRemoved: [String] = []
        var temporariesRemoved: [String] = []
        var checkpointedSegmentsRemoved: [String] = []
        var damaged: [String] = []
        /// Series the catalog lists.
        var catalogSeries = 0
        /// One file of the catalog was missing or damaged: the other was read, and the
        /// first rewritten from it (unless read-only).
        var catalogFindings: [String] = []
    }

    /// Restores every catalogued series with its chunks into `hot`, checking that each
    /// series' chunks cover exactly the seqs the catalog says; removes files no manifest
    /// names (unless read-only). `rebuilt` is a catalog not yet written, loaded instead of
    /// the manifest's files to check it before it is (`CatalogRebuild`).
    static func load(
        fs: any FileSystem, directory: String, manifest: Manifest, into hot: HotTier, removeOrphans: Bool, catalog rebuilt: Catalog? = nil
    ) throws(StoreError) -> Result {
        var result = Result()
        let blocksDir = directory + "/" + BlockFormat.directoryName
        if removeOrphans {
            try removeUnnamedFiles(fs: fs, directory: directory, manifest: manifest, result: &result)
        }
        guard manifest.catalogGeneration > 0 else {
            if !manifest.blocks.isEmpty {
                throw StoreError(.corruptFile, "the manifest of \(directory) names blocks but no series catalog; restore the data directory from a backup.", file: directory + "/" + Manifest.fileName)
            }
            return result
        }
        let catalogPath = directory + "/" + Catalog.fileName(manifest.catalogGeneration)
        let catalog: Catalog
        if let rebuilt {
            catalog = rebuilt
        } else {
            let read = try CatalogFiles.read(manifest.catalogGeneration, fs: fs, directory: directory)
            catalog = read.catalog
            result.catalogFindings = try CatalogFiles.mend(read, generation: manifest.catalogGeneration, fs: fs, directory: directory, readOnly: !removeOrphans)
        }
        for e in catalog.entries {
            let s = Series(id: e.seriesID, key: e.key)
            s.restore(firstSeq: e.firstSeq, nextSeq: e.nextSeq, lastID: e.lastID, drops: e.drops, rollupFloorMs: e.rollupFloorMs)
            hot.addSeries(s)
        }
        result.catalogSeries = catalog.entries.count
        var chunksBySeries: [[ChunkRef]] = Array(repeating: [], count: catalog.entries.count)
        for ref in manifest.blocks {
            let block = try BlockFile.open(
                fs: fs, directory: blocksDir, number: ref.number, storeID: manifest.storeID, expectedBytes: ref.bytes,
                sharedKey: { hot.series(id: $0)?.key })
            result.blocks += 1
            for (i, e) in block.entries.enumerated() {
                guard Int(e.seriesID) < chunksBySeries.count, catalog.entries[Int(e.seriesID)].key == e.key else {
                    throw StoreError(.corruptFile, "block file \(block.path) holds a chunk of series \(e.seriesID) (\(e.key)) that the catalog \(catalogPath) does not list; the two do not belong together.", file: block.path, offset: e.offset)
                }
                if e.isRollup {
                    let s = hot.series[Int(e.seriesID)]
                    if e.maxTimeMs >= s.rollupFloorMs { s.attachRollups(ChunkRef(block: block, index: i)) }
                    continue
                }
                chunksBySeries[Int(e.seriesID)].append(ChunkRef(block: block, index: i))
                hot.restoreMaxHLC(e.lastHLC)
            }
        }
        let hasher = VersionHasher()
        for (id, var chunks) in chunksBySeries.enumerated() {
            let s = hot.series[id]
            let entry = catalog.entries[id]
            // Chunks that retention has since dropped whole may still sit in a live block
            // beside other series' chunks; they are skipped (`SeqCover`).
            chunks.removeAll { $0.entry.lastSeq < entry.firstSeq }
            chunks.sort { $0.entry.firstSeq < $1.entry.firstSeq }
            switch SeqCover.problem(chunks.map(\.entry), firstSeq: entry.firstSeq, nextSeq: entry.nextSeq) {
            case .gap(let i, let expected):
                let c = chunks[i]
                throw StoreError(.corruptFile, "series \(s.key): block \(c.block.path) holds seq \(c.entry.firstSeq)...\(c.entry.lastSeq) where seq \(expected) was next; blocks are missing or overlap. Restore the data directory from a backup.", file: c.block.path, offset: c.entry.offset)
            case .short(let expected):
                throw StoreError(.corruptFile, "series \(s.key): its blocks end before seq \(expected), the catalog says \(entry.nextSeq); a block file is missing. Restore the data directory from a backup.", file: catalogPath)
            case nil:
                break
            }
            for c in chunks {
                result.versions += Int(c.entry.firstSeq + UInt64(c.entry.count) - max(c.entry.firstSeq, entry.firstSeq))
                s.attach(c)
            }
            if let last = chunks.last {
                // A damaged chunk does not stop the store from opening: its versions fail
                // to read, naming the file, and `verify` lists it.
                do throws(StoreError) {
                    let r = try last.reader()
                    s.setLatest(try r.versions((r.count - 1)..<r.count, hasher: hasher).first)
                } catch {
                    result.damaged.append(error.message)
                }
            }
        }
        return result
    }

    /// The manifest or a catalog file.
    private static func isOwnFile(_ name: String) -> Bool {
        name == Manifest.fileName || CatalogFiles.generation(ofEither: name) != nil
    }

    /// Block and catalog files the manifest does not name, and temporary files of writes
    /// cut short before their rename: left by a cut or compaction
    /// whose checkpoint never happened (their data is still in the WAL or the older
    /// blocks), or replaced by a later checkpoint whose clean-up was interrupted.
    private static func removeUnnamedFiles(fs: any FileSystem, directory: String, manifest: Manifest, result: inout Result) throws(StoreError) {
        let blocksDir = directory + "/" + BlockFormat.directoryName
        do {
            try fs.createDirectory(blocksDir)
        } catch { throw StoreError.io(error, while: "creating \(blocksDir)") }
        let live = Set(manifest.blocks.map(\.number))
        var removedBlock = false
        let blockNames: [String]
        do { blockNames = try fs.list(blocksDir) } catch { throw StoreError.io(error, while: "listing \(blocksDir)") }
        for name in blockNames {
            guard let n = BlockFormat.number(fileName: name), !live.contains(n) else { continue }
            do { try fs.remove(blocksDir + "/" + name) } catch { throw StoreError.io(error, while: "removing the unnamed block file \(blocksDir)/\(name)") }
            result.orphansRemoved.append(blocksDir + "/" + name)
            removedBlock = true
        }
        if removedBlock {
            do { try fs.syncDirectory(blocksDir) } catch { throw StoreError.io(error, while: "syncing \(blocksDir)") }
        }
        // WAL segments before the manifest's first one: a checkpoint was cut short after its
        // manifest landed and before it removed them; every version in them is in blocks.
        let walDir = directory + "/" + WALFormat.directoryName
        if fs.exists(walDir) {
            let walNames: [String]
            do { walNames = try fs.list(walDir) } catch { throw StoreError.io(error, while: "listing \(walDir)") }
            let stale = walNames.filter { (WALFormat.segmentNumber(fileName: $0) ?? .max) < manifest.walFirstSegment }
            for name in stale {
                do { try fs.remove(walDir + "/" + name) } catch { throw StoreError.io(error, while: "removing the checkpointed WAL segment \(walDir)/\(name)") }
                result.checkpointedSegmentsRemoved.append(walDir + "/" + name)
            }
            if !stale.isEmpty {
                do { try fs.syncDirectory(walDir) } catch { throw StoreError.io(error, while: "syncing \(walDir)") }
            }
        }
        let names: [String]
        do { names = try fs.list(directory) } catch { throw StoreError.io(error, while: "listing \(directory)") }
        var removedAny = false
        for name in names {
            if name.hasSuffix(".tmp"), isOwnFile(String(name.dropLast(4))) {
                // A manifest or catalog write cut short before its rename: the file it was
                // to replace is whole.
                do { try fs.remove(directory + "/" + name) } catch { throw StoreError.io(error, while: "removing the temporary file \(directory)/\(name)") }
                result.temporariesRemoved.append(directory + "/" + name)
                removedAny = true
                continue
            }
            guard let g = CatalogFiles.generation(ofEither: name), g != manifest.catalogGeneration else { continue }
            do { try fs.remove(directory + "/" + name) } catch { throw StoreError.io(error, while: "removing the old series catalog \(directory)/\(name)") }
            result.orphansRemoved.append(directory + "/" + name)
            removedAny = true
        }
        if removedAny {
            do { try fs.syncDirectory(directory) } catch { throw StoreError.io(error, while: "syncing \(directory)") }
        }
    }
}
