import KDeltaCodec

/// Appends framed records to the current WAL segment, rotating to a new preallocated
/// segment when one is full, and syncs them (docs/format/wal.md, docs/durability.md).
///
/// `append` is called only by the store's single writer. `sync` may also be called by the
/// interval flusher; `fdLock` keeps a rotation from closing the descriptor under it.
final class WALWriter: @unchecked Sendable {
    let fs: any FileSystem
    let directory: String
    let storeID: UInt64
    let segmentBytes: Int64
    let policy: FsyncPolicy

    private(set) var segmentNumber: UInt64
    private var fd: FileDescriptor
    /// Where the next record goes in the current segment.
    private(set) var offset: Int64
    /// Serialises fsync and rotation (which closes the descriptor a sync may be using).
    private let fdLock = PThreadMutex()
    /// Guards the counters below; never held across a syscall, so `stats()` never waits
    /// for an fsync in flight.
    private let countersLock = PThreadMutex()
    /// The last LSN written to the kernel and the last one known durable.
    private var writtenLSN: UInt64
    private var durableLSNValue: UInt64
    /// Segments created so far by this writer (for stats and tests).
    private(set) var rotations = 0
    /// fsyncs issued, for the "readings per fsync" figure.
    private var syncCountValue = 0
    /// The live segments and the LSN each starts at, oldest first (guarded by
    /// `countersLock`): a checkpoint finds from it which segments it can remove.
    private var segmentStarts: [(number: UInt64, firstLSN: UInt64)]

    /// Continues writing segment `number` (already open as `fd`) at `offset`; every LSN up to
    /// `lastLSN` is on disk.
    init(fs: any FileSystem, directory: String, storeID: UInt64, segmentBytes: Int, policy: FsyncPolicy,
         segmentNumber: UInt64, fd: FileDescriptor, offset: Int64, lastLSN: UInt64,
         segmentStarts: [(number: UInt64, firstLSN: UInt64)]) {
        precondition(segmentStarts.last?.number == segmentNumber, "the live segments must end with the current one")
        self.segmentStarts = segmentStarts
        self.fs = fs
        self.directory = directory
        self.storeID = storeID
        self.segmentBytes = Int64(segmentBytes)
        self.policy = policy
        self.segmentNumber = segmentNumber
        self.fd = fd
        self.offset = offset
        self.writtenLSN = lastLSN
        self.durableLSNValue = lastLSN
    }

    /// Creates segment `number` whose first record will carry `firstLSN`: the file is
    /// created, preallocated, given its header, synced, and its directory entry synced,
    /// before any record goes in, so a crash leaves either no segment or a valid empty one.
    static func createSegment(fs: any FileSystem, directory: String, storeID: UInt64, number: UInt64,
                              firstLSN: UInt64, segmentBytes: Int) throws(StoreError) -> FileDescriptor {
        let path = directory + "/" + WALFormat.segmentFileName(number)
        let fd: FileDescriptor
        do { fd = try fs.open(path, .createNew) } catch { throw StoreError.io(error, while: "creating WAL segment \(path)") }
        do {
            try fs.preallocate(fd, length: Int64(segmentBytes))
            let header = WALSegmentHeader(storeID: storeID, segmentNumber: number, firstLSN: firstLSN).encoded()
            try fs.write(fd, header, at: 0)
            try fs.sync(fd)
            try fs.syncDirectory(directory)
        } catch {
            fs.close(fd)
            // Best effort: a half-made segment is also recognised and removed at recovery.
            try? fs.remove(path)
            throw StoreError.io(error, while: "creating WAL segment \(path)")
        }
        return fd
    }

    /// The path of the current segment.
    var currentPath: String { directory + "/" + WALFormat.segmentFileName(segmentNumber) }

    /// The last LSN known durable.
    var durableLSN: UInt64 { countersLock.withLock { durableLSNValue } }

    /// fsyncs issued since open.
    var syncCount: Int { countersLock.withLock { syncCountValue } }

    /// True once a failed append could not be undone: the segment may hold part of a
    /// record, so the store must stop writing until it is reopened (recovery truncates it).
    private(set) var damaged = false

