import KDeltaCodec
import KDeltaModel

/// Rebuilds a missing or damaged manifest from what the data directory still holds
/// (docs/format/manifest.md, "Rebuilding"): the store id and the start of the WAL from
/// the segment headers, the newest series catalog that checks, the block files that
/// belong with it, and the checkpoint from where the WAL leaves the catalog's seqs. The
/// result is loaded exactly as opening would load it before anything is written; files it
/// does not name are moved under `repair/<time>/`, never deleted.
enum ManifestRebuild {
    /// The store files `directory` holds, as words for a message ("WAL segments, block
    /// files"), or nil when it holds none.
    static func storeFiles(fs: any FileSystem, directory: String) -> String? {
        func has(_ folder: String, _ isStoreFile: (String) -> Bool) -> Bool {
            fs.exists(folder) && ((try? fs.list(folder))?.contains(where: isStoreFile) ?? false)
        }
        var found: [String] = []
        let walDir = directory + "/" + WALFormat.directoryName
        if has(walDir, { WALFormat.segmentNumber(fileName: $0) != nil }) && !holdsOnlyAnUnwrittenFirstSegment(fs: fs, walDir: walDir) {
            found.append("WAL segments")
        }
        if has(directory + "/" + BlockFormat.directoryName, { BlockFormat.number(fileName: $0) != nil }) { found.append("block files") }
        if has(directory, { CatalogFiles.generation(ofEither: $0) != nil }) { found.append("a series catalog") }
        return found.isEmpty ? nil : found.joined(separator: ", ")
    }

    /// True when `walDir` holds segment 1 and nothing else, with no record in it: a store's
    /// creation cut short before its manifest (`Store.create` writes the segment first).
    /// Nothing was ever acknowledged there, so it is no store; the next `put` creates one.
    static func holdsOnlyAnUnwrittenFirstSegment(fs: any FileSystem, walDir: String) -> Bool {
        guard let names = try? fs.list(walDir),
              names.compactMap(WALFormat.segmentNumber(fileName:)) == [1] else { return false }
        let path = walDir + "/" + WALFormat.segmentFileName(1)
        do throws(StoreError) {
            let segment = try WALSegmentReader(fs: fs, path: path)
            if segment.count <= WALFormat.segmentHeaderBytes { return true }
            return try !WALSegmentScanner.validFrameExists(segment, after: WALFormat.segmentHeaderBytes - 1)
        } catch {
            return false
        }
    }

    /// Rebuilds the manifest of `directory` (the caller holds its lock): plans it, loads
    /// the plan as opening would, then moves the damaged manifest and every file the plan
    /// leaves out to the set-aside folder and writes the new manifest atomically.
    static func run(fs: any FileSystem, directory: String, reason: String, clock: any WallClock) throws(StoreError) -> ManifestRebuildReport {
        let plan = try Plan.make(fs: fs, directory: directory)
        do {
            _ = try Store.load(fs: fs, directory: directory, manifest: plan.manifest, into: HotTier(), removeOrphans: false)
        } catch where error.code == .corruptWAL {
            // Damage in the WAL after the checkpoint: `Repair` sets it aside next.
        } catch {
            throw StoreError(error.code, "the manifest rebuilt for \(directory) does not load, so it was not written: \(error.message)", file: error.file, offset: error.offset, cause: error.cause)
        }
        let asideDir = try Repair.makeSetAsideDirectory(fs: fs, directory: directory, clock: clock)
        let manifestPath = directory + "/" + Manifest.fileName
        var setAsidePath: String? = nil
        var leftOut: [ManifestRebuildReport.LeftOut] = []
        do {
            if fs.exists(manifestPath) {
                let to = Repair.unusedPath(asideDir + "/" + Manifest.fileName, fs: fs)
                try fs.rename(manifestPath, to: to)
                setAsidePath = to
            }
            for file in plan.leftOut {
                try fs.rename(file.path, to: Repair.unusedPath(asideDir + "/" + (file.path.split(separator: "/").last.map(String.init) ?? ""), fs: fs))
                leftOut.append(file)
            }
            try fs.syncDirectory(asideDir)
            if fs.exists(directory + "/" + BlockFormat.directoryName) { try fs.syncDirectory(directory + "/" + BlockFormat.directoryName) }
            try fs.syncDirectory(directory)
            try fs.writeFileAtomically(manifestPath, plan.manifest.encoded(), directory: directory)
        } catch { throw StoreError.io(error, while: "writing the rebuilt manifest of \(directory)") }
        let m = plan.manifest
        return ManifestRebuildReport(
            reason: reason, setAsidePath: setAsidePath, setAsideDirectory: asideDir, catalogGeneration: m.catalogGeneration,
            blocks: m.blocks.map(\.number), walFirstSegment: m.walFirstSegment, walFirstLSN: m.walFirstLSN,
            checkpointLSN: m.checkpointLSN, leftOut: leftOut)
    }

