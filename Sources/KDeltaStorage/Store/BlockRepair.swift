import KDeltaCodec
import KDeltaModel

/// `repair` for block files the manifest names that are missing or do not check
/// (docs/durability.md, "Recovery"; docs/format/block.md, "Corruption").
///
/// Each such block is replaced by a new block holding what can still be had: the chunks
/// of the damaged file that still check (copied byte for byte), and the versions of its
/// other chunks that the WAL still holds (rebuilt with their seqs, clocks and ids, linked
/// to their parents). What neither holds is lost: the series' history then starts after
/// its last lost version (a history is contiguous), the catalog says so, and the report
/// names every lost and every no-longer-shown seq range. The damaged file is moved under
/// `repair/<time>/`, never deleted; the new manifest is loaded as opening would load it
/// before it is written.
enum BlockRepair {
    /// One damaged block: the file, what was wrong, and what of its directory is known.
    private struct Inspected {
        var ref: Manifest.BlockRef
        var path: String
        var reason: String
        /// The open file when its directory checked, with the chunks that did not.
        var file: BlockFile?
        var badChunks: Set<Int> = []
    }

    /// A range of seqs a damaged block held that must come from the WAL.
    private struct Needed {
        var seriesID: UInt32
        var seqs: ClosedRange<UInt64>
        /// The id of version `seqs.lowerBound - 1`, when the damaged block's directory said.
        var parent: VersionID?
        var parentKnown: Bool
        /// Index of the damaged block it goes back into.
        var block: Int
    }

