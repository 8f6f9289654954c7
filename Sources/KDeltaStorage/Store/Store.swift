import KDeltaCodec
import KDeltaModel

/// A versioned sensor store in one data directory: every reading becomes a new version of
/// its key, written through the WAL (docs/format/wal.md) under the fsync policy, then held
/// in the hot tier for reads.
///
/// Thread-safe: any thread may write (writes are grouped and committed by one leader at a
/// time, `GroupCommitter`) and read (under a readers-writer lock) at once. Writes block the
/// calling thread until durable per `StoreOptions.fsync`.
public final class Store: @unchecked Sendable {
    /// The data directory.
    public let directory: String
    /// How the store was opened.
    public let options: StoreOptions
    /// What opening found.
    public let recovery: RecoveryReport

    let fs: any FileSystem
    let state = PThreadRWLock()
    let hot: HotTier
    /// The manifest on disk; replaced only by a checkpoint, under `cutMutex`.
    @exclusivity(unchecked) var manifest: Manifest
    /// Serialises cuts and every checkpoint (manifest and catalog replaced, memory moved
    /// to blocks or dropped): held for a whole cut, and for the commit step of a retention
    /// pass or a compaction, never while those write their blocks.
    let cutMutex = PThreadMutex()
    /// Serialises retention passes, compactions and the overflow policy: they plan from
    /// the blocks and write new ones without `cutMutex`, so the cutter keeps the hot tier
    /// within its budget meanwhile. Taken before `cutMutex`, never after.
    let maintenanceMutex = PThreadMutex()
    /// Block numbers handed out so far (files being written get theirs before their
    /// manifest exists); under `cutMutex`.
    @exclusivity(unchecked) var reservedBlockNumber: UInt64 = 0
    /// Series the current catalog lists (those defined at or before the checkpoint); a
    /// retention pass or compaction rewrites the catalog for exactly these. Under `cutMutex`.
    @exclusivity(unchecked) var catalogSeriesCount = 0
    /// Retention passes and compactions done since open, and what they did (for stats).
    @exclusivity(unchecked) var maintenance = MaintenanceCounters()
    /// Why ingest is refused (the disk budget is full under `stop-ingest`), or nil.
    /// Under `statusMutex`.
    var ingestStop: StoreError? = nil
    private let lock: DirectoryLock?
    let writer: WALWriter?
    private var cutter: BackgroundWorker?
    private var maintainer: BackgroundWorker?
    private var committer: GroupCommitter?
    private var flusher: BackgroundWorker?

    // Owned by the committing leader (one at a time; the committer's mutex orders them),
    // so the dynamic exclusivity check is redundant: it cost ~4 % of the write path.
    @exclusivity(unchecked) private var clock: HybridLogicalClock
    @exclusivity(unchecked) private var nextLSN: UInt64
    private let hasher = VersionHasher()
    @exclusivity(unchecked) private var encoder = WALBatchEncoder()
    @exclusivity(unchecked) private var resolved: [Series] = []
    @exclusivity(unchecked) private var prepared: [PreparedVersion] = []
    @exclusivity(unchecked) private var segmentsSeen = 0

    let statusMutex = PThreadMutex()
    private var poisonError: StoreError?
    private var isClosed = false

    private struct PreparedVersion {
        var series: Series
        var seq: UInt64
        var hlc: HLC
        var sourceTimeMs: Int64?
        var value: Value
        var id: VersionID
    }

    private init(directory: String, options: StoreOptions, fs: any FileSystem, lock: DirectoryLock?,
                 manifest: Manifest, hot: HotTier, writer: WALWriter?, nextLSN: UInt64, recovery: RecoveryReport) {
        self.directory = directory
        self.options = options
        self.fs = fs
        self.lock = lock
        self.manifest = manifest
        self.hot = hot
        self.writer = writer
        self.nextLSN = nextLSN
        self.recovery = recovery
        self.clock = HybridLogicalClock(last: hot.maxHLC)
    }

