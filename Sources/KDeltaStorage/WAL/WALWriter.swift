import KDeltaCodec

/// Appends framed records to the current WAL segment, rotating to a new preallocated
/// segment when one is full, and syncs them (docs/format/wal.md, docs/durability.md).
///
/// `append` is called only by the store's single writer. `sync` may also be called by the
/// interval flusher; `fdLock` keeps a rotation from closing the descriptor under it. A
/// checkpoint may switch segments from its own thread (`startFreshSegment`); `appendLock`
/// keeps that switch and an append apart.
final class WALWriter: @unchecked Sendable {
    let fs: any FileSystem
    let directory: String
    let storeID: UInt64
    let segmentBytes: Int64
    let policy: FsyncPolicy

    /// Changed under both `appendLock` and `fdLock`, so either one is enough to read it.
    private(set) var segmentNumber: UInt64
    private var fd: FileDescriptor
    /// Where the next record goes in the current segment. Under `appendLock`.
    private var offset: Int64
    /// False while the current segment has less than `segmentBytes` reserved: it was
    /// started on a full disk (`WALSegmentSpace.fullWhenRoom`). Under `appendLock`.
    private var preallocated: Bool
    /// True once a rotation out of the current segment failed for want of space (under
    /// `appendLock`): a checkpoint then replaces the segment however full it is.
    private var rotationFailedForSpace = false
    /// Serialises appends (and the rotations they start) with a segment switch a checkpoint
    /// starts from another thread. Taken before `fdLock`, never after.
    private let appendLock = PThreadMutex()
    /// Serialises fsync and rotation (which closes the descriptor a sync may be using).
    private let fdLock = PThreadMutex()
    /// Guards the counters below; never held across a syscall, so `stats()` never waits
    /// for an fsync in flight.
    private let countersLock = PThreadMutex()
    /// The last LSN written to the kernel and the last one known durable.
    private var writtenLSN: UInt64
    private var durableLSNValue: UInt64
    /// Segments created so far by this writer (for stats and tests).
    private var rotationCount = 0
    /// fsyncs issued, for the "readings per fsync" figure.
    private var syncCountValue = 0
    /// The live segments and the LSN each starts at, oldest first (guarded by
    /// `countersLock`): a checkpoint finds from it which segments it can remove.
    private var segmentStarts: [(number: UInt64, firstLSN: UInt64)]

    /// Continues writing segment `number` (already open as `fd`) at `offset`; every LSN up to
    /// `lastLSN` is on disk. `preallocated`: the segment has its full size on disk.
    init(fs: any FileSystem, directory: String, storeID: UInt64, segmentBytes: Int, policy: FsyncPolicy,
         segmentNumber: UInt64, fd: FileDescriptor, offset: Int64, lastLSN: UInt64,
         segmentStarts: [(number: UInt64, firstLSN: UInt64)], preallocated: Bool) {
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
        self.preallocated = preallocated
        self.writtenLSN = lastLSN
        self.durableLSNValue = lastLSN
    }

    /// Creates segment `number` whose first record will carry `firstLSN`: the file is
    /// created, preallocated (per `space`), given its header, synced, and its directory
    /// entry synced, before any record goes in, so a crash leaves either no segment or a
    /// valid empty one. Returns the open segment and whether it got its full size.
    static func createSegment(fs: any FileSystem, directory: String, storeID: UInt64, number: UInt64,
                              firstLSN: UInt64, segmentBytes: Int,
                              space: WALSegmentSpace) throws(StoreError) -> (fd: FileDescriptor, preallocated: Bool) {
        let path = directory + "/" + WALFormat.segmentFileName(number)
        let fd: FileDescriptor
        do { fd = try fs.open(path, .createNew) } catch { throw StoreError.io(error, while: "creating WAL segment \(path)") }
        do {
            let preallocated = try reserve(fs: fs, fd, bytes: Int64(segmentBytes), space: space)
            let header = WALSegmentHeader(storeID: storeID, segmentNumber: number, firstLSN: firstLSN).encoded()
            try fs.write(fd, header, at: 0)
            try fs.sync(fd)
            try fs.syncDirectory(directory)
            return (fd, preallocated)
        } catch {
            fs.close(fd)
            let failure = StoreError.io(error, while: "creating WAL segment \(path)")
            guard let note = removeHalfMade(fs: fs, path) else { throw failure }
            throw StoreError(failure.code, failure.message + " " + note, file: failure.file, cause: failure.cause)
        }
    }