    /// A manifest worked out from the files, and the files it leaves out.
    struct Plan {
        var manifest: Manifest
        var leftOut: [ManifestRebuildReport.LeftOut] = []

        static func make(fs: any FileSystem, directory: String) throws(StoreError) -> Plan {
            func refuse(_ why: String) -> StoreError {
                StoreError(.corruptFile, "cannot rebuild the manifest of \(directory): \(why). Nothing was changed; restore the data directory from a backup.", file: directory + "/" + Manifest.fileName)
            }
            let wal = try WALStart.find(fs: fs, directory: directory)
            let blocksDir = directory + "/" + BlockFormat.directoryName
            let blockNumbers = try listed(fs, blocksDir, BlockFormat.number(fileName:)).sorted(by: >)
            guard let storeID = wal.storeID ?? blockStoreID(fs: fs, blocksDir: blocksDir, numbers: blockNumbers) else {
                throw refuse("no WAL segment or block file has a readable header")
            }
            var leftOut = wal.leftOver.map {
                ManifestRebuildReport.LeftOut(path: $0, reason: "a WAL segment before a gap in the numbers, left by a checkpoint whose clean-up was cut short")
            }

            // The newest catalog that checks; damaged and older ones are left out.
            var catalog: (generation: UInt64, catalog: Catalog)? = nil
            for g in Set(try listed(fs, directory, CatalogFiles.generation(ofEither:))).sorted(by: >) {
                let (file, copy) = CatalogFiles.paths(g, directory: directory)
                let present = [file, copy].filter { fs.exists($0) }
                if catalog != nil {
                    leftOut += present.map { .init(path: $0, reason: "an older series catalog than generation \(catalog!.generation)") }
                    continue
                }
                do throws(StoreError) {
                    let read = try CatalogFiles.read(g, fs: fs, directory: directory)
                    catalog = (g, read.catalog)
                    if let damage = read.fileDamage, fs.exists(file) {
                        // Its copy checks: the damaged file goes aside, and the next open for
                        // writing rewrites it from the copy.
                        leftOut.append(.init(path: file, reason: damage))
                    }
                } catch {
                    leftOut += present.map { .init(path: $0, reason: error.message) }
                }
            }

            // Every block file that opens; the catalog decides which belong (`BlockChoice`).
            var opened: [BlockFile] = []
            for n in blockNumbers {
                do { opened.append(try BlockFile.open(fs: fs, directory: blocksDir, number: n, storeID: storeID, expectedBytes: nil)) } catch {
                    leftOut.append(.init(path: blocksDir + "/" + BlockFormat.fileName(n), reason: error.message))
                }
            }
            var chosen: [BlockFile] = []
            var blocksEnd: UInt64 = 0
            if let catalog {
                let choice = try BlockChoice.choose(opened, catalog: catalog.catalog)
                chosen = choice.chosen
                blocksEnd = choice.lastLSN
                leftOut += choice.leftOut.map { .init(path: $0.block.path, reason: $0.reason) }
            } else if let first = opened.first {
                // Without a catalog no block can be read; they can be left out only when the
                // WAL holds every version they do (`walHoldsEverything`).
                guard try walHoldsEverything(fs: fs, directory: directory, wal: wal, storeID: storeID, blocks: opened) else {
                    throw refuse("block file \(first.path) holds data but no series catalog checks, and the WAL does not hold every version from LSN 1 to the blocks' last")
                }
                leftOut += opened.map {
                    .init(path: $0.path, reason: "a block file without a series catalog that checks; the WAL holds every version it does (versions a retention pass dropped come back until its next pass)")
                }
            }

            var manifest = Manifest(storeID: storeID, walFirstSegment: wal.firstSegment, walFirstLSN: wal.firstLSN ?? 1)
            manifest.catalogGeneration = catalog?.generation ?? 0
            manifest.nextBlockNumber = (blockNumbers.first ?? 0) + 1
            for b in chosen { manifest.addBlock(Manifest.BlockRef(number: b.number, level: b.level, bytes: b.byteCount)) }
            if let catalog {
                manifest.checkpointLSN = try checkpoint(fs: fs, directory: directory, manifest: manifest, catalog: catalog.catalog, blocksEnd: blocksEnd)
                if wal.firstLSN == nil { manifest.walFirstLSN = manifest.checkpointLSN + 1 }
                guard blocksEnd <= manifest.checkpointLSN else {
                    throw refuse("the blocks hold LSNs up to \(blocksEnd), but the WAL continues the catalog's series from LSN \(manifest.checkpointLSN + 1)")
                }
            }
            return Plan(manifest: manifest, leftOut: leftOut)
        }