    /// Throws unless `directory` holds a MANIFEST: `.notFound` when it holds no store at
    /// all, `.corruptFile` (pointing at `repair`) when it holds store files that lost it.
    /// Commands that must not create a store check this first.
    public static func requireManifest(directory: String, fileSystem fs: any FileSystem = PosixFileSystem()) throws(StoreError) {
        guard !fs.exists(directory + "/" + Manifest.fileName) else { return }
        if let found = ManifestRebuild.storeFiles(fs: fs, directory: directory) {
            throw lostManifest(directory: directory, found: found)
        }
        throw StoreError(.notFound, "no store in \(directory) (no \(Manifest.fileName)); write to it first, or check --data-dir")
    }

    /// A directory that holds store files but no manifest is a store that lost it:
    /// creating a new one there would remove its blocks as unnamed.
    private static func lostManifest(directory: String, found: String) -> StoreError {
        StoreError(
            .corruptFile,
            "\(directory) has \(found) but no \(Manifest.fileName): run `kdelta-edge repair --data-dir \(directory)` to rebuild it from the series catalog, the block files and the WAL. Nothing was changed.",
            file: directory + "/" + Manifest.fileName)
    }

    /// Opens the store in `directory`, creating it if it does not exist (unless read-only),
    /// and recovers it: replays the WAL, keeps the data of a torn last record under
    /// `repair/` and cuts it off (a read-only open leaves it in place), and refuses damage
    /// (in the middle of the log, or a last record that one flipped bit explains) with an
    /// error naming the file and offset, for `Repair` to set aside.
    ///
    /// A read-only open takes no lock and works while a writer holds the directory: it
    /// then leaves out the record the writer is still writing, and reads again what a
    /// race with the writer made look damaged or missing (`openReadOnly`).
    public static func open(
        directory: String, options: StoreOptions = StoreOptions(), fileSystem fs: any FileSystem = PosixFileSystem()
    ) throws(StoreError) -> Store {
        let started = MonotonicClock.nowNs()
        try checkOptions(options)
        if options.readOnly { return try openReadOnly(directory: directory, options: options, fileSystem: fs, started: started) }
        return try openOnce(directory: directory, options: options, fileSystem: fs, writerLive: false, started: started)
    }

