import Foundation
import KDeltaModel
@testable import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

/// Issue 18: readers alongside a live writer once called its work in progress damage.
/// A read-only open that finds the directory's lock held reads up to the last complete
/// WAL record and leaves the one being written out, unreported; what a race with the
/// writer makes look damaged or missing is read again; only a store no writer holds is
/// judged.
@Suite struct ReadAlongsideWriterTests {
    static var readOnly: StoreOptions {
        var o = StoreOptions()
        o.readOnly = true
        return o
    }

    /// A store with a writer that holds it and has written `count` versions of `key`; the
    /// last segment and its last frame.
    static func liveWriter(_ dir: String, key: Key, count: Int) throws -> (Store, segment: String, last: WALSurgery.Frame) {
        let writer = try TestStore.open(directory: dir)
        for i in 0..<count { try writer.put(key, .int(Int64(i))) }
        let segment = try #require(WALSurgery.segments(dir).last)
        return (writer, segment, try #require(WALSurgery.frames(WALSurgery.read(segment)).last))
    }

    @Test func aRecordBeingWrittenIsNotReportedAsTornWhileItsWriterIsLive() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let key = try Key("live/torn")
        let (writer, segment, last) = try Self.liveWriter(dir.path, key: key, count: 5)
        // What a reader sees while the next record's `pwrite` is half done: its first half
        // over the preallocated zeros (a copy of the last record stands in for it).
        let bytes = WALSurgery.read(segment)
        WALSurgery.patch(segment, at: last.end, Array(bytes[last.offset..<(last.offset + 12 + last.length / 2)]))

        let reader = try Store.open(directory: dir.path, options: Self.readOnly)
        #expect(reader.recovery.writerWasLive)
        #expect(reader.recovery.tornTail == nil)
        #expect(reader.recovery.findings.isEmpty, "\(reader.recovery.findings)")
        #expect(reader.versionCount(key) == 5)
        #expect(reader.verify().isIntact)
        try reader.close()

        // With no writer, the same bytes are a crash's torn tail, and are reported.
        try writer.close()
        let judged = try Store.open(directory: dir.path, options: Self.readOnly)
        defer { try? judged.close() }
        #expect(!judged.recovery.writerWasLive)
        #expect(judged.recovery.tornTail?.offset == Int64(last.end))
    }

    @Test func aRecordBeingWrittenThatLooksOneBitFromWholeIsNotRefusedWhileItsWriterIsLive() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let key = try Key("live/one-bit")
        let (writer, segment, last) = try Self.liveWriter(dir.path, key: key, count: 5)
        // A record whose bytes not written yet hold a single set bit reads as a whole
        // record with one bit flipped: the next record, its last set bit still missing.
        var next = Array(WALSurgery.read(segment)[last.offset..<last.end])
        let i = try #require(next.lastIndex { $0 != 0 })
        next[i] &= next[i] - 1
        WALSurgery.patch(segment, at: last.end, next)

        let reader = try Store.open(directory: dir.path, options: Self.readOnly)
        #expect(reader.recovery.writerWasLive)
        #expect(reader.recovery.findings.isEmpty, "\(reader.recovery.findings)")
        #expect(reader.versionCount(key) == 5)
        try reader.close()

