import KDeltaModel

/// Rebuilds the series catalog generation the manifest names when both of its files are
/// missing (docs/format/catalog.md, "Rebuilding"), from the block files the manifest
/// names and the WAL: every block directory entry carries a chunk's series id, key, seq
/// and LSN range, parent and last id, and the WAL's batch records the series they define
/// and the seq and id of each version. The catalog lists exactly the series defined at or
/// before the checkpoint (ids `0 ..< N`, in order); later ones are defined by WAL records
/// after it.
///
/// The result is loaded exactly as opening would load it (`Store.load`) before anything
/// is written; when the files cannot tell a series' key, or a block does not open, it
/// refuses and changes nothing. What block files do not hold is reported, not guessed:
/// drop counts restart at zero, every rollup is kept, and versions retention dropped
/// that still sit in a block come back until the next retention pass.
enum CatalogRebuild {
    /// Rebuilds the catalog `manifest` names if both its files are missing (the caller
    /// holds the directory lock); nil when there is nothing to rebuild.
    static func runIfMissing(fs: any FileSystem, directory: String, manifest: Manifest) throws(StoreError) -> CatalogRebuildReport? {
        guard manifest.catalogGeneration > 0, CatalogFiles.bothMissing(manifest.catalogGeneration, fs: fs, directory: directory) else { return nil }
        return try run(fs: fs, directory: directory, manifest: manifest)
    }

    /// Plans the catalog, loads the store with it as opening would, then writes its two
    /// files (each atomically) and reads them back.
    static func run(fs: any FileSystem, directory: String, manifest: Manifest) throws(StoreError) -> CatalogRebuildReport {
        let generation = manifest.catalogGeneration
        let (file, copy) = CatalogFiles.paths(generation, directory: directory)
        let plan = try Plan.make(fs: fs, directory: directory, manifest: manifest)
        do {
            _ = try Store.load(fs: fs, directory: directory, manifest: manifest, into: HotTier(), removeOrphans: false, catalog: plan.catalog)
        } catch where error.code == .corruptWAL && !plan.walWhole {
            // Damage in the WAL after the checkpoint, or a WAL that ends before it: `Repair`
            // deals with both next. A whole WAL that does not replay on the plan refuses it.
        } catch {
            throw StoreError(error.code, "the series catalog rebuilt for \(directory) does not load, so it was not written: \(error.message)", file: error.file, offset: error.offset, cause: error.cause)
        }
        let bytes = plan.catalog.encoded()
        for path in [file, copy] {
            do { try fs.writeFileAtomically(path, bytes, directory: directory) } catch {
                throw StoreError.io(error, while: "writing the rebuilt series catalog \(path)")
            }
        }
        // Read back as opening reads it: a disk that returns other bytes is found now.
        let back = try CatalogFiles.read(generation, fs: fs, directory: directory)
        guard back.catalog == plan.catalog, back.fileDamage == nil, back.copyDamage == nil else {
            throw StoreError(.corruptFile, "the series catalog rebuilt for \(directory) does not read back as written from \(file) and \(copy); check the disk (`dmesg`) and run `kdelta-edge repair --data-dir \(directory)` again.", file: file)
        }
        return CatalogRebuildReport(
            reason: "neither \(file) nor its copy \(copy) exists", generation: generation, files: [file, copy],
            series: plan.catalog.entries.count, blocksRead: manifest.blocks.count, walRecordsRead: plan.walRecords,
            notRestored: plan.notRestored)
    }

    /// A catalog worked out from the blocks and the WAL, and what it cannot restore.
    struct Plan {
        var catalog: Catalog
        var walRecords: Int
        /// The WAL read without damage to past the checkpoint.
        var walWhole: Bool
        var notRestored: [String]