    /// One open, as `open` describes. `writerLive` (read-only only): a writer held the
    /// directory when this open began, so a bad last WAL record is its work in progress
    /// (`WALReplay.run`). A read-only open asks again at its end, and reports either
    /// answer in `RecoveryReport.writerWasLive`.
    static func openOnce(
        directory: String, options: StoreOptions, fileSystem fs: any FileSystem, writerLive: Bool, started: UInt64
    ) throws(StoreError) -> Store {
        let manifestPath = directory + "/" + Manifest.fileName
        if options.readOnly {
            try requireManifest(directory: directory, fileSystem: fs)
        } else {
            let existed = fs.exists(directory)
            do {
                try fs.createDirectory(directory)
                // A new directory's entry is durable only once its parent is synced.
                if !existed { try fs.syncDirectory(parentDirectory(of: directory)) }
            } catch { throw StoreError.io(error, while: "creating data directory \(directory)") }
        }
        let lock = options.readOnly ? nil : try DirectoryLock.acquire(directory: directory)

        let manifest: Manifest
        if fs.exists(manifestPath) {
            let bytes: [UInt8]
            do { bytes = try fs.readFile(manifestPath) } catch { throw StoreError.io(error, while: "reading \(manifestPath)") }
            manifest = try Manifest.decode(bytes, path: manifestPath)
        } else {
            if let found = ManifestRebuild.storeFiles(fs: fs, directory: directory) {
                throw lostManifest(directory: directory, found: found)
            }
            manifest = try create(fs: fs, directory: directory, options: options)
        }

        let hot = HotTier()
        let (tiers, replay) = try load(
            fs: fs, directory: directory, manifest: manifest, into: hot, removeOrphans: !options.readOnly, writerLive: writerLive)
        hot.restoreLastLSN(manifest.checkpointLSN)
        for s in hot.series { s.cacheLatest() }
        if replay.segments.isEmpty && replay.incompleteSegment == nil {
            throw missingWAL(directory: directory, manifest: manifest)
        }
        var writer: WALWriter? = nil
        var tornTail = replay.tornTail
        if !options.readOnly {
            // A torn tail is a judgement from the bytes, not a fact: keep them, durably,
            // before openForWriting cuts them off (docs/durability.md, "Recovery").
            if let torn = tornTail {
                tornTail?.keptAt = try Repair.keepTornTail(torn, fs: fs, directory: directory, clock: options.clock)
            }
            writer = try openForWriting(fs: fs, directory: directory, manifest: manifest, replay: replay, options: options)
        }
        var report = RecoveryReport(
            records: replay.records, versions: replay.versions, segments: replay.segments.count,
            tornTail: tornTail, incompleteSegment: replay.incompleteSegment,
            durationMs: Double(MonotonicClock.nowNs() - started) / 1e6)
        report.blocks = tiers.blocks
        report.blockVersions = tiers.versions
        report.orphansRemoved = tiers.orphansRemoved
        report.temporariesRemoved = tiers.temporariesRemoved
        report.checkpointedSegmentsRemoved = tiers.checkpointedSegmentsRemoved
        report.damagedChunks = tiers.damaged
        report.catalogRepairs = tiers.catalogFindings
        report.walDamageSkipped = replay.damageSkipped
        if options.readOnly && (writerLive || DirectoryLock.isHeldByWriter(directory)) {
            // The writer's work in progress, not a crash's leftovers: not reported.
            report.writerWasLive = true
            report.tornTail = nil
            report.incompleteSegment = nil
        }
        let store = Store(directory: directory, options: options, fs: fs, lock: lock, manifest: manifest, hot: hot,
                          writer: writer, nextLSN: replay.nextLSN, recovery: report)
        store.catalogSeriesCount = tiers.catalogSeries
        if writer != nil {
            store.startWriting()
            do throws(StoreError) { try store.holdDiskBudgetAtOpen() } catch {
                try? store.close()
                throw error
            }
        }
        return store
    }

    /// Creates a new store in `directory`: its first WAL segment, durable, and only then
    /// the manifest that names it, so that a manifest always names a segment that exists
    /// and a missing one is damage (`missingWAL`). A creation cut short before the manifest
    /// leaves an empty segment 1 that `ManifestRebuild.storeFiles` does not count as a
    /// store; it is replaced here.
    private static func create(fs: any FileSystem, directory: String, options: StoreOptions) throws(StoreError) -> Manifest {
        let walDir = directory + "/" + WALFormat.directoryName
        let manifest = Manifest(storeID: UInt64.random(in: 1...UInt64.max), walFirstSegment: 1, walFirstLSN: 1)
        let leftover = walDir + "/" + WALFormat.segmentFileName(manifest.walFirstSegment)
        do {
            try fs.createDirectory(walDir)
            try fs.syncDirectory(directory)
            if fs.exists(leftover) { try fs.remove(leftover) }
        } catch { throw StoreError.io(error, while: "creating a new store in \(directory)") }
        try manifest.writeCreatingFirstSegment(
            fs: fs, directory: directory, segmentBytes: options.walSegmentBytes, space: .full,
            what: "creating a new store in \(directory)")
        return manifest
    }

    /// The manifest names WAL segment `walFirstSegment`, and it is gone with every later one
    /// (deleted by hand, say): the versions written after the checkpoint were there, so the
    /// store is damaged, not empty. A manifest is only ever written naming a segment that
    /// exists (`create`, the checkpoint, `Repair`).
    static func missingWAL(directory: String, manifest: Manifest) -> StoreError {
        let path = directory + "/" + WALFormat.directoryName + "/" + WALFormat.segmentFileName(manifest.walFirstSegment)
        let kept = manifest.checkpointLSN == 0
            ? "the store has no checkpoint, so no version is in block files"
            : "every version up to LSN \(manifest.checkpointLSN) is in block files"
        return StoreError(
            .corruptWAL,
            "WAL segment \(path), which the manifest names, is missing and no later segment exists: the versions written after LSN \(manifest.checkpointLSN) were there (\(kept)). Restore the WAL from a backup if you have one; otherwise run `kdelta-edge repair --data-dir \(directory)`, which starts the WAL afresh and reports what is lost.",
            file: path)
    }

