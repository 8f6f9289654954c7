#if canImport(Glibc)
import Glibc
#endif
import KDeltaCodec
import KDeltaModel

/// What `Repair.run` did.
public struct RepairReport: Sendable, Equatable {
    /// The damaged segment and where the damage starts; nil when nothing needed repair.
    public var damagedFile: String?
    public var offset: Int64?
    /// Why the record there was refused.
    public var reason: String?
    /// Where the set-aside bytes and segments went.
    public var setAsideDirectory: String?
    /// WAL records and versions set aside: the damaged record (counted as one, its versions
    /// unknown) and every valid record after it.
    public var recordsSetAside: Int
    public var versionsSetAside: Int
    /// Bytes set aside, and whole later segments moved.
    public var bytesSetAside: Int64
    public var segmentsMoved: Int
    /// Versions that remain.
    public var versionsKept: Int
    /// The manifest rebuilt first, when it was missing or damaged.
    public var manifestRebuild: ManifestRebuildReport? = nil
    /// WAL damage left in place because it held only checkpointed versions (opening
    /// passes over it), one line each.
    public var walDamageSkipped: [String] = []
    /// When what is left of the WAL ended before the checkpoint (every version it lacks up
    /// to there is in block files): the LSN it ended at, and the segment the WAL starts
    /// afresh with at checkpoint + 1.
    public var walEndedAtLSN: UInt64? = nil
    public var walRestartSegment: UInt64? = nil
    /// Files of the series catalog found missing or damaged and rewritten from the other
    /// copy (docs/format/catalog.md, "Two copies"), one line each.
    public var catalogRepairs: [String] = []
    /// Block files the manifest named that were missing or damaged, and what became of
    /// their versions (`BlockRepair`); nil when every block checked.
    public var blockRepair: BlockRepairReport? = nil
    /// When the WAL was gone (every segment from the one the manifest names): the LSN after
    /// which versions were lost, and the segment the WAL starts afresh with.
    public var walMissingAfterLSN: UInt64? = nil
    /// With `walMissingAfterLSN`: each series the catalog knows and the first seq it lost.
    public var walLostFrom: [WALLoss] = []
    /// The series catalog rebuilt from the blocks and the WAL, when both its files were
    /// missing (docs/format/catalog.md, "Rebuilding").
    public var catalogRebuild: CatalogRebuildReport? = nil
}

extension RepairReport {
    /// Whether `repair` changed anything: a WAL tail set aside, the manifest, the catalog or
    /// a block rebuilt or mended, the WAL restarted. One test per line: a long chain of
    /// `!= nil ||` is slow for Swift's type checker.
    public var changedAnything: Bool {
        if damagedFile != nil { return true }
        if manifestRebuild != nil { return true }
        if walRestartSegment != nil { return true }
        if !catalogRepairs.isEmpty { return true }
        if blockRepair != nil { return true }
        if catalogRebuild != nil { return true }
        return false
    }
}

/// A series that lost every version from `fromSeq` on with a WAL that is gone.
public struct WALLoss: Sendable, Equatable, CustomStringConvertible {
    public var key: Key
    public var fromSeq: UInt64
    public var description: String { "\(key): seq \(fromSeq) and later" }
}

/// Makes a damaged store open again, moving what it sets aside into `repair/<time>/`, never
/// deleting it: a missing or damaged manifest is rebuilt from the catalog, blocks and WAL
/// (`ManifestRebuild`), a series catalog missing both its files from the blocks and WAL
/// (`CatalogRebuild`); then the damaged tail of the WAL (the damaged record and everything
/// after it) is copied (the damaged segment's tail) or moved (later segments) aside, and the
/// damaged segment is cut before the damage.
public enum Repair {
    /// Folder of set-aside data inside the data directory.
    public static let directoryName = "repair"

    /// Repairs the store in `directory`. Takes the directory lock.
    public static func run(directory: String, fileSystem fs: any FileSystem = PosixFileSystem(), clock: any WallClock = SystemClock()) throws(StoreError) -> RepairReport {
        try run(directory: directory, fileSystem: fs, clock: clock, pieceBytes: WALSegmentReader.pieceBytesDefault)
    }