    /// Checks every block `manifest` names and replaces the damaged ones; returns the new
    /// manifest (already written) and the report, or nil when every block checks.
    static func run(
        fs: any FileSystem, directory: String, manifest: Manifest, asideDirectory: () throws(StoreError) -> String
    ) throws(StoreError) -> (manifest: Manifest, report: BlockRepairReport)? {
        guard manifest.catalogGeneration > 0, !manifest.blocks.isEmpty else { return nil }
        let blocksDir = directory + "/" + BlockFormat.directoryName
        let catalog = try CatalogFiles.read(manifest.catalogGeneration, fs: fs, directory: directory).catalog
        var healthy: [BlockFile] = []
        var damaged: [Inspected] = []
        for ref in manifest.blocks {
            let path = blocksDir + "/" + BlockFormat.fileName(ref.number)
            let block: BlockFile
            do {
                block = try BlockFile.open(fs: fs, directory: blocksDir, number: ref.number, storeID: manifest.storeID, expectedBytes: ref.bytes)
            } catch where error.code == .corruptFile {
                damaged.append(Inspected(ref: ref, path: path, reason: firstSentence(error.message)))
                continue
            }
            let bad = badChunks(block)
            if bad.isEmpty {
                healthy.append(block)
            } else {
                damaged.append(Inspected(ref: ref, path: path, reason: bad.first!.value, file: block, badChunks: Set(bad.keys)))
            }
        }
        if damaged.isEmpty { return nil }

        // What the damaged blocks held that must come from the WAL.
        var report = BlockRepairReport()
        var covered: [[ClosedRange<UInt64>]] = Array(repeating: [], count: catalog.entries.count)
        func cover(_ e: ChunkEntry) {
            guard !e.isRollup, Int(e.seriesID) < covered.count, e.count > 0 else { return }
            covered[Int(e.seriesID)].append(e.firstSeq...e.lastSeq)
        }
        for b in healthy { b.entries.forEach(cover) }
        var needed: [Needed] = []
        var kept: [[(bytes: [UInt8], entry: ChunkEntry)]] = Array(repeating: [], count: damaged.count)
        var withoutDirectory: Int? = nil
        for (i, d) in damaged.enumerated() {
            guard let file = d.file else {
                if withoutDirectory == nil { withoutDirectory = i }
                if d.ref.level == BlockFormat.levelRollup {
                    report.rollupsLost.append("the rollups in \(d.path) (its directory cannot be read)")
                }
                continue
            }
            for (c, e) in file.entries.enumerated() {
                cover(e)
                if !d.badChunks.contains(c) {
                    do { kept[i].append((Array(try file.chunkBytes(c)), e)) } catch { preconditionFailure("chunk \(c) of \(d.path) checked a moment ago") }
                    if !e.isRollup { report.versionsCopied += e.count }
                } else if e.isRollup {
                    report.rollupsLost.append("\(e.key) from \(e.minTimeMs) to \(e.maxTimeMs) ms (\(d.path))")
                } else if Int(e.seriesID) < catalog.entries.count, e.count > 0 {
                    // Versions retention already dropped (below the catalog's first seq) are not needed.
                    let first = catalog.entries[Int(e.seriesID)].firstSeq
                    if e.lastSeq < first { continue }
                    if e.firstSeq >= first {
                        needed.append(Needed(seriesID: e.seriesID, seqs: e.firstSeq...e.lastSeq, parent: e.parent, parentKnown: true, block: i))
                    } else {
                        needed.append(Needed(seriesID: e.seriesID, seqs: first...e.lastSeq, parent: nil, parentKnown: false, block: i))
                    }
                }
            }
        }
        if let target = withoutDirectory {
            // Blocks whose directory is gone held what no other block covers.
            for e in catalog.entries where e.firstSeq < e.nextSeq {
                for gap in uncovered(e.firstSeq...(e.nextSeq - 1), by: covered[Int(e.seriesID)]) {
                    needed.append(Needed(seriesID: e.seriesID, seqs: gap, parent: nil, parentKnown: false, block: target))
                }
            }
        }

        // The WAL still holds a suffix of each series' history.
        let fromWAL = try walVersions(fs: fs, directory: directory, manifest: manifest, needed: needed)
        var lostBySeries: [UInt32: [ClosedRange<UInt64>]] = [:]
        var rebuilt: [[ChunkInput]] = Array(repeating: [], count: damaged.count)
        for n in needed {
            let entry = catalog.entries[Int(n.seriesID)]
            let versions = fromWAL[n.seriesID] ?? [:]
            var parent: VersionID? = n.parent
            var known = n.parentKnown || n.seqs.lowerBound == 1
            if !known, let p = versions[n.seqs.lowerBound - 1] { parent = p.id; known = true }
            if !known, let p = chunkEnding(at: n.seqs.lowerBound - 1, series: n.seriesID, in: healthy + damaged.compactMap(\.file)) { parent = p; known = true }
            // The run the WAL holds up to the range's end.
            var start = n.seqs.upperBound + 1
            while start > n.seqs.lowerBound, versions[start - 1] != nil { start -= 1 }
            if start == n.seqs.lowerBound && !known {
                // Its parent's id is not known: the first version the WAL holds serves as
                // the link of the rest (its own id cannot be checked without it).
                if start <= n.seqs.upperBound { parent = versions[start]!.id }
                start += 1
            } else if start > n.seqs.lowerBound, start <= n.seqs.upperBound {
                parent = versions[start]!.id
                start += 1
            }
            if start > n.seqs.lowerBound { lostBySeries[n.seriesID, default: []].append(n.seqs.lowerBound...(start - 1)) }
            guard start <= n.seqs.upperBound else { continue }
            var input = ChunkInput(seriesID: n.seriesID, key: entry.key, firstSeq: start, parent: parent)
            for seq in start...n.seqs.upperBound {
                let v = versions[seq]!
                input.append(hlc: v.hlc.rawValue, time: v.sourceTimeMs ?? v.hlc.wallMs, hasSourceTime: v.sourceTimeMs != nil,
                             value: v.value, id: v.id, lsn: v.lsn)
            }
            report.versionsRebuilt += input.count
            rebuilt[n.block].append(input)
        }

        // A series with lost versions starts after the last of them.
        var nextCatalog = catalog
        for (seriesID, spans) in lostBySeries.sorted(by: { $0.key < $1.key }) {
            var e = nextCatalog.entries[Int(seriesID)]
            let newFirst = spans.map(\.upperBound).max()! + 1
            for s in spans.sorted(by: { $0.lowerBound < $1.lowerBound }) { report.lost.append(.init(key: e.key, seqs: s)) }
            if e.firstSeq < newFirst {
                for gap in uncovered(e.firstSeq...(newFirst - 1), by: spans) { report.hidden.append(.init(key: e.key, seqs: gap)) }
            }
            e.firstSeq = max(e.firstSeq, newFirst)
            nextCatalog.entries[Int(seriesID)] = e
        }

        // Replacement blocks, then the catalog and manifest that name them.
        var next = manifest
        var written: [String] = []
        func abandonWritten() { for p in written { try? fs.remove(p) } }
        for (i, d) in damaged.enumerated() {
            var chunks = kept[i].map { (bytes: $0.bytes, entry: $0.entry) }
            for input in rebuilt[i] {
                let (bytes, entry) = ChunkEncoder.encode(input)
                chunks.append((bytes, entry))
            }
            guard !chunks.isEmpty else { continue }
            chunks.sort { ($0.entry.seriesID, $0.entry.firstSeq) < ($1.entry.seriesID, $1.entry.firstSeq) }
            let number = max(next.nextBlockNumber, manifest.blocks.map(\.number).max().map { $0 + 1 } ?? 1)
            next.nextBlockNumber = number + 1
            var writer = try BlockWriter(fs: fs, directory: blocksDir, storeID: manifest.storeID, number: number, level: d.ref.level)
            let summary: BlockSummary
            do throws(StoreError) {
                for c in chunks { try writer.add(bytes: c.bytes, entry: c.entry) }
                summary = try writer.finish()
            } catch {
                writer.abandon()
                abandonWritten()
                throw error
            }
            written.append(blocksDir + "/" + BlockFormat.fileName(number))
            next.addBlock(Manifest.BlockRef(number: number, level: summary.level, bytes: summary.bytes))
            report.damaged.append(.init(path: d.path, reason: d.reason, movedTo: nil, replacement: blocksDir + "/" + BlockFormat.fileName(number)))
        }
        for d in damaged where !report.damaged.contains(where: { $0.path == d.path }) {
            report.damaged.append(.init(path: d.path, reason: d.reason, movedTo: nil, replacement: nil))
        }
        next.removeBlocks(Set(damaged.map(\.ref.number)))
        do throws(StoreError) {
            if nextCatalog != catalog {
                next.catalogGeneration = manifest.catalogGeneration + 1
                let (file, copy) = CatalogFiles.paths(next.catalogGeneration, directory: directory)
                written += [file, copy]
                try CatalogFiles.write(nextCatalog, generation: next.catalogGeneration, fs: fs, directory: directory)
            }
            do throws(FileSystemError) {
                try fs.syncDirectory(blocksDir)
                try fs.syncDirectory(directory)
            } catch { throw StoreError.io(error, while: "writing the replacement of damaged blocks in \(directory)") }
        } catch {
            abandonWritten()
            throw error
        }
        // The plan must load as opening would before anything is moved or named.
        do {
            _ = try Store.load(fs: fs, directory: directory, manifest: next, into: HotTier(), removeOrphans: false)
        } catch where error.code == .corruptWAL {
            // Damage in the WAL after the checkpoint: `Repair` sets it aside next.
        } catch {
            abandonWritten()
            throw StoreError(error.code, "the store with its damaged blocks replaced does not load, so nothing was changed: \(error.message)", file: error.file, offset: error.offset, cause: error.cause)
        }
        let aside = try asideDirectory()
        for (i, d) in report.damaged.enumerated() where fs.exists(d.path) {
            let to = Repair.unusedPath(aside + "/" + (d.path.split(separator: "/").last.map(String.init) ?? ""), fs: fs)
            do { try fs.rename(d.path, to: to) } catch { throw StoreError.io(error, while: "moving the damaged block \(d.path) aside") }
            report.damaged[i].movedTo = to
        }
        do {
            try fs.syncDirectory(aside)
            try fs.syncDirectory(blocksDir)
            try fs.writeFileAtomically(directory + "/" + Manifest.fileName, next.encoded(), directory: directory)
        } catch { throw StoreError.io(error, while: "writing the manifest of \(directory) without its damaged blocks") }
        return (next, report)
    }