        /// True when the WAL starts at LSN 1 and replays without damage past the last LSN
        /// of `blocks`: then they hold nothing it lacks (a first cut stopped before its
        /// catalog was written, or a WAL whose first segment never filled).
        static func walHoldsEverything(fs: any FileSystem, directory: String, wal: WALStart, storeID: UInt64, blocks: [BlockFile]) throws(StoreError) -> Bool {
            guard wal.firstLSN == 1 else { return false }
            let blocksEnd = blocks.flatMap(\.entries).map(\.lastLSN).max() ?? 0
            let fromTheStart = Manifest(storeID: storeID, walFirstSegment: wal.firstSegment, walFirstLSN: 1)
            do {
                let replay = try WALReplay.run(fs: fs, dataDirectory: directory, manifest: fromTheStart) { (_, _, _) throws(StoreError) in }
                return blocksEnd < replay.nextLSN
            } catch where error.code == .corruptWAL {
                return false
            }
        }

        /// The checkpoint: the last LSN of the WAL's leading batches whose versions the
        /// catalog already counts (they are in the blocks), or the LSN before the WAL's
        /// start when none is, and never before the blocks' last LSN. A batch the catalog
        /// counts after one it does not is refused: the two do not belong together.
        static func checkpoint(fs: any FileSystem, directory: String, manifest: Manifest, catalog: Catalog, blocksEnd: UInt64) throws(StoreError) -> UInt64 {
            let nextSeq = catalog.entries.map(\.nextSeq)
            var checkpoint = max(manifest.walFirstLSN - 1, blocksEnd)
            var pastCatalog = false
            do {
                _ = try WALReplay.run(fs: fs, dataDirectory: directory, manifest: manifest) { (batch, file, offset) throws(StoreError) in
                    let counted = batch.newKeys.allSatisfy { Int($0.seriesID) < nextSeq.count }
                        && batch.entries.allSatisfy { Int($0.seriesID) < nextSeq.count && $0.seq < nextSeq[Int($0.seriesID)] }
                    guard counted else {
                        pastCatalog = true
                        return
                    }
                    if pastCatalog {
                        throw StoreError(.corruptFile, "cannot rebuild the manifest of \(directory): the WAL record at \(file):\(offset) holds versions the series catalog counts as checkpointed, after records it does not. Nothing was changed; restore the data directory from a backup.", file: file, offset: Int64(offset))
                    }
                    checkpoint = max(checkpoint, batch.firstLSN + UInt64(batch.entries.count) - 1)
                }
            } catch where error.code == .corruptWAL {
                // Damage after the checkpoint is `Repair`'s next step; damage before it
                // fails the load that follows the plan.
            }
            return checkpoint
        }

        private static func listed(_ fs: any FileSystem, _ folder: String, _ number: (String) -> UInt64?) throws(StoreError) -> [UInt64] {
            guard fs.exists(folder) else { return [] }
            do { return try fs.list(folder).compactMap(number) } catch { throw StoreError.io(error, while: "listing \(folder)") }
        }

        /// The store id in the header of the newest block file that has a valid one.
        private static func blockStoreID(fs: any FileSystem, blocksDir: String, numbers: [UInt64]) -> UInt64? {
            for n in numbers {
                guard let file = try? fs.mapReadOnly(blocksDir + "/" + BlockFormat.fileName(n)),
                      case .success(let header) = BlockHeader.decode(file.bytes) else { continue }
                return header.storeID
            }
            return nil
        }
    }
}