    /// `run`, reading segments `pieceBytes` at a time: smaller only in tests, to put
    /// records across pieces. Memory stays within a piece (or one record larger than it)
    /// however large the segments are.
    static func run(directory: String, fileSystem fs: any FileSystem, clock: any WallClock, pieceBytes: Int) throws(StoreError) -> RepairReport {
        let manifestPath = directory + "/" + Manifest.fileName
        guard fs.exists(manifestPath) || ManifestRebuild.storeFiles(fs: fs, directory: directory) != nil else {
            throw StoreError(.notFound, "no store in \(directory) (no \(Manifest.fileName), no WAL segments, blocks or catalog); check --data-dir")
        }
        let lock = try DirectoryLock.acquire(directory: directory)
        defer { lock.release() }
        var rebuilt: ManifestRebuildReport? = nil
        var manifest: Manifest
        do {
            manifest = try readManifest(fs: fs, path: manifestPath)
        } catch where error.code == .corruptFile || error.code == .notFound {
            // The reason without the advice to run `repair`: this is it.
            let advice = Manifest.repairAdvice(path: manifestPath)
            let reason = error.message.hasSuffix(advice) ? String(error.message.dropLast(advice.count)) : error.message
            rebuilt = try ManifestRebuild.run(fs: fs, directory: directory, reason: reason, clock: clock)
            manifest = try readManifest(fs: fs, path: manifestPath)
        }

        // Both files of the series catalog missing: rebuilt from the blocks and the WAL.
        let catalogRebuild = try CatalogRebuild.runIfMissing(fs: fs, directory: directory, manifest: manifest)

        // A damaged file of the series catalog is rewritten from its copy (or the reverse).
        var catalogRepairs: [String] = []
        if manifest.catalogGeneration > 0 {
            let read = try CatalogFiles.read(manifest.catalogGeneration, fs: fs, directory: directory)
            catalogRepairs = try CatalogFiles.mend(read, generation: manifest.catalogGeneration, fs: fs, directory: directory, readOnly: false)
        }

        // Block files that are missing or do not check: rebuilt from what is left.
        var blockRepair: BlockRepairReport? = nil
        var aside: String? = nil
        let asideDirectory = { () throws(StoreError) -> String in
            if let aside { return aside }
            let made = try makeSetAsideDirectory(fs: fs, directory: directory, clock: clock)
            aside = made
            return made
        }
        if let (repaired, blocks) = try BlockRepair.run(fs: fs, directory: directory, manifest: manifest, asideDirectory: asideDirectory) {
            manifest = repaired
            blockRepair = blocks
        }

        // Find the first damage by replaying into a scratch hot tier: the same checks as open.
        let hot = HotTier()
        var damage: (file: String, offset: Int64, reason: String)? = nil
        var kept = 0
        var skipped: [String] = []
        var walEnd = manifest.walFirstLSN  // the LSN after the last version replayed
        do {
            let replay = try WALReplay.run(fs: fs, dataDirectory: directory, manifest: manifest) { (batch, _, _) throws(StoreError) in
                for (id, key) in batch.newKeys where Int(id) == hot.series.count { hot.addSeries(Series(id: id, key: key)) }
                kept += batch.entries.count
                walEnd = batch.firstLSN + UInt64(batch.entries.count)
            }
            walEnd = replay.nextLSN
            skipped = replay.damageSkipped
            if let torn = replay.tornTail { damage = (torn.file, torn.offset, torn.reason) }
            if damage == nil, let incomplete = replay.incompleteSegment { damage = (incomplete, 0, "incomplete segment") }
        } catch where error.code == .corruptWAL {
            guard let file = error.file, let offset = error.offset else { throw error }
            damage = (file, offset, error.message)
        }
        guard let (file, offset, reason) = damage else {
            var report = RepairReport(
                recordsSetAside: 0, versionsSetAside: 0, bytesSetAside: 0, segmentsMoved: 0, versionsKept: kept, manifestRebuild: rebuilt,
                walDamageSkipped: skipped, catalogRepairs: catalogRepairs, blockRepair: blockRepair)
            report.catalogRebuild = catalogRebuild
            try restartWALIfItEndsBeforeTheCheckpoint(fs: fs, directory: directory, manifest: manifest, walEnd: walEnd, report: &report)
            return report
        }

        let asideDir = try asideDirectory()

        let walDir = directory + "/" + WALFormat.directoryName
        let fileName = String(file.split(separator: "/").last ?? "")
        var report = RepairReport(
            damagedFile: file, offset: offset, reason: reason, setAsideDirectory: asideDir,
            recordsSetAside: 0, versionsSetAside: 0, bytesSetAside: 0, segmentsMoved: 0, versionsKept: kept, manifestRebuild: rebuilt,
            walDamageSkipped: skipped, catalogRepairs: catalogRepairs, blockRepair: blockRepair)
        report.catalogRebuild = catalogRebuild

        // 1. Copy the damaged segment's tail aside, up to its last non-zero byte (the rest
        // is preallocated zeros), and count what it held.
        if fs.exists(file) {
            let segment = try WALSegmentReader(fs: fs, path: file, pieceBytes: pieceBytes)
            let start = Int(offset)
            let end = try WALSegmentScanner.dataEnd(segment, from: start)
            if start < end {
                let (records, versions) = try countRecords(segment, from: start)
                report.recordsSetAside += records
                report.versionsSetAside += versions
                report.bytesSetAside += Int64(end - start)
                try copy(segment, start..<end, to: unusedPath(asideDir + "/" + fileName + ".tail-at-\(offset)", fs: fs),
                         fs: fs, what: "setting aside the tail of \(file)")
            }
        }
        // 2. Move every later segment aside whole.
        let names: [String]
        do { names = try fs.list(walDir) } catch { throw StoreError.io(error, while: "listing \(walDir)") }
        let damagedNumber = WALFormat.segmentNumber(fileName: fileName) ?? 0
        for name in names {
            guard let n = WALFormat.segmentNumber(fileName: name), n > damagedNumber else { continue }
            let path = walDir + "/" + name
            do {
                let segment = try WALSegmentReader(fs: fs, path: path, pieceBytes: pieceBytes)
                let (records, versions) = try countRecords(segment, from: WALFormat.segmentHeaderBytes)
                report.recordsSetAside += records
                report.versionsSetAside += versions
                report.bytesSetAside += Int64(segment.count)
            }
            do { try fs.rename(path, to: asideDir + "/" + name) } catch { throw StoreError.io(error, while: "moving \(path) aside") }
            report.segmentsMoved += 1
        }
        do { try fs.syncDirectory(asideDir) } catch { throw StoreError.io(error, while: "syncing \(asideDir)") }
        // 3. Cut the damaged segment (or move an incomplete one aside entirely).
        if fs.exists(file) { do {
            if offset < Int64(WALFormat.segmentHeaderBytes) {
                try fs.rename(file, to: asideDir + "/" + fileName)
                report.segmentsMoved += 1
            } else {
                let fd = try fs.open(file, .readWrite)
                defer { fs.close(fd) }
                try fs.truncate(fd, to: offset)
                try fs.sync(fd)
            }
            try fs.syncDirectory(walDir)
        } catch { throw StoreError.io(error, while: "cutting \(file) at offset \(offset)") } }
        try restartWALIfItEndsBeforeTheCheckpoint(fs: fs, directory: directory, manifest: manifest, walEnd: walEnd, report: &report)
        return report
    }