    /// Reserves a new segment's `bytes`; with `.fullWhenRoom`, a disk without room leaves
    /// the file empty instead (whatever part `posix_fallocate` got before it failed is
    /// given back). Returns whether the space is reserved.
    private static func reserve(fs: any FileSystem, _ fd: FileDescriptor, bytes: Int64,
                                space: WALSegmentSpace) throws(FileSystemError) -> Bool {
        do {
            try fs.preallocate(fd, length: bytes)
            return true
        } catch {
            guard space == .fullWhenRoom, error.isOutOfSpace else { throw error }
            try fs.truncate(fd, to: 0)
            return false
        }
    }

    /// Removes the file of a segment whose creation failed; returns what to add to the
    /// error when that fails too (recovery removes such a file at the next open, as a last
    /// segment without a valid header).
    private static func removeHalfMade(fs: any FileSystem, _ path: String) -> String? {
        do throws(FileSystemError) {
            try fs.remove(path)
            return nil
        } catch {
            return "Removing the half-made segment failed too (\(error)); reopening the store removes it."
        }
    }

    /// The path of the current segment.
    var currentPath: String { directory + "/" + WALFormat.segmentFileName(segmentNumber) }

    /// The last LSN known durable.
    var durableLSN: UInt64 { countersLock.withLock { durableLSNValue } }

    /// fsyncs issued since open.
    var syncCount: Int { countersLock.withLock { syncCountValue } }

    /// Segments created since open: by rotations, and by checkpoints that started a fresh one.
    var rotations: Int { countersLock.withLock { rotationCount } }

    /// True once a failed append could not be undone: the segment may hold part of a
    /// record, so the store must stop writing until it is reopened (recovery truncates it).
    private(set) var damaged = false

