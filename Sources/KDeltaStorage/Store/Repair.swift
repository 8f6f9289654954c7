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
}

/// Sets the damaged tail of the WAL aside so the store opens again: the damaged record and
/// everything after it are copied (the damaged segment's tail) or moved (later segments)
/// into `repair/<time>/`, never deleted, and the damaged segment is cut before the damage.
public enum Repair {
    /// Folder of set-aside data inside the data directory.
    public static let directoryName = "repair"

    /// Repairs the store in `directory`. Takes the directory lock.
    public static func run(directory: String, fileSystem fs: any FileSystem = PosixFileSystem(), clock: any WallClock = SystemClock()) throws(StoreError) -> RepairReport {
        let manifestPath = directory + "/" + Manifest.fileName
        guard fs.exists(manifestPath) else {
            throw StoreError(.notFound, "no store in \(directory) (no \(Manifest.fileName)); check --data-dir")
        }
        let lock = try DirectoryLock.acquire(directory: directory)
        defer { lock.release() }
        let bytes: [UInt8]
        do { bytes = try fs.readFile(manifestPath) } catch { throw StoreError.io(error, while: "reading \(manifestPath)") }
        let manifest = try Manifest.decode(bytes, path: manifestPath)

        // Find the first damage by replaying into a scratch hot tier: the same checks as open.
        let hot = HotTier()
        var damage: (file: String, offset: Int64, reason: String)? = nil
        var kept = 0
        do {
            let replay = try WALReplay.run(fs: fs, dataDirectory: directory, manifest: manifest) { (batch, _, _) throws(StoreError) in
                for (id, key) in batch.newKeys where Int(id) == hot.series.count { hot.addSeries(Series(id: id, key: key)) }
                kept += batch.entries.count
            }
            if let torn = replay.tornTail { damage = (torn.file, torn.offset, torn.reason) }
            if damage == nil, let incomplete = replay.incompleteSegment { damage = (incomplete, 0, "incomplete segment") }
        } catch where error.code == .corruptWAL {
            guard let file = error.file, let offset = error.offset else { throw error }
            damage = (file, offset, error.message)
        }
        guard let (file, offset, reason) = damage else {
            return RepairReport(recordsSetAside: 0, versionsSetAside: 0, bytesSetAside: 0, segmentsMoved: 0, versionsKept: kept)
        }

        let stamp = RFC3339Stamp.compact(ms: clock.nowMs())
        let asideDir = directory + "/" + directoryName + "/" + stamp
        do {
            // Both folders must be durable before anything moves into them: the damaged
            // segment is cut afterwards, so the set-aside copy is the only one left.
            try fs.createDirectory(directory + "/" + directoryName)
            try fs.syncDirectory(directory)
            try fs.createDirectory(asideDir)
            try fs.syncDirectory(directory + "/" + directoryName)
        } catch { throw StoreError.io(error, while: "creating \(asideDir)") }

        let walDir = directory + "/" + WALFormat.directoryName
        let fileName = String(file.split(separator: "/").last ?? "")
        var report = RepairReport(
            damagedFile: file, offset: offset, reason: reason, setAsideDirectory: asideDir,
            recordsSetAside: 0, versionsSetAside: 0, bytesSetAside: 0, segmentsMoved: 0, versionsKept: kept)

        // 1. Copy the damaged segment's tail aside and count what it held.
        let segment = try WALSegmentFile.readAll(fs: fs, path: file)
        let start = Int(offset)
        if start < segment.count {
            let tail = Array(segment[start...])
            let (records, versions) = countRecords(segment, from: start)
            report.recordsSetAside += records
            report.versionsSetAside += versions
            report.bytesSetAside += Int64(tail.count)
            do {
                try fs.writeFileAtomically(asideDir + "/" + fileName + ".tail-at-\(offset)", tail, directory: asideDir)
            } catch { throw StoreError.io(error, while: "setting aside the tail of \(file)") }
        }
        // 2. Move every later segment aside whole.
        let names: [String]
        do { names = try fs.list(walDir) } catch { throw StoreError.io(error, while: "listing \(walDir)") }
        let damagedNumber = WALFormat.segmentNumber(fileName: fileName) ?? 0
        for name in names {
            guard let n = WALFormat.segmentNumber(fileName: name), n > damagedNumber else { continue }
            let path = walDir + "/" + name
            let content = try WALSegmentFile.readAll(fs: fs, path: path)
            let (records, versions) = countRecords(content, from: WALFormat.segmentHeaderBytes)
            report.recordsSetAside += records
            report.versionsSetAside += versions
            report.bytesSetAside += Int64(content.count)
            do { try fs.rename(path, to: asideDir + "/" + name) } catch { throw StoreError.io(error, while: "moving \(path) aside") }
            report.segmentsMoved += 1
        }
        do { try fs.syncDirectory(asideDir) } catch { throw StoreError.io(error, while: "syncing \(asideDir)") }
        // 3. Cut the damaged segment (or move an incomplete one aside entirely).
        do {
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
        } catch { throw StoreError.io(error, while: "cutting \(file) at offset \(offset)") }
        return report
    }

    /// Records and versions in `buf` from `start`: the damaged record there counts as one
    /// record of unknown size; after it, every valid frame found.
    static func countRecords(_ buf: [UInt8], from start: Int) -> (records: Int, versions: Int) {
        buf.withUnsafeBytes { raw in
            var records = 0
            var versions = 0
            var o = start
            var first = true
            while o + WALFormat.recordHeaderBytes <= raw.count {
                switch WALSegmentScanner.checkFrame(raw, at: o) {
                case .valid(let length):
                    records += 1
                    let payload = UnsafeRawBufferPointer(rebasing: raw[(o + 12)..<(o + 12 + length)])
                    if payload.count >= 24 {
                        versions += Int(UInt32(littleEndian: payload.loadUnaligned(fromByteOffset: 20, as: UInt32.self)))
                    }
                    o += WALFormat.recordHeaderBytes + length
                    first = false
                case .zero where !first:
                    return (records, versions)
                default:
                    if first { records += 1; first = false }
                    // Look for the next valid frame after the damage.
                    var p = o + 1
                    var found = false
                    while p + WALFormat.recordHeaderBytes <= raw.count {
                        if case .valid = WALSegmentScanner.checkFrame(raw, at: p) { found = true; break }
                        p += 1
                    }
                    if !found { return (records, versions) }
                    o = p
                }
            }
            return (records, versions)
        }
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