    /// Loads the catalog and blocks `manifest` names into `hot` (`TierRecovery`), then
    /// replays the WAL after its checkpoint on top: what opening does, and what `repair`
    /// checks a rebuilt manifest or series catalog with before it writes it
    /// (`ManifestRebuild`, `CatalogRebuild`: `catalog` is one not yet written).
    /// `writerLive`: a writer holds the directory, so a bad last record is the one it is
    /// writing (`WALReplay.run`).
    static func load(
        fs: any FileSystem, directory: String, manifest: Manifest, into hot: HotTier, removeOrphans: Bool, catalog: Catalog? = nil,
        writerLive: Bool = false
    ) throws(StoreError) -> (tiers: TierRecovery.Result, replay: WALReplayResult) {
        let tiers = try TierRecovery.load(fs: fs, directory: directory, manifest: manifest, into: hot, removeOrphans: removeOrphans, catalog: catalog)
        let checkpoint = manifest.checkpointLSN
        let replay = try WALReplay.run(fs: fs, dataDirectory: directory, manifest: manifest, writerLive: writerLive) { (batch, file, offset) throws(StoreError) in
            // Records up to the checkpoint are in the blocks already.
            if batch.firstLSN + UInt64(batch.entries.count) - 1 <= checkpoint { return }
            try apply(batch, to: hot, file: file, offset: offset, directory: directory)
        }
        if replay.nextLSN <= checkpoint {
            throw StoreError(
                .corruptWAL,
                "the WAL of \(directory) ends at LSN \(replay.nextLSN - 1), before the checkpoint at LSN \(checkpoint) the manifest records: WAL segments or records are missing. Restore them from a backup if you have one; otherwise run `kdelta-edge repair --data-dir \(directory)`, which starts the WAL afresh after the checkpoint (every version up to it is in block files; versions written after it in the missing part cannot be recovered).",
                file: directory + "/" + WALFormat.directoryName)
        }
        return (tiers, replay)
    }

    private static func checkOptions(_ o: StoreOptions) throws(StoreError) {
        if o.walSegmentBytes < StorageLimits.walSegmentBytesMin || o.walSegmentBytes > StorageLimits.walSegmentBytesMaxReadable {
            throw StoreError(.invalidArgument, "walSegmentBytes \(o.walSegmentBytes) is outside \(StorageLimits.walSegmentBytesMin)...\(StorageLimits.walSegmentBytesMaxReadable)")
        }
        if o.groupReadingsMax < 1 || o.groupReadingsMax > StorageLimits.batchReadingsMax {
            throw StoreError(.invalidArgument, "groupReadingsMax \(o.groupReadingsMax) is outside 1...\(StorageLimits.batchReadingsMax)")
        }
        if o.queueReadingsMax < 1 { throw StoreError(.invalidArgument, "queueReadingsMax must be at least 1") }
        if o.groupWaitMs < 0 || o.groupWaitMs > 10_000 {
            throw StoreError(.invalidArgument, "groupWaitMs \(o.groupWaitMs) is outside 0...10000")
        }
    }