    /// Appends one framed record whose versions end at `lastLSN`. On failure nothing of the
    /// record remains in the segment (it is truncated back) and the error is thrown; if even
    /// that fails, `damaged` is set and the caller must stop writing.
    func append(_ record: [UInt8], firstLSN: UInt64, lastLSN: UInt64) throws(StoreError) {
        try appendLock.withLock { () throws(StoreError) in
            precondition(!damaged, "append after the WAL segment was damaged")
            precondition(record.count <= StorageLimits.walRecordBytesMax, "record of \(record.count) bytes passed the size check")
            if offset + Int64(record.count) > segmentBytes {
                do throws(StoreError) { try rotate(firstLSN: firstLSN, space: .full) } catch {
                    if error.code == .outOfSpace { rotationFailedForSpace = true }
                    throw error
                }
            }
            do throws(FileSystemError) {
                try fs.write(fd, record, at: offset)
            } catch {
                let failure = StoreError.io(error, while: "appending to WAL segment \(currentPath)")
                do throws(FileSystemError) { try fs.truncate(fd, to: offset) } catch { damaged = true }
                throw failure
            }
            offset += Int64(record.count)
            countersLock.withLock { writtenLSN = lastLSN }
        }
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

    /// Starts the next segment now, its first LSN `lsn + 1`, when every record of the
    /// current one is at or before `lsn` (a checkpoint covers them all) and it is at least
    /// `StorageLimits.walSegmentSwitchFillPercentMin` full, or a rotation out of it failed
    /// for space: the checkpoint can then name the new segment and remove the old one, so
    /// that `compact` really frees the WAL (docs/durability.md, "When the disk fails").
    /// On a disk without room for a whole segment the new one starts with its header only
    /// (`WALSegmentSpace.fullWhenRoom`); `preallocateIfShort` completes it once the old
    /// one is gone. Returns whether it switched; throws when creating the segment failed,
    /// and writing then goes on in the current one.
    func startFreshSegment(ifCheckpointedThrough lsn: UInt64) throws(StoreError) -> Bool {
        try appendLock.withLock { () throws(StoreError) -> Bool in
            guard !damaged, offset > Int64(WALFormat.segmentHeaderBytes) else { return false }
            let fullEnough = offset >= segmentBytes / 100 * Int64(StorageLimits.walSegmentSwitchFillPercentMin)
            guard fullEnough || rotationFailedForSpace else { return false }
            guard countersLock.withLock({ writtenLSN }) == lsn else { return false }
            try rotate(firstLSN: lsn + 1, space: .fullWhenRoom)
            return true
        }
    }

    /// Reserves the current segment's full size if it lacks it (a checkpoint started it on
    /// a full disk, or recovery cut a torn tail off it): called after each checkpoint, which
    /// may have removed older segments. A disk still without room leaves it as it is:
    /// appends then grow the file, and one that finds no space fails and is cut back like
    /// any failed append.
    func preallocateIfShort() throws(StoreError) {
        try appendLock.withLock { () throws(StoreError) in
            guard !preallocated else { return }
            do throws(FileSystemError) {
                try fs.preallocate(fd, length: segmentBytes)
                preallocated = true
            } catch {
                if error.isOutOfSpace { return }
                throw StoreError.io(error, while: "reserving the full size of WAL segment \(currentPath)")
            }
        }
    }

    /// Closes the current segment and starts the next one, whose first record will be
    /// `firstLSN`. Under `appendLock`.
    private func rotate(firstLSN: UInt64, space: WALSegmentSpace) throws(StoreError) {
        let next = segmentNumber + 1
        let created: (fd: FileDescriptor, preallocated: Bool)
        do {
            created = try Self.createSegment(
                fs: fs, directory: directory, storeID: storeID, number: next, firstLSN: firstLSN,
                segmentBytes: Int(segmentBytes), space: space)
        } catch {
            throw space == .full && error.code == .outOfSpace ? noRoomForSegment(error) : error
        }
        try fdLock.withLock { () throws(StoreError) in
            // Synced under every policy, `never` included: the new segment's header is
            // durable, so an unsynced tail here would leave a gap before it after a power cut.
            let (target, durable) = countersLock.withLock { (writtenLSN, durableLSNValue) }
            if target != durable {
                do throws(FileSystemError) { try fs.sync(fd) } catch {
                    fs.close(created.fd)
                    throw StoreError.io(error, while: "syncing WAL segment \(currentPath) before rotation")
                }
                countersLock.withLock {
                    syncCountValue += 1
                    durableLSNValue = target
                }
            }
            fs.close(fd)
            fd = created.fd
            segmentNumber = next
            countersLock.withLock {
                segmentStarts.append((next, firstLSN))
                rotationCount += 1
            }
        }
        offset = Int64(WALFormat.segmentHeaderBytes)
        preallocated = created.preallocated
        rotationFailedForSpace = false
    }

    /// The error of a rotation the disk had no room for, saying how to free the WAL:
    /// `compact` checkpoints what its segments hold and removes them.
    private func noRoomForSegment(_ error: StoreError) -> StoreError {
        let dataDirectory = parentDirectory(of: directory)
        return StoreError(
            .outOfSpace,
            "\(error.message) Or free the WAL's space: `kdelta-edge compact --data-dir \(dataDirectory)` moves the versions its segments hold into block files and removes those segments, and writing resumes.",
            file: error.file, cause: error.cause)
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
        // The last live segment is the current one (a rotation lists it as it switches).
        let doomed = countersLock.withLock { segmentStarts.dropLast().filter { $0.number < number } }
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