    /// The chunks of `block` that do not check (checksum, or a column that does not decode),
    /// with why.
    private static func badChunks(_ block: BlockFile) -> [Int: String] {
        let hasher = VersionHasher()
        var bad: [Int: String] = [:]
        for (i, e) in block.entries.enumerated() {
            do throws(StoreError) {
                _ = try block.chunkBytes(i)
                let reader = try ChunkRef(block: block, index: i).reader()
                if e.isRollup {
                    _ = try RollupChunk.decode(reader)
                } else {
                    _ = try reader.versions(0..<reader.count, hasher: hasher, recomputeAll: true)
                }
            } catch {
                bad[i] = firstSentence(error.message)
            }
        }
        return bad
    }

    /// The parts of `range` that none of `spans` covers.
    private static func uncovered(_ range: ClosedRange<UInt64>, by spans: [ClosedRange<UInt64>]) -> [ClosedRange<UInt64>] {
        var gaps: [ClosedRange<UInt64>] = []
        var next = range.lowerBound
        for s in spans.sorted(by: { $0.lowerBound < $1.lowerBound }) where s.upperBound >= next {
            if s.lowerBound > range.upperBound { break }
            if s.lowerBound > next { gaps.append(next...(s.lowerBound - 1)) }
            next = s.upperBound + 1
            if next > range.upperBound { return gaps }
        }
        if next <= range.upperBound { gaps.append(next...range.upperBound) }
        return gaps
    }