    /// When what is left of the WAL ends before the manifest's checkpoint (`walEnd`, the LSN
    /// after its last version, at most the checkpoint: damage or missing segments took
    /// checkpointed records), or when no segment from the one the manifest names is left
    /// (deleted by hand), the store would not open, though every version up to the
    /// checkpoint is in block files. Creates a segment after every one present for the WAL
    /// to start afresh at checkpoint + 1, durably, and only then writes the manifest naming
    /// it (a manifest names only a segment that exists: `Store.missingWAL`); the segments
    /// before it are checkpointed and go at the next open for writing. One number is
    /// skipped: should a power cut stop that open before it removes them and the manifest
    /// be lost later, the gap tells a rebuild that the old segments are left over and that
    /// the WAL starts at the new one (`WALStart`), whose LSNs do not follow theirs.
    private static func restartWALIfItEndsBeforeTheCheckpoint(
        fs: any FileSystem, directory: String, manifest: Manifest, walEnd: UInt64, report: inout RepairReport
    ) throws(StoreError) {
        let walDir = directory + "/" + WALFormat.directoryName
        let present: [UInt64]
        do {
            try fs.createDirectory(walDir)
            present = try fs.list(walDir).compactMap(WALFormat.segmentNumber(fileName:))
        } catch {
            throw StoreError.io(error, while: "listing \(walDir)")
        }
        let endsBeforeCheckpoint = walEnd <= manifest.checkpointLSN
        let isGone = !present.contains { $0 >= manifest.walFirstSegment }
        guard endsBeforeCheckpoint || isGone else { return }
        var next = manifest
        next.walFirstSegment = max(present.max() ?? 0, manifest.walFirstSegment) + 2
        next.walFirstLSN = manifest.checkpointLSN + 1
        try next.writeCreatingFirstSegment(
            fs: fs, directory: directory, segmentBytes: StorageLimits.walSegmentBytesDefault, space: .fullWhenRoom,
            what: "writing the manifest of \(directory) with the WAL restarted at LSN \(manifest.checkpointLSN + 1)")
        if endsBeforeCheckpoint {
            report.walEndedAtLSN = walEnd - 1
        } else {
            report.walMissingAfterLSN = manifest.checkpointLSN
            report.walLostFrom = try lostWithTheWAL(fs: fs, directory: directory, manifest: manifest)
        }
        report.walRestartSegment = next.walFirstSegment
    }