    /// Appends one framed record whose versions end at `lastLSN`. On failure nothing of the
    /// record remains in the segment (it is truncated back) and the error is thrown; if even
    /// that fails, `damaged` is set and the caller must stop writing.
    func append(_ record: [UInt8], firstLSN: UInt64, lastLSN: UInt64) throws(StoreError) {
        precondition(!damaged, "append after the WAL segment was damaged")
        precondition(record.count <= StorageLimits.walRecordBytesMax, "record of \(record.count) bytes passed the size check")
        if offset + Int64(record.count) > segmentBytes {
            try rotate(firstLSN: firstLSN)
        }
        do {
            try fs.write(fd, record, at: offset)
        } catch {
            let failure = StoreError.io(error, while: "appending to WAL segment \(currentPath)")
            do { try fs.truncate(fd, to: offset) } catch { damaged = true }
            throw failure
        }
        offset += Int64(record.count)
        countersLock.withLock { writtenLSN = lastLSN }
    }

    /// Makes everything written so far durable. A failure poisons the store: after a failed
    /// fsync the kernel may have dropped the dirty pages, so nothing written since the last
    /// good sync can be trusted (PostgreSQL's "fsyncgate" lesson).
    func sync() throws(StoreError) {
        try fdLock.withLock { () throws(StoreError) in
            let (target, durable) = countersLock.withLock { (writtenLSN, durableLSNValue) }
            if target == durable { return }
            do throws(FileSystemError) { try fs.sync(fd) } catch { throw StoreError.io(error, while: "syncing WAL segment \(currentPath)") }
            countersLock.withLock {
                syncCountValue += 1
                durableLSNValue = target
            }
        }
    }

    /// Closes the current segment and starts the next one.
    private func rotate(firstLSN: UInt64) throws(StoreError) {
        let next = segmentNumber + 1
        let newFD = try Self.createSegment(
            fs: fs, directory: directory, storeID: storeID, number: next, firstLSN: firstLSN,
            segmentBytes: Int(segmentBytes))
        try fdLock.withLock { () throws(StoreError) in
            // Synced under every policy, `never` included: the new segment's header is
            // durable, so an unsynced tail here would leave a gap before it after a power cut.
            let (target, durable) = countersLock.withLock { (writtenLSN, durableLSNValue) }
            if target != durable {
                do throws(FileSystemError) { try fs.sync(fd) } catch {
                    fs.close(newFD)
                    throw StoreError.io(error, while: "syncing WAL segment \(currentPath) before rotation")
                }
                countersLock.withLock {
                    syncCountValue += 1
                    durableLSNValue = target
                }
            }
            fs.close(fd)
            fd = newFD
            segmentNumber = next
            offset = Int64(WALFormat.segmentHeaderBytes)
        }
        countersLock.withLock { segmentStarts.append((next, firstLSN)) }
        rotations += 1
    }

    /// The live segment that holds (or, not yet written, will hold) `lsn`.
    func segment(holding lsn: UInt64) -> (number: UInt64, firstLSN: UInt64) {
        countersLock.withLock {
            segmentStarts.last(where: { $0.firstLSN <= lsn }) ?? segmentStarts[0]
        }
    }

    /// Live segments, oldest first.
    var liveSegments: [(number: UInt64, firstLSN: UInt64)] { countersLock.withLock { segmentStarts } }

    /// Removes the segments numbered below `number` (never the current one) once a
    /// checkpoint made them unnecessary, then syncs the directory. Returns how many.
    func removeSegments(before number: UInt64) throws(StoreError) -> Int {
        let doomed = countersLock.withLock { segmentStarts.filter { $0.number < number && $0.number != segmentNumber } }
        guard !doomed.isEmpty else { return 0 }
        for s in doomed {
            let path = directory + "/" + WALFormat.segmentFileName(s.number)
            do { try fs.remove(path) } catch { throw StoreError.io(error, while: "removing WAL segment \(path) after a checkpoint") }
            countersLock.withLock { segmentStarts.removeAll { $0.number == s.number } }
        }
        do { try fs.syncDirectory(directory) } catch { throw StoreError.io(error, while: "syncing \(directory) after removing WAL segments") }
        return doomed.count
    }

    /// Syncs (unless the policy is `never` and `force` is false) and closes the segment.
    /// The segment is closed even when the sync fails: the store is closing either way,
    /// and recovery at the next open reads what reached the disk.
    func close(force: Bool = true) throws(StoreError) {
        defer { fdLock.withLock { fs.close(fd) } }
        if force || policy != .never { try sync() }
    }

    /// Closes without syncing (after a failure, or for read-only stores).
    func abandon() {
        fdLock.withLock { fs.close(fd) }
    }
}