    /// Applies one replayed batch, checking that it continues the store's state.
    private static func apply(_ batch: WALBatch, to hot: HotTier, file: String, offset: Int, directory: String) throws(StoreError) {
        func corrupt(_ why: String) -> StoreError {
            StoreError(
                .corruptWAL,
                "WAL segment \(file) is corrupt at offset \(offset) (\(why)); nothing from there on was applied. Run `kdelta-edge repair --data-dir \(directory)` to set the damaged part aside.",
                file: file, offset: Int64(offset))
        }
        for (id, key) in batch.newKeys {
            guard Int(id) == hot.series.count else { throw corrupt("defines series \(id) where \(hot.series.count) was next") }
            guard hot.series(for: key) == nil else { throw corrupt("defines key \(key) a second time") }
            hot.addSeries(Series(id: id, key: key))
        }
        var lsn = batch.firstLSN
        for e in batch.entries {
            guard let s = hot.series(id: e.seriesID) else { throw corrupt("names series \(e.seriesID), which was never defined") }
            guard e.seq == s.nextSeq else { throw corrupt("has \(s.key) seq \(e.seq) where \(s.nextSeq) was next") }
            hot.append(s, seq: e.seq, hlc: e.hlc, sourceTimeMs: e.sourceTimeMs, value: e.value, id: e.id, lsn: lsn)
            lsn += 1
        }
    }

    /// Cuts what recovery found torn at the end (its data already kept by
    /// `Repair.keepTornTail`) and opens the last segment for appending.
    private static func openForWriting(
        fs: any FileSystem, directory: String, manifest: Manifest, replay: WALReplayResult, options: StoreOptions
    ) throws(StoreError) -> WALWriter {
        let walDir = directory + "/" + WALFormat.directoryName
        if let incomplete = replay.incompleteSegment {
            do {
                try fs.remove(incomplete)
                try fs.syncDirectory(walDir)
            } catch { throw StoreError.io(error, while: "removing the incomplete WAL segment \(incomplete)") }
        }
        guard let last = replay.segments.last else {
            let number = replay.incompleteSegment.flatMap { WALFormat.segmentNumber(fileName: String($0.split(separator: "/").last ?? "")) }
                ?? manifest.walFirstSegment
            let created = try WALWriter.createSegment(
                fs: fs, directory: walDir, storeID: manifest.storeID, number: number,
                firstLSN: replay.nextLSN, segmentBytes: options.walSegmentBytes, space: .full)
            return WALWriter(fs: fs, directory: walDir, storeID: manifest.storeID, segmentBytes: options.walSegmentBytes,
                             policy: options.fsync, segmentNumber: number, fd: created.fd,
                             offset: Int64(WALFormat.segmentHeaderBytes), lastLSN: replay.nextLSN - 1,
                             segmentStarts: [(number, replay.nextLSN)], preallocated: created.preallocated)
        }
        let path = walDir + "/" + WALFormat.segmentFileName(last)
        let fd: FileDescriptor
        do { fd = try fs.open(path, .readWrite) } catch { throw StoreError.io(error, while: "opening WAL segment \(path)") }
        if let torn = replay.tornTail {
            do {
                try fs.truncate(fd, to: torn.offset)
                try fs.sync(fd)
            } catch {
                fs.close(fd)
                throw StoreError.io(error, while: "cutting the torn record at offset \(torn.offset) of \(path)")
            }
        }
        // A segment a checkpoint started on a full disk may still lack its full size (as
        // one whose torn tail was cut does): the next checkpoint reserves it.
        let size: Int64
        do { size = try fs.size(fd) } catch {
            fs.close(fd)
            throw StoreError.io(error, while: "reading the size of WAL segment \(path)")
        }
        return WALWriter(fs: fs, directory: walDir, storeID: manifest.storeID, segmentBytes: options.walSegmentBytes,
                         policy: options.fsync, segmentNumber: last, fd: fd, offset: replay.endOffset,
                         lastLSN: replay.nextLSN - 1,
                         segmentStarts: Array(zip(replay.segments, replay.segmentFirstLSNs).map { (number: $0.0, firstLSN: $0.1) }),
                         preallocated: size >= Int64(options.walSegmentBytes))
    }

