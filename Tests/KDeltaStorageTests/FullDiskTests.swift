#if canImport(Glibc)
import Glibc
#endif
import KDeltaModel
import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

/// A disk with room for one WAL segment (issue 18): a rotation fails with ENOSPC, and a
/// checkpoint that covers the whole full segment replaces it by a fresh one, started with
/// its header only, and removes it, so writing resumes; the fresh segment gets its full
/// size once there is room. The full disk is `posix_fallocate` failing with ENOSPC; the CLI
/// test `FullDiskCLITests` does the same on a real 34 MiB tmpfs.
@Suite struct FullDiskTests {
    static let segmentBytes = 64 * 1024

    /// Small segments; no hot-tier budget, so no background cut unless a test wants one.
    static var options: StoreOptions {
        var o = StoreOptions()
        o.walSegmentBytes = segmentBytes
        o.fsync = .always
        o.hotMemoryBudgetBytes = 0
        return o
    }

    /// Batch `i`: 50 readings of one key, about 2.5 KiB of WAL.
    static func batch(_ i: Int) throws -> [Reading] {
        let key = try Key("full/k\(i % 3)")
        // Typed out: as one expression it took Swift 6.0.3's type checker 6.8 s.
        return (0..<50).map { (j: Int) -> Reading in
            let n = Int64(i * 100 + j)
            return Reading(key: key, value: .int(n), sourceTimeMs: 1_700_000_000_000 + n)
        }
    }

    /// Writes batches from `next` on until one fails; returns the failure and the next batch
    /// number. A full segment's rotation is the only call that can fail here.
    static func writeUntilRefused(_ store: Store, _ acked: inout AcknowledgedWrites, from next: inout Int) throws -> StoreError {
        for _ in 0..<200 {
            let b = try batch(next)
            do {
                acked.record(b, try store.putBatch(b))
                next += 1
            } catch {
                return error
            }
        }
        throw StoreError(.invalidArgument, "200 batches fitted: the WAL never needed a second segment")
    }

    /// Reopens on a healthy disk: every acknowledged reading, no torn tail, history intact.
    static func expectHealthyReopen(_ dir: String, _ acked: AcknowledgedWrites, _ context: String) throws {
        let store = try TestStore.open(directory: dir, options: Self.options)
        try acked.expectPresent(in: store, context)
        #expect(store.recovery.tornTail == nil, "\(context)")
        #expect(store.verify().isIntact, "\(context)")
        try store.putBatch(try Self.batch(1000))
        try store.close()
    }

    @Test func compactOnADiskWithoutRoomForASecondSegmentFreesTheWALAndWritingResumes() throws {
        let dir = TemporaryDirectory.memoryBacked()
        defer { dir.remove() }
        let fs = FaultInjectingFileSystem(PosixFileSystem())
        let store = try TestStore.open(directory: dir.path, options: Self.options, fileSystem: fs)
        var acked = AcknowledgedWrites()
        var next = 0
        fs.arm(.preallocate, .from(1), errno: ENOSPC)  // no room for another segment, ever
        let refusal = try Self.writeUntilRefused(store, &acked, from: &next)
        #expect(refusal.code == .outOfSpace)
        #expect(refusal.message.contains("kdelta-edge compact --data-dir \(dir.path)"), "\(refusal.message)")
        #expect(throws: StoreError.self, "the segment is full: the next batch is refused too") { try store.putBatch(try Self.batch(next)) }

        let cut = try store.cut()
        #expect(cut.versions == acked.count)
        #expect(cut.walSegmentsRemoved == 1, "the full, checkpointed segment is removed")
        #expect(cut.walSwitchError == nil)
        var stats = store.stats()
        #expect(stats.walSegments == 1)
        #expect(stats.walBytes == Int64(WALFormat.segmentHeaderBytes), "the fresh segment holds its header only: the disk has no room")

        for _ in 0..<5 {
            let b = try Self.batch(next)
            acked.record(b, try store.putBatch(b))
            next += 1
        }
        // A batch the full disk refuses in the middle of its record leaves nothing behind.
        let before = store.stats().walBytes
        fs.arm(.write, .exactly(1), errno: ENOSPC, partialWriteBytes: 100)
        #expect(throws: StoreError.self) { try store.putBatch(try Self.batch(next)) }
        #expect(store.stats().walBytes == before, "the partial record is cut back off the file")
        #expect(store.poisonedBy == nil)
        fs.disarm(.write)
        let b = try Self.batch(next)
        acked.record(b, try store.putBatch(b))

        // Room again: the next checkpoint gives the segment its full size.
        fs.disarmAll()
        try store.cut()
        stats = store.stats()
        #expect(stats.walSegments == 1)
        #expect(stats.walBytes == Int64(Self.segmentBytes))
        try store.close()
        try Self.expectHealthyReopen(dir.path, acked, "after the disk was full")
    }