        static func make(fs: any FileSystem, directory: String, manifest: Manifest) throws(StoreError) -> Plan {
            let generation = manifest.catalogGeneration
            func refuse(_ why: String) -> StoreError {
                StoreError(.corruptFile, "cannot rebuild the series catalog of \(directory) (generation \(generation), both files missing): \(why). Nothing was changed; restore the data directory from a backup.", file: CatalogFiles.paths(generation, directory: directory).file)
            }
            var evidence: [UInt32: SeriesEvidence] = [:]
            let blocksDir = directory + "/" + BlockFormat.directoryName
            for ref in manifest.blocks {
                let block: BlockFile
                do { block = try BlockFile.open(fs: fs, directory: blocksDir, number: ref.number, storeID: manifest.storeID, expectedBytes: ref.bytes) } catch {
                    // A damaged block's message ends with its advice; an I/O error's does not. A
                    // missing block is damaged data (exit 3), like a damaged one.
                    let why = error.message.hasSuffix(".") ? error.message + " Nothing was changed." : error.message + ". Nothing was changed; restore the file from a backup."
                    let missing = !fs.exists(blocksDir + "/" + BlockFormat.fileName(ref.number))
                    throw StoreError(missing ? .corruptFile : error.code, "cannot rebuild the series catalog of \(directory) (generation \(generation), both files missing): every block file the manifest names must open, and this one does not: \(why)", file: error.file, offset: error.offset, cause: error.cause)
                }
                for (i, e) in block.entries.enumerated() {
                    try evidence[e.seriesID, default: SeriesEvidence()].name(e.key, source: "block file \(block.path)", id: e.seriesID, refuse: refuse)
                    if e.isRollup {
                        evidence[e.seriesID]!.rolledUpLSN = max(evidence[e.seriesID]!.rolledUpLSN ?? 0, e.lastLSN)
                    } else {
                        evidence[e.seriesID]!.chunks.append(ChunkRef(block: block, index: i))
                    }
                }
            }
            let (walRecords, walWhole, definedAfter) = try readWAL(fs: fs, directory: directory, manifest: manifest, into: &evidence, refuse: refuse)

            // Series defined at or before the checkpoint: below the first one a WAL record
            // after it defines, or every id anything names.
            let count = definedAfter.map(Int.init) ?? (evidence.keys.max().map { Int($0) + 1 } ?? 0)
            var entries: [Catalog.Entry] = []
            var notRestored = ["drop counts by reason restart at zero for every series: block files do not hold them (`stats` counts drops from now on)"]
            if evidence.values.contains(where: { $0.rolledUpLSN != nil }) {
                notRestored.append("rollup floors are not in block files: every rollup still in one is kept until the next retention pass expires it again")
            }
            notRestored.append("versions retention had dropped that still sit in a block file (beside versions it keeps) are back until the next retention pass drops them again; versions rolled up stay dropped")
            var keys: [Key: UInt32] = [:]
            for id in 0..<UInt32(count) {
                let found = evidence[id] ?? SeriesEvidence()
                guard let key = found.key else {
                    throw refuse("series id \(id) is at or before the checkpoint (LSN \(manifest.checkpointLSN)), but no block file and no WAL record names its key")
                }
                if let other = keys[key] { throw refuse("series ids \(other) and \(id) both name \(key)") }
                keys[key] = id
                let rebuilt = try found.rebuilt(id: id, key: key, refuse: refuse)
                entries.append(rebuilt.entry)
                if let seq = rebuilt.unlinkedSeq {
                    notRestored.append("\(key): the id of seq \(seq - 1), which seq \(seq) links to in its hash chain, is in no block file and no WAL record: `verify` reports a broken link at seq \(seq)")
                }
            }
            return Plan(catalog: Catalog(entries: entries), walRecords: walRecords, walWhole: walWhole, notRestored: notRestored)
        }

        /// Reads what the WAL says about each series into `evidence`: the keys its records
        /// define, the newest version of each series at or before the checkpoint, and the
        /// first after it. Returns the records read, whether the WAL was whole (no damage,
        /// and it reaches past the checkpoint), and the first series id a record after the
        /// checkpoint defines. Damage ends the reading (`Repair` sets it aside next); what
        /// follows it does not count.
        private static func readWAL(
            fs: any FileSystem, directory: String, manifest: Manifest, into evidence: inout [UInt32: SeriesEvidence], refuse: (String) -> StoreError
        ) throws(StoreError) -> (records: Int, whole: Bool, definedAfter: UInt32?) {
            let checkpoint = manifest.checkpointLSN
            var records = 0
            var definedAfter: UInt32? = nil
            var whole = false
            do {
                let replay = try WALReplay.run(fs: fs, dataDirectory: directory, manifest: manifest) { (batch, file, offset) throws(StoreError) in
                    records += 1
                    let after = batch.firstLSN + UInt64(batch.entries.count) - 1 > checkpoint
                    for (id, key) in batch.newKeys {
                        try evidence[id, default: SeriesEvidence()].name(key, source: "the WAL record at \(file):\(offset)", id: id, refuse: refuse)
                        if after, definedAfter == nil { definedAfter = id }
                    }
                    for e in batch.entries {
                        if after {
                            if evidence[e.seriesID]?.firstSeqAfter == nil { evidence[e.seriesID, default: SeriesEvidence()].firstSeqAfter = e.seq }
                        } else if e.seq >= evidence[e.seriesID]?.checkpointed?.seq ?? 0 {
                            evidence[e.seriesID, default: SeriesEvidence()].checkpointed = (e.seq, e.id)
                        }
                    }
                }
                whole = replay.nextLSN > checkpoint
            } catch where error.code == .corruptWAL {
                // Damage after the checkpoint is `Repair`'s next step; damage before it fails
                // the load that checks the plan.
            }
            return (records, whole, definedAfter)
        }
    }
}