    private func startWriting() {
        committer = GroupCommitter(
            groupReadingsMax: options.groupReadingsMax, groupWaitMs: options.groupWaitMs,
            queueReadingsMax: options.queueReadingsMax, fullBehavior: options.queueFullBehavior
        ) { [unowned self] group in self.commitGroup(group) }
        if options.hotMemoryBudgetBytes > 0 {
            cutter = BackgroundWorker(name: "kdelta-cut") { [unowned self] in self.runCut() }
        }
        if options.retentionIntervalMs > 0 {
            maintainer = BackgroundWorker(name: "kdelta-retain", intervalMs: options.retentionIntervalMs) { [unowned self] in
                self.maintainInBackground()
            }
        }
        if case .interval(let ms) = options.fsync, let writer {
            flusher = BackgroundWorker(name: "kdelta-fsync", intervalMs: ms) { [unowned self] in
                do throws(StoreError) { try writer.sync() } catch { self.poison(error) }
            }
        }
    }

    // MARK: - Writing

    /// Stores one reading as a new version of its key; returns once durable per the fsync
    /// policy.
    @discardableResult
    public func put(_ key: Key, _ value: Value, sourceTimeMs: Int64? = nil) throws(StoreError) -> WriteReceipt {
        try putBatch([Reading(key: key, value: value, sourceTimeMs: sourceTimeMs)])
    }

    /// Stores readings atomically (all or none survive a crash) in order; returns once durable
    /// per the fsync policy. Concurrent batches are committed together (group commit).
    @discardableResult
    public func putBatch(_ readings: [Reading]) throws(StoreError) -> WriteReceipt {
        guard let committer else {
            throw StoreError(.readOnly, "the store in \(directory) was opened read-only; open it for writing to put")
        }
        if readings.isEmpty { throw StoreError(.invalidArgument, "the batch is empty; give at least one reading") }
        if readings.count > StorageLimits.batchReadingsMax {
            throw StoreError(.batchTooLarge, "the batch has \(readings.count) readings; at most \(StorageLimits.batchReadingsMax) go in one batch: split it")
        }
        let estimate = try Self.estimateRecordBytes(readings)
        if estimate > StorageLimits.walRecordBytesMax {
            throw StoreError(.batchTooLarge, "the batch needs up to \(estimate) bytes of WAL; one record holds \(StorageLimits.walRecordBytesMax): split it")
        }
        if let e = statusMutex.withLock({ poisonError ?? ingestStop }) { throw e }
        return try committer.submit(PendingWrite(readings: readings, estimatedBytes: estimate))
    }

    /// Checks every reading's value and time and bounds the WAL bytes it can take: the
    /// group commit packs groups by this bound.
    static func estimateRecordBytes(_ readings: [Reading]) throws(StoreError) -> Int {
        var total = walRecordFixedBytes
        for (i, r) in readings.enumerated() {
            if let t = r.sourceTimeMs, t < Limits.sourceTimeMsMin || t > Limits.sourceTimeMsMax {
                throw StoreError(.invalidArgument, "reading \(i + 1) (\(r.key)) has source time \(t) ms, outside 1970-01-01 ... 9999-12-31; times are Unix milliseconds")
            }
            let (text, what) = Self.textBytes(of: r.value)
            if text > Limits.valueBytesMax {
                throw StoreError(.invalidArgument, "reading \(i + 1) (\(r.key)) has a \(text)-byte \(what); values are at most \(Limits.valueBytesMax) bytes")
            }
            total += walReadingFixedBytes + r.key.rawValue.utf8.count + walValueFixedBytes + max(text, walValueFixedBytes)
        }
        return total
    }

    /// The WAL bytes of a record besides its readings: its header and the payload's fixed
    /// fields. A batch fits one record when this plus `walBytes(of:)` of each reading is at
    /// most `StorageLimits.walRecordBytesMax`.
    public static let walRecordFixedBytes = WALFormat.recordHeaderBytes + WALBatchEncoder.payloadFixedBytes

    /// Per reading besides its key and value: series id 5, seq 10, HLC delta 10, tag 1,
    /// source time 10, id 32, and a possible key definition's 10.
    static let walReadingFixedBytes = 78
    /// A number's or bool's bytes, or a text's length prefix.
    static let walValueFixedBytes = 5