    /// What a WAL that is gone took with it, as far as anything still says: each series the
    /// catalog lists lost every version from its next seq on (how many, only the WAL knew),
    /// and series first written after the checkpoint are not known at all.
    private static func lostWithTheWAL(fs: any FileSystem, directory: String, manifest: Manifest) throws(StoreError) -> [WALLoss] {
        guard manifest.catalogGeneration > 0 else { return [] }
        let catalog = try CatalogFiles.read(manifest.catalogGeneration, fs: fs, directory: directory).catalog
        return catalog.entries.map { WALLoss(key: $0.key, fromSeq: $0.nextSeq) }
    }

    /// The manifest at `path`: `.notFound` when there is none, `.corruptFile` when it is
    /// damaged (both rebuilt by `run`); a manifest of a later format is refused with its
    /// own message, never rebuilt.
    private static func readManifest(fs: any FileSystem, path: String) throws(StoreError) -> Manifest {
        guard fs.exists(path) else { throw StoreError(.notFound, "\(path) is missing") }
        let bytes: [UInt8]
        do { bytes = try fs.readFile(path) } catch { throw StoreError.io(error, while: "reading \(path)") }
        if Manifest.isLaterFormat(bytes) {
            throw StoreError(.invalidArgument, "manifest \(path) has a later format than this kdelta-edge reads (\(String(decoding: bytes.prefix { $0 != 10 }, as: UTF8.self))): upgrade kdelta-edge; nothing was changed", file: path)
        }
        return try Manifest.decode(bytes, path: path)
    }

    /// Creates `repair/<time>/` in the data directory `directory` (or finds it, when
    /// something was set aside within the same second) and returns its path. Both folders
    /// are durable before it returns: what moves into it is cut from the WAL afterwards,
    /// so the set-aside copy is the only one left.
    static func makeSetAsideDirectory(fs: any FileSystem, directory: String, clock: any WallClock) throws(StoreError) -> String {
        let stamp = RFC3339Stamp.compact(ms: clock.nowMs())
        let asideDir = directory + "/" + directoryName + "/" + stamp
        do {
            try fs.createDirectory(directory + "/" + directoryName)
            try fs.syncDirectory(directory)
            try fs.createDirectory(asideDir)
            try fs.syncDirectory(directory + "/" + directoryName)
        } catch { throw StoreError.io(error, while: "creating \(asideDir)") }
        return asideDir
    }

    /// `path`, or `path.2`, `path.3` … when it exists: two set-asides within the same
    /// second share a folder, and one must never replace the other's file.
    static func unusedPath(_ path: String, fs: any FileSystem) -> String {
        var candidate = path
        var n = 2
        while fs.exists(candidate) {
            candidate = path + ".\(n)"
            n += 1
        }
        return candidate
    }