    /// The id of version `seq` of a series when a chunk of `blocks` ends there.
    private static func chunkEnding(at seq: UInt64, series: UInt32, in blocks: [BlockFile]) -> VersionID? {
        for b in blocks {
            for e in b.entries where !e.isRollup && e.seriesID == series && e.count > 0 && e.lastSeq == seq { return e.lastID }
        }
        return nil
    }

    /// One version as the WAL holds it.
    private struct WALVersion {
        var hlc: HLC
        var sourceTimeMs: Int64?
        var value: Value
        var id: VersionID
        var lsn: UInt64
    }

    /// The versions of `needed` (and the one before each range, for its link) that the WAL
    /// still holds, by series and seq. Damage in the WAL ends the scan; what came before it
    /// counts.
    private static func walVersions(fs: any FileSystem, directory: String, manifest: Manifest, needed: [Needed]) throws(StoreError) -> [UInt32: [UInt64: WALVersion]] {
        var wanted: [UInt32: [ClosedRange<UInt64>]] = [:]
        for n in needed { wanted[n.seriesID, default: []].append(max(1, n.seqs.lowerBound - 1)...n.seqs.upperBound) }
        guard !wanted.isEmpty else { return [:] }
        var found: [UInt32: [UInt64: WALVersion]] = [:]
        do {
            _ = try WALReplay.run(fs: fs, dataDirectory: directory, manifest: manifest) { (batch, _, _) throws(StoreError) in
                for (j, e) in batch.entries.enumerated() {
                    guard let ranges = wanted[e.seriesID], ranges.contains(where: { $0.contains(e.seq) }) else { continue }
                    found[e.seriesID, default: [:]][e.seq] = WALVersion(
                        hlc: e.hlc, sourceTimeMs: e.sourceTimeMs, value: e.value, id: e.id, lsn: batch.firstLSN + UInt64(j))
                }
            }
        } catch where error.code == .corruptWAL {
            // What came before the damage is kept; `Repair` handles the damage itself next.
        }
        return found
    }

    /// A message up to the end of its first sentence, without the advice after it.
    private static func firstSentence(_ message: String) -> String {
        var previous: Character = " "
        for i in message.indices {
            if message[i] == " " && previous == "." { return String(message[..<message.index(before: i)]) }
            previous = message[i]
        }
        return message
    }
}