    /// At most the WAL bytes `reading` takes in a record (an upper bound: varints counted
    /// at their longest). What `putBatch` checks a batch against, and what an importer
    /// cuts its batches by.
    public static func walBytes(of reading: Reading) -> Int {
        walReadingFixedBytes + reading.key.rawValue.utf8.count + walValueFixedBytes
            + max(textBytes(of: reading.value).bytes, walValueFixedBytes)
    }

    /// The UTF-8 bytes of a string value or a document's canonical text (0 for a number
    /// or bool), and what it is, for errors.
    private static func textBytes(of value: Value) -> (bytes: Int, what: String) {
        switch value {
        case .string(let s): return (s.utf8.count, "string")
        case .document(let j): return (j.canonicalText.utf8.count, "JSON document")
        case .double, .int, .bool: return (0, "number")
        }
    }

    /// Commits one group as leader: prepares versions (seq, HLC, parent, id), writes one WAL
    /// record, syncs under `always`, applies to the hot tier, then sets each result.
    private func commitGroup(_ group: [PendingWrite]) {
        if let e = statusMutex.withLock({ poisonError }) {
            for p in group { p.result = .failure(e) }
            return
        }
        guard let writer else { preconditionFailure("commit on a read-only store") }
        var overBudget = false
        var hardLimit = false
        var total = 0
        var newSeries: [Series] = []
        var newByKey: [Key: Series] = [:]
        resolved.removeAll(keepingCapacity: true)
        for p in group {
            total += p.readings.count
            for r in p.readings {
                if let s = hot.series(for: r.key) ?? newByKey[r.key] {
                    resolved.append(s)
                } else {
                    let s = Series(id: UInt32(hot.series.count + newSeries.count), key: r.key)
                    newSeries.append(s)
                    newByKey[r.key] = s
                    resolved.append(s)
                }
            }
        }
        let firstLSN = nextLSN
        var hlcClock = clock
        let wall = options.clock.nowMs()
        var hlc = hlcClock.now(wallMs: wall)
        encoder.begin(firstLSN: firstLSN, hlcBase: hlc, keyCount: newSeries.count, entryCount: total)
        for s in newSeries { encoder.addKey(seriesID: s.id, utf8: s.keyUTF8) }
        prepared.removeAll(keepingCapacity: true)
        var i = 0
        for p in group {
            for r in p.readings {
                let s = resolved[i]
                if i > 0 { hlc = hlcClock.now(wallMs: wall) }
                let seq = s.writerNextSeq
                let parent = s.writerLastID
                let id = s.keyUTF8.withUnsafeBytes { key in
                    hasher.id(key: key, parent: parent, seq: seq, hlc: hlc, sourceTimeMs: r.sourceTimeMs, value: r.value)
                }
                encoder.addEntry(seriesID: s.id, seq: seq, hlc: hlc, sourceTimeMs: r.sourceTimeMs, value: r.value, id: id)
                s.writerNextSeq = seq + 1
                s.writerLastID = id
                prepared.append(PreparedVersion(series: s, seq: seq, hlc: hlc, sourceTimeMs: r.sourceTimeMs, value: r.value, id: id))
                i += 1
            }
        }
        let record = encoder.finish()
        let lastLSN = firstLSN + UInt64(total) - 1
        do {
            try writer.append(record, firstLSN: firstLSN, lastLSN: lastLSN)
        } catch {
            for s in resolved { s.resetWriterTail() }
            if writer.damaged { poison(error) }
            // No room for the next segment: a cut checkpoints the current one whole and
            // replaces it (`Store+WALRelease.swift`), so writing resumes without a `compact`.
            if error.code == .outOfSpace { cutter?.trigger() }
            for p in group { p.result = .failure(error) }
            return
        }
        if options.fsync == .always {
            do { try writer.sync() } catch {
                for s in resolved { s.resetWriterTail() }
                poison(error)
                for p in group { p.result = .failure(error) }
                return
            }
        }
        state.withWriteLock {
            for s in newSeries { hot.addSeries(s) }
            var lsn = firstLSN
            for v in prepared {
                hot.append(v.series, seq: v.seq, hlc: v.hlc, sourceTimeMs: v.sourceTimeMs, value: v.value, id: v.id, lsn: lsn)
                lsn += 1
            }
            for s in resolved where s.latestStamp != firstLSN {
                s.latestStamp = firstLSN
                s.cacheLatest()
            }
            let estimate = hot.memoryBytesEstimate
            let budget = options.hotMemoryBudgetBytes
            overBudget = budget > 0 && estimate > budget / 100 * StorageLimits.hotCutStartPercent
            hardLimit = budget > 0 && estimate > budget
        }
        if overBudget && hardLimit {
            // The hot tier reached its budget: readings arrive faster than the background
            // cut empties memory, so this leader cuts itself and producers wait
            // (back-pressure): memory never stays above the budget.
            runCut()
        } else if overBudget { cutter?.trigger() } else if writer.rotations != segmentsSeen {
            // A new WAL segment takes disk space: let the disk budget be checked.
            segmentsSeen = writer.rotations
            if options.diskBudget.bytesMax != nil { maintainer?.trigger() }
        }
        clock = hlcClock
        nextLSN = lastLSN + 1
        var lsn = firstLSN
        for p in group {
            p.result = .success(WriteReceipt(firstLSN: lsn, count: p.readings.count))
            lsn += UInt64(p.readings.count)
        }
    }