    /// Copies the data of a torn last WAL record into
    /// `repair/<time>/<segment>.tail-at-<dataOffset>` of the data directory `directory`
    /// and makes the copy durable, before recovery cuts the record off: whether a bad
    /// last record is torn or damaged is a judgement from its bytes (docs/format/wal.md,
    /// "Torn or damaged"), so the bytes it cuts are kept. Only the data is copied, from
    /// its first to its last non-zero byte, not the preallocated zeros after it; the copy
    /// is streamed a piece at a time. Returns the copy's path.
    static func keepTornTail(_ torn: TornTail, fs: any FileSystem, directory: String, clock: any WallClock) throws(StoreError) -> String {
        let what = "keeping the torn last WAL record of \(torn.file) (offset \(torn.offset)) under \(directory)/\(directoryName)"
        let asideDir: String
        do { asideDir = try makeSetAsideDirectory(fs: fs, directory: directory, clock: clock) } catch {
            throw StoreError(error.code, "\(what): \(error.message)", file: error.file, offset: error.offset, cause: error.cause)
        }
        let fileName = String(torn.file.split(separator: "/").last ?? "")
        let path = unusedPath(asideDir + "/" + fileName + ".tail-at-\(torn.dataOffset)", fs: fs)
        let segment = try WALSegmentReader(fs: fs, path: torn.file)
        let start = Int(torn.dataOffset)
        let count = Int(torn.dataBytes)
        precondition(start + count <= segment.count, "torn tail data \(start)+\(count) runs past the \(segment.count) bytes of \(torn.file)")
        try copy(segment, start..<(start + count), to: path, fs: fs, what: what)
        return path
    }

    /// Copies bytes `range` of `segment` to `path`, a piece at a time, through a synced
    /// temporary file renamed into place; the folder is synced, so the copy is durable
    /// before the caller cuts the bytes from the WAL.
    static func copy(_ segment: WALSegmentReader, _ range: Range<Int>, to path: String, fs: any FileSystem, what: String) throws(StoreError) {
        let folder = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
        let tmp = path + ".tmp"
        let fd: FileDescriptor
        do { fd = try fs.open(tmp, .createOrTruncate) } catch { throw StoreError.io(error, while: what) }
        var done = 0
        while done < range.count {
            let piece: UnsafeRawBufferPointer
            do { piece = try segment.bytes(at: range.lowerBound + done, count: min(segment.pieceBytes, range.count - done)) } catch {
                fs.close(fd)
                throw error
            }
            do { try fs.write(fd, piece, at: Int64(done)) } catch {
                fs.close(fd)
                throw StoreError.io(error, while: what)
            }
            done += piece.count
        }
        do { try fs.sync(fd) } catch {
            fs.close(fd)
            throw StoreError.io(error, while: what)
        }
        fs.close(fd)
        do {
            try fs.rename(tmp, to: path)
            try fs.syncDirectory(folder)
        } catch { throw StoreError.io(error, while: what) }
    }

    /// Records and versions in `segment` from `start`: the damaged record there counts as
    /// one record of unknown size; after it, every valid frame found.
    static func countRecords(_ segment: WALSegmentReader, from start: Int) throws(StoreError) -> (records: Int, versions: Int) {
        let header = WALFormat.recordHeaderBytes
        var records = 0
        var versions = 0
        var o = start
        var first = true
        while o + header <= segment.count {
            switch try WALSegmentScanner.checkFrame(segment, at: o) {
            case .valid(let length):
                records += 1
                // The batch payload's version count, a u32 at byte 20 (docs/format/wal.md).
                if length >= 24 {
                    versions += Int(UInt32(littleEndian: try segment.bytes(at: o + header + 20, count: 4).loadUnaligned(as: UInt32.self)))
                }
                o += header + length
                first = false
            case .zero where !first:
                return (records, versions)
            default:
                if first {
                    records += 1
                    first = false
                }
                // Look for the next valid frame after the damage.
                guard let next = try WALSegmentScanner.nextValidFrame(segment, after: o) else { return (records, versions) }
                o = next
            }
        }
        return (records, versions)
    }
}

/// `20261123T221500Z`-style stamps for folder names (no ':' so they work everywhere).
enum RFC3339Stamp {
    static func compact(ms: Int64) -> String {
        var t = time_t(ms / 1000)
        var tm = tm()
        gmtime_r(&t, &tm)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(tm.tm_year + 1900)\(two(tm.tm_mon + 1))\(two(tm.tm_mday))T\(two(tm.tm_hour))\(two(tm.tm_min))\(two(tm.tm_sec))Z"
    }
}