    /// A store whose checkpoint already covers its whole, full segment (a `compact` of an
    /// older release, or one that could not create the fresh segment): a cut with nothing
    /// in memory replaces the segment then.
    @Test func aCutWithNothingInMemoryFreesASegmentTheCheckpointAlreadyCovers() throws {
        let dir = TemporaryDirectory.memoryBacked()
        defer { dir.remove() }
        let fs = FaultInjectingFileSystem(PosixFileSystem())
        let store = try TestStore.open(directory: dir.path, options: Self.options, fileSystem: fs)
        var acked = AcknowledgedWrites()
        var next = 0
        while true {  // more than half the segment: a fresh one is due once all is checkpointed
            let b = try Self.batch(next)
            acked.record(b, try store.putBatch(b))
            next += 1
            let segment = try #require(WALSurgery.segments(dir.path).first)
            if try #require(WALSurgery.frames(WALSurgery.read(segment)).last).end > Self.segmentBytes / 2 { break }
        }
        #expect(store.stats().walSegments == 1)
        fs.arm(.create, .exactly(2), errno: ENOSPC)  // the block file, then the fresh segment
        let first = try store.cut()
        fs.disarmAll()
        #expect(first.blockNumber != nil)
        #expect(first.walSegmentsRemoved == 0)
        #expect(first.walSwitchError?.contains("stays in use") == true, "\(first.walSwitchError ?? "no error")")
        #expect(store.stats().maintenanceFailures == 1)

        let second = try store.cut()
        #expect(second.blockNumber == nil, "nothing was left in memory")
        #expect(second.walSegmentsRemoved == 1)
        #expect(second.walSwitchError == nil)
        #expect(WALSurgery.segments(dir.path).map { String($0.suffix(24)) } == [WALFormat.segmentFileName(2)])
        let b = try Self.batch(next)
        acked.record(b, try store.putBatch(b))
        try store.close()
        try Self.expectHealthyReopen(dir.path, acked, "after the empty cut")
    }

    /// Without a `compact` by hand: the refused rotation starts the background cut, whose
    /// checkpoint replaces the full segment, and a batch retried a little later is stored.
    @Test func aFullDiskTriggersACutThatFreesTheWAL() throws {
        let dir = TemporaryDirectory.memoryBacked()
        defer { dir.remove() }
        let fs = FaultInjectingFileSystem(PosixFileSystem())
        var options = Self.options
        options.hotMemoryBudgetBytes = StorageLimits.hotMemoryBudgetBytesDefault
        let store = try TestStore.open(directory: dir.path, options: options, fileSystem: fs)
        var acked = AcknowledgedWrites()
        var next = 0
        fs.arm(.preallocate, .from(1), errno: ENOSPC)
        #expect(try Self.writeUntilRefused(store, &acked, from: &next).code == .outOfSpace)
        var stored = false
        for _ in 0..<500 where !stored {  // at most 10 s
            let b = try Self.batch(next)
            do {
                acked.record(b, try store.putBatch(b))
                stored = true
            } catch {
                sleepMs(20)
            }
        }
        #expect(stored, "no batch was stored within 10 s of the full disk")
        #expect(store.stats().walSegments == 1)
        #expect(store.stats().cuts >= 1)
        try store.close()
        fs.disarmAll()
        try Self.expectHealthyReopen(dir.path, acked, "after the background cut")
    }
}