    /// A cut for the hot tier's budget (by the cutter, or by the committing leader past the
    /// hard limit), then a maintenance pass. A failed cut leaves the hot tier as it was; it
    /// is retried at the next trigger and counted.
    private func runCut() {
        do throws(StoreError) {
            if try cut().blockNumber != nil { statusMutex.withLock { maintenance.budgetCuts += 1 } }
            maintainer?.trigger()
        } catch {
            statusMutex.withLock {
                maintenance.cutFailures += 1
                maintenance.failures += 1
                maintenance.lastError = error.message
            }
        }
    }

    /// Stops all further writes after a durability failure. Acknowledged data stays on disk;
    /// reopening recovers exactly what reached it.
    func poison(_ cause: StoreError) {
        statusMutex.withLock {
            if poisonError == nil {
                poisonError = StoreError(
                    .poisoned,
                    "the store stopped accepting writes after a WAL failure (\(cause.message)); nothing acknowledged before it is lost. Fix the cause (disk full or failing?) and reopen the store.",
                    file: cause.file, offset: cause.offset, cause: cause.cause)
            }
        }
    }

    var committerCounters: (groups: Int, readings: Int, refusals: Int, waits: Int, queued: Int) {
        committer?.counters ?? (0, 0, 0, 0, 0)
    }

    /// The LSN the next version gets (read under the state lock, which the leader holds
    /// while applying).
    var nextLSNForStats: UInt64 { state.withReadLock { max(hot.lastLSN + 1, manifest.walFirstLSN) } }

    /// The last LSN known durable: under `always` the last committed, otherwise the last
    /// one the flusher synced.
    public var durableLSN: UInt64 {
        guard let writer else { return state.withReadLock { hot.lastLSN } }
        return writer.durableLSN
    }

    /// fsyncs issued by the WAL writer since open.
    var fsyncCount: Int { writer?.syncCount ?? 0 }

    /// The error that stopped writes, if one did.
    public var poisonedBy: StoreError? { statusMutex.withLock { poisonError } }

    /// Waits for queued writes, syncs the WAL (under every policy) and releases the
    /// directory. Further writes fail with `.closed`.
    public func close() throws(StoreError) {
        let already = statusMutex.withLock { () -> Bool in
            defer { isClosed = true }
            return isClosed
        }
        if already { return }
        committer?.close()
        maintainer?.stop()
        maintainer = nil
        cutter?.stop()
        cutter = nil
        flusher?.stop()
        flusher = nil
        if let writer {
            if writer.damaged || poisonedBy != nil {
                writer.abandon()
            } else {
                do { try writer.close(force: true) } catch {
                    lock?.release()
                    throw error
                }
            }
        }
        lock?.release()
    }

    deinit {
        if !isClosed { try? close() }
    }
}