        // With no writer, it is judged: one flipped bit means damage, refused.
        try writer.close()
        let refusal = TestStore.refusal { _ = try Store.open(directory: dir.path, options: Self.readOnly) }
        #expect(refusal?.code == .corruptWAL, "\(String(describing: refusal))")
    }

    @Test func aBlockFileRemovedUnderAReaderByALiveWriterIsReadAgain() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let key = try Key("live/block")
        let writer = try TestStore.open(directory: dir.path)
        for i in 0..<10 { try writer.put(key, .int(Int64(i))) }
        _ = try writer.cut()
        try writer.put(key, .int(10))
        // The first block file the reader maps is gone (a merge removed it after the
        // reader read the manifest that named it); the next read finds the new manifest.
        let fs = FaultInjectingFileSystem(PosixFileSystem())
        fs.arm(.map, .exactly(1), errno: ENOENT)
        let reader = try Store.open(directory: dir.path, options: Self.readOnly, fileSystem: fs)
        #expect(fs.failures(.map) == 1)
        #expect(reader.versionCount(key) == 11)
        #expect(reader.recovery.findings.isEmpty, "\(reader.recovery.findings)")
        try reader.close()

        // With no writer, a missing file is not a race: thrown at once, not read again.
        try writer.close()
        fs.arm(.map, .exactly(1), errno: ENOENT)
        let maps = fs.calls(.map)
        #expect(TestStore.refusal { _ = try Store.open(directory: dir.path, options: Self.readOnly, fileSystem: fs) } != nil)
        #expect(fs.calls(.map) == maps + 1)
    }

    /// Read-only opens in a loop while a writer in this process rotates 64 KiB WAL
    /// segments and cuts, checkpoints and merges under a small hot-tier budget, so that
    /// segments, blocks and catalogs are removed and the manifest replaced while readers
    /// read them. No open may fail or report anything, and each must see a whole prefix of
    /// what was written, its hash chains intact. `KDELTA_READ_ALONGSIDE_OPENS` sets the
    /// count (default 200; 40 under `KDELTA_UNDER_QEMU`).
    @Test func readOnlyOpensAlongsideAWriterThatRotatesAndCheckpointsNeverReportDamage() throws {
        let env = ProcessInfo.processInfo.environment
        let opens = env["KDELTA_READ_ALONGSIDE_OPENS"].flatMap { Int($0) } ?? (env["KDELTA_UNDER_QEMU"] == nil ? 200 : 40)
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var options = StoreOptions()
        options.fsync = .never
        options.walSegmentBytes = StorageLimits.walSegmentBytesMin
        options.hotMemoryBudgetBytes = 256 * 1024
        let writer = try TestStore.open(directory: dir.path, options: options)
        let keys = try (0..<8).map { try Key("live/loop/k\($0)") }
        let stop = Locked(false)
        let written = Locked(0)
        let failure = Locked<String?>(nil)
        let thread = onThread(name: "kd-live-writer") {
            var n = 0
            while !stop.current {
                do {
                    try writer.putBatch((0..<100).map { i in Reading(key: keys[(n + i) % keys.count], value: .double(Double(n + i) / 4)) })
                } catch {
                    failure.withLock { $0 = "the writer failed: \(error)" }
                    return
                }
                n += 100
                written.withLock { $0 = n }
                // At most 20,000 readings a second: a 64 KiB segment fills about every 100 ms
                // and the hot tier is cut as often, while the store stays small enough for an
                // open to take milliseconds (an open slower than the writer's checkpoints
                // would find the segments its manifest names removed at every attempt).
                sleepMs(5)
            }
        }
        var lastSeen = 0
        var alongside = 0
        for i in 0..<opens {
            if failure.current != nil { break }
            let before = written.current
            do {
                let reader = try Store.open(directory: dir.path, options: Self.readOnly)
                if reader.recovery.writerWasLive { alongside += 1 }
                #expect(reader.recovery.findings.isEmpty, "open \(i): \(reader.recovery.findings)")
                let seen = keys.reduce(0) { $0 + reader.versionCount($1) }
                #expect(seen >= before && seen >= lastSeen, "open \(i) saw \(seen) versions; \(before) were written before it began")
                lastSeen = seen
                if i % 10 == 0 {
                    let report = reader.verify()
                    #expect(report.isIntact, "open \(i): \(report.brokenLinks) \(report.unreadable)")
                }
                try reader.close()
            } catch {
                Issue.record("open \(i) of \(opens), alongside a live writer: \(error.message)")
            }
        }
        stop.withLock { $0 = true }
        thread.join()
        // The loop raced what it is meant to race: segments rotated and removed, cuts.
        let stats = writer.stats()
        let lastSegment = WALSurgery.segments(dir.path).last.flatMap { UInt64(($0 as NSString).lastPathComponent.dropLast(4)) } ?? 0
        #expect(lastSegment >= 3 && stats.budgetCuts >= 2, "segment \(lastSegment), \(stats.budgetCuts) cuts")
        print("ReadAlongsideWriterTests: \(opens) opens beside \(written.current) readings written, WAL up to segment \(lastSegment), \(stats.budgetCuts) cuts, \(stats.compactions) compactions")
        try writer.close()
        #expect(failure.current == nil, "\(failure.current ?? "")")
        #expect(alongside == opens, "only \(alongside) of \(opens) opens saw the writer live")
        #expect(writer.recovery.findings.isEmpty)
        let last = try Store.open(directory: dir.path, options: Self.readOnly)
        defer { try? last.close() }
        #expect(keys.reduce(0) { $0 + last.versionCount($1) } == written.current)
        #expect(last.verify().isIntact)
    }
}
