#if canImport(Glibc)
import Glibc
#endif
import KDeltaModel
import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

/// The Nth write, fsync, rename, truncation, preallocation, creation or removal fails with
/// EIO or ENOSPC: the error reaches the caller of `open`/`put`/`putBatch` with the right
/// code, nothing acknowledged before is lost, the store reopens consistent on a healthy
/// disk, and after a failed fsync it refuses writes until reopened.
@Suite struct FaultInjectionTests {
    static var options: StoreOptions {
        var o = StoreOptions()
        o.walSegmentBytes = 64 * 1024
        o.fsync = .always
        return o
    }

    /// 40 batches of 1 to 150 readings: two segment rotations at 64 KiB.
    static func workload(seed: UInt64) -> [[Reading]] {
        var g = RandomReadings(seed: seed)
        let keys = RandomReadings.keys(6, prefix: "fault")
        return (0..<40).map { _ in
            (0..<(1 + g.next(150))).map { _ in Reading(key: keys[g.next(keys.count)], value: g.value(), sourceTimeMs: g.chance(50) ? 1_700_000_000_000 + Int64(g.next(1_000_000)) : nil) }
        }
    }

    static func expectedCode(_ errno: Int32) -> StoreError.Code {
        errno == ENOSPC ? .outOfSpace : .io
    }

    static func errnoName(_ errno: Int32) -> String { errno == ENOSPC ? "ENOSPC" : "EIO" }

    struct Outcome {
        var acked = AcknowledgedWrites()
        var openError: StoreError? = nil
        /// Per batch: nil when acknowledged, else the error.
        var errors: [(batch: Int, error: StoreError)] = []
        var poisoned = false
        var failedBatches: [[Reading]] = []
    }

    /// Opens the store through `fs`, runs the workload, closes.
    static func run(_ dir: String, fs: any FileSystem, batches: [[Reading]], options: StoreOptions = Self.options) -> Outcome {
        var out = Outcome()
        let store: Store
        do { store = try TestStore.open(directory: dir, options: options, fileSystem: fs) } catch {
            out.openError = error
            return out
        }
        for (i, batch) in batches.enumerated() {
            do { out.acked.record(batch, try store.putBatch(batch)) } catch {
                out.errors.append((i, error))
                out.failedBatches.append(batch)
            }
        }
        out.poisoned = store.poisonedBy != nil
        do { try store.close() } catch { Issue.record("close after the workload failed: \(error)") }
        return out
    }

    /// Reopens on the real file system: everything acknowledged is there, the history is
    /// intact, and the store takes writes. Returns the number of versions found.
    @discardableResult
    static func expectHealthyReopen(_ dir: String, _ acked: AcknowledgedWrites, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) -> Int {
        do {
            let store = try TestStore.open(directory: dir, options: options)
            let versions = try acked.expectPresent(in: store, context, sourceLocation: sourceLocation).count
            #expect(store.verify().isIntact, "\(context): verify found broken links", sourceLocation: sourceLocation)
            try store.put(try Key("fault/after"), .int(1))
            try store.close()
            let again = try TestStore.open(directory: dir, options: options)
            #expect(again.versionCount(try Key("fault/after")) == 1, sourceLocation: sourceLocation)
            try again.close()
            return versions
        } catch {
            Issue.record("\(context): reopening on a healthy disk failed: \(error)", sourceLocation: sourceLocation)
            return -1
        }
    }

    @Test(arguments: [
        FaultInjectingFileSystem.Operation.write, .sync, .syncDirectory, .rename, .preallocate, .create,
    ])
    func failingTheNthCallReachesTheCallerAndLosesNothingAcknowledged(operation: FaultInjectingFileSystem.Operation) throws {
        let batches = Self.workload(seed: 11)
        // A healthy run says how many calls of this kind the workload makes.
        let total: Int
        do {
            let dir = TemporaryDirectory.memoryBacked()
            defer { dir.remove() }
            let counter = FaultInjectingFileSystem(PosixFileSystem())
            let healthy = Self.run(dir.path, fs: counter, batches: batches)
            #expect(healthy.errors.isEmpty && healthy.openError == nil)
            #expect(WALSurgery.segments(dir.path).count >= 3, "the workload should rotate segments twice")
            total = counter.calls(operation)
        }
        #expect(total > 0, "the workload makes no \(operation) call")
        var cases = 0
        for n in 1...max(total, 1) {
            let errnos: [Int32] = total <= 8 ? [EIO, ENOSPC] : [n % 2 == 1 ? EIO : ENOSPC]
            for e in errnos {
                cases += 1
                let context = "\(operation) #\(n) failing with \(Self.errnoName(e))"
                let dir = TemporaryDirectory.memoryBacked()
                defer { dir.remove() }
                let fs = FaultInjectingFileSystem(PosixFileSystem())
                fs.arm(operation, .exactly(n), errno: e)
                let out = Self.run(dir.path, fs: fs, batches: batches)
                #expect(fs.failures(operation) == 1, "\(context): the fault was hit \(fs.failures(operation)) times")
                #expect(fs.strayCloses.isEmpty, "\(context): descriptors \(fs.strayCloses) closed twice")
                #expect(fs.openPaths.isEmpty, "\(context): still open after close: \(fs.openPaths)")

                var commitSyncFailed = false
                if let error = out.openError {
                    #expect(error.code == Self.expectedCode(e), "\(context): open threw \(error.code): \(error.message)")
                    #expect(error.message.contains(Self.errnoName(e)), "\(context): \(error.message)")
                } else {
                    let first = try #require(out.errors.first, "\(context): no put failed")
                    #expect(first.error.code == Self.expectedCode(e), "\(context): put threw \(first.error.code): \(first.error.message)")
                    #expect(first.error.message.contains(Self.errnoName(e)), "\(context): \(first.error.message)")
                    commitSyncFailed = operation == .sync && first.error.message.contains("syncing WAL segment")
                    if commitSyncFailed { #expect(out.poisoned, "\(context): a failed commit fsync did not poison the store") }
                    if out.poisoned {
                        // Every put after the failure is refused as poisoned.
                        #expect(out.errors.count == batches.count - first.batch, "\(context): writes went on after poisoning")
                        #expect(out.errors.dropFirst().allSatisfy { $0.error.code == .poisoned }, "\(context)")
                    } else {
                        // A transient failure costs that one batch only.
                        #expect(out.errors.count == 1, "\(context): \(out.errors.map { "\($0.batch): \($0.error.message)" }.prefix(3))")
                    }
                }
                let found = Self.expectHealthyReopen(dir.path, out.acked, context)
                // What was not acknowledged is absent, except the batch whose fsync failed:
                // it reached the page cache and may be there, whole.
                let extra = found - out.acked.count
                let inFlight = out.failedBatches.first?.count ?? 0
                #expect(extra == 0 || (commitSyncFailed && extra == inFlight), "\(context): \(extra) versions beyond the acknowledged ones")
            }
        }
        #expect(cases >= 2)
    }

    @Test func failedCommitFsyncPoisonsTheStoreUntilReopened() throws {
        let dir = TemporaryDirectory.memoryBacked()
        defer { dir.remove() }
        let fs = FaultInjectingFileSystem(PosixFileSystem())
        let key = try Key("fault/poison")
        var acked = AcknowledgedWrites()
        do {
            let store = try TestStore.open(directory: dir.path, options: Self.options, fileSystem: fs)
            for i in 0..<3 { acked.record([Reading(key: key, value: .int(Int64(i)))], try store.put(key, .int(Int64(i)))) }
            fs.arm(.sync, .exactly(1), errno: EIO)
            do {
                try store.put(key, .int(100))
                Issue.record("the put whose fsync failed was acknowledged")
            } catch {
                #expect(error.code == .io)
                #expect(error.cause?.errno == EIO)
            }
            #expect(store.poisonedBy?.code == .poisoned)
            #expect(store.stats().poisoned != nil)
            // The fault is gone, but the store still refuses: the kernel may have dropped the
            // pages of the failed fsync.
            for _ in 0..<3 {
                do {
                    try store.put(key, .int(200))
                    Issue.record("a poisoned store accepted a write")
                } catch {
                    #expect(error.code == .poisoned)
                    #expect(error.message.contains("reopen"))
                }
            }
            #expect(fs.failures(.sync) == 1)
            try store.close()
        }
        let store = try TestStore.open(directory: dir.path, options: Self.options, fileSystem: fs)
        defer { try? store.close() }
        try acked.expectPresent(in: store, "reopened")
        #expect(store.poisonedBy == nil)
        try store.put(key, .int(300))
        #expect(store.latest(key)?.value == .int(300))
        #expect(store.verify().isIntact)
    }

    @Test func failedFsyncOfTheIntervalFlusherPoisonsTheStore() throws {
        let dir = TemporaryDirectory.memoryBacked()
        defer { dir.remove() }
        let fs = FaultInjectingFileSystem(PosixFileSystem())
        var options = Self.options
        options.fsync = .interval(ms: 2)
        let key = try Key("fault/interval")
        let store = try TestStore.open(directory: dir.path, options: options, fileSystem: fs)
        fs.arm(.sync, .exactly(1), errno: EIO)
        try store.put(key, .int(1))
        var poisoned = false
        for _ in 0..<10_000 where !poisoned {
            poisoned = store.poisonedBy != nil
            if !poisoned { sleepMs(1) }
        }
        #expect(poisoned)
        #expect(throws: StoreError.self) { try store.put(key, .int(2)) }
        try store.close()
        let reopened = try TestStore.open(directory: dir.path, options: options)
        defer { try? reopened.close() }
        // The acknowledged write reached the page cache: a process that lives on keeps it.
        #expect(reopened.latest(key)?.value == .int(1))
        try reopened.put(key, .int(3))
    }

    @Test func diskFullOnEveryWriteRefusesWritesUntilSpaceReturns() throws {
        let dir = TemporaryDirectory.memoryBacked()
        defer { dir.remove() }
        let fs = FaultInjectingFileSystem(PosixFileSystem())
        let key = try Key("fault/full")
        var acked = AcknowledgedWrites()
        let store = try TestStore.open(directory: dir.path, options: Self.options, fileSystem: fs)
        acked.record([Reading(key: key, value: .int(0))], try store.put(key, .int(0)))
        fs.arm(.write, .from(1), errno: ENOSPC, partialWriteBytes: 10)
        for i in 1...5 {
            do {
                try store.put(key, .int(Int64(i)))
                Issue.record("a write succeeded on a full disk")
            } catch {
                #expect(error.code == .outOfSpace)
                #expect(error.message.contains("disk is full"))
            }
        }
        #expect(store.poisonedBy == nil)
        fs.disarmAll()
        for i in 6...8 { acked.record([Reading(key: key, value: .int(Int64(i)))], try store.put(key, .int(Int64(i)))) }
        try store.close()
        let reopened = try TestStore.open(directory: dir.path, options: Self.options)
        defer { try? reopened.close() }
        try acked.expectPresent(in: reopened, "reopened")
        #expect(reopened.recovery.tornTail == nil)
        #expect(reopened.versionCount(key) == 4)
    }

    @Test func partiallyWrittenRecordIsTruncatedAwayAfterAWriteError() throws {
        let dir = TemporaryDirectory.memoryBacked()
        defer { dir.remove() }
        let fs = FaultInjectingFileSystem(PosixFileSystem())
        let key = try Key("fault/partial")
        var acked = AcknowledgedWrites()
        let store = try TestStore.open(directory: dir.path, options: Self.options, fileSystem: fs)
        acked.record([Reading(key: key, value: .int(0))], try store.put(key, .int(0)))
        fs.arm(.write, .exactly(1), errno: EIO, partialWriteBytes: 25)
        #expect(throws: StoreError.self) { try store.putBatch((0..<10).map { Reading(key: key, value: .int(Int64(100 + $0))) }) }
        #expect(fs.calls(.truncate) == 1)
        #expect(store.poisonedBy == nil)
        acked.record([Reading(key: key, value: .int(1))], try store.put(key, .int(1)))
        #expect(store.latest(key)?.seq == 2)
        try store.close()
        let reopened = try TestStore.open(directory: dir.path, options: Self.options)
        defer { try? reopened.close() }
        #expect(reopened.recovery.tornTail == nil)
        try acked.expectPresent(in: reopened, "reopened")
        #expect(reopened.versionCount(key) == 2)
    }

    @Test func writeErrorWhoseUndoAlsoFailsPoisonsAndRecoveryCutsThePartialRecord() throws {
        let dir = TemporaryDirectory.memoryBacked()
        defer { dir.remove() }
        let fs = FaultInjectingFileSystem(PosixFileSystem())
        let key = try Key("fault/damaged")
        var acked = AcknowledgedWrites()
        let store = try TestStore.open(directory: dir.path, options: Self.options, fileSystem: fs)
        for i in 0..<4 { acked.record([Reading(key: key, value: .int(Int64(i)))], try store.put(key, .int(Int64(i)))) }
        fs.arm(.write, .exactly(1), errno: EIO, partialWriteBytes: 30)
        fs.arm(.truncate, .exactly(1), errno: EIO)
        do {
            try store.putBatch((0..<10).map { Reading(key: key, value: .int(Int64(100 + $0))) })
            Issue.record("the failed write was acknowledged")
        } catch {
            #expect(error.code == .io)
        }
        #expect(store.poisonedBy != nil)
        do {
            try store.put(key, .int(5))
            Issue.record("a damaged WAL accepted a write")
        } catch {
            #expect(error.code == .poisoned)
        }
        try store.close()
        let reopened = try TestStore.open(directory: dir.path, options: Self.options)
        defer { try? reopened.close() }
        let torn = try #require(reopened.recovery.tornTail)
        #expect(torn.file.hasSuffix("00000000000000000001.wal"))
        try acked.expectPresent(in: reopened, "reopened")
        #expect(reopened.versionCount(key) == 4)
        #expect(reopened.verify().isIntact)
        try reopened.put(key, .int(6))
    }

    @Test func failedCutOfATornTailFailsOpenAndALaterOpenCutsIt() throws {
        let dir = TemporaryDirectory.memoryBacked()
        defer { dir.remove() }
        let acked = try RecoveryTests.writeRecords(dir.path, count: 5, options: Self.options)
        let segment = try #require(WALSurgery.segments(dir.path).last)
        let end = try #require(WALSurgery.frames(WALSurgery.read(segment)).last).end
        WALSurgery.patch(segment, at: end, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15])
        for operation in [FaultInjectingFileSystem.Operation.truncate, .sync] {
            let fs = FaultInjectingFileSystem(PosixFileSystem())
            fs.arm(operation, .exactly(1), errno: EIO)
            do {
                let store = try TestStore.open(directory: dir.path, options: Self.options, fileSystem: fs)
                try store.close()
                Issue.record("open succeeded although cutting the torn tail failed (\(operation))")
            } catch {
                #expect(error.code == .io)
                #expect(error.message.contains("torn"))
            }
        }
        Self.expectHealthyReopen(dir.path, acked, "after the failed cuts")
    }

    @Test func failedRemovalOfAnInterruptedSegmentFailsOpenAndALaterOpenRemovesIt() throws {
        let dir = TemporaryDirectory.memoryBacked()
        defer { dir.remove() }
        let acked = try RecoveryTests.writeRecords(dir.path, count: 3, options: Self.options)
        let next = dir.path + "/wal/00000000000000000002.wal"
        let fd = creat(next, 0o644)
        precondition(fd >= 0, "cannot create \(next)")
        close(fd)
        let fs = FaultInjectingFileSystem(PosixFileSystem())
        fs.arm(.remove, .exactly(1), errno: EIO)
        do {
            _ = try TestStore.open(directory: dir.path, options: Self.options, fileSystem: fs)
            Issue.record("open succeeded although removing the incomplete segment failed")
        } catch {
            #expect(error.code == .io)
            #expect(error.message.contains("incomplete"))
        }
        Self.expectHealthyReopen(dir.path, acked, "after the failed removal")
    }

    @Test(arguments: [FaultInjectingFileSystem.Operation.open, .read, .list, .createDirectory])
    func failedReadDuringRecoveryReachesTheCallerOfOpen(operation: FaultInjectingFileSystem.Operation) throws {
        let dir = TemporaryDirectory.memoryBacked()
        defer { dir.remove() }
        var options = Self.options
        let acked: AcknowledgedWrites
        do {
            let store = try TestStore.open(directory: dir.path, options: options)
            acked = try StoreRoundTripTests.writeRandom(store, seed: 5, batches: 80, keys: RandomReadings.keys(4), batchMax: 100)
            try store.close()
        }
        let counter = FaultInjectingFileSystem(PosixFileSystem())
        try TestStore.open(directory: dir.path, options: options, fileSystem: counter).close()
        let total = counter.calls(operation)
        #expect(total > 0)
        for readOnly in [false, true] {
            options.readOnly = readOnly
            for n in 1...total {
                let fs = FaultInjectingFileSystem(PosixFileSystem())
                fs.arm(operation, .exactly(n), errno: n % 2 == 0 ? ENOSPC : EIO)
                do {
                    let store = try TestStore.open(directory: dir.path, options: options, fileSystem: fs)
                    // Some calls (a stat of a segment) are not needed by a read-only open.
                    if fs.failures(operation) > 0 { Issue.record("\(operation) #\(n) failed yet open succeeded") }
                    try store.close()
                } catch {
                    #expect(error.code == .io || error.code == .outOfSpace, "\(operation) #\(n): \(error.code) \(error.message)")
                }
            }
        }
        Self.expectHealthyReopen(dir.path, acked, "after failed opens")
    }

    @Test func failedSegmentRotationLeavesTheStoreWritable() throws {
        let dir = TemporaryDirectory.memoryBacked()
        defer { dir.remove() }
        let fs = FaultInjectingFileSystem(PosixFileSystem())
        // No background cut: one the full disk triggers could replace the segment instead
        // of the rotation this test retries (`aFullDiskTriggersACutThatFreesTheWAL`).
        var options = Self.options
        options.hotMemoryBudgetBytes = 0
        let store = try TestStore.open(directory: dir.path, options: options, fileSystem: fs)
        let key = try Key("fault/rotate")
        var acked = AcknowledgedWrites()
        fs.arm(.preallocate, .exactly(1), errno: ENOSPC)
        var failures = 0
        for i in 0..<60 {
            let batch = (0..<50).map { Reading(key: key, value: .int(Int64(i * 100 + $0))) }
            do { acked.record(batch, try store.putBatch(batch)) } catch {
                #expect(error.code == .outOfSpace)
                failures += 1
            }
        }
        #expect(failures == 1)
        #expect(store.poisonedBy == nil)
        #expect(store.stats().walSegments >= 2)
        try store.close()
        Self.expectHealthyReopen(dir.path, acked, "after a failed rotation")
    }

    @Test func halfMadeSegmentThatCouldNotBeRemovedIsReusedAfterReopen() throws {
        let dir = TemporaryDirectory.memoryBacked()
        defer { dir.remove() }
        let fs = FaultInjectingFileSystem(PosixFileSystem())
        let store = try TestStore.open(directory: dir.path, options: Self.options, fileSystem: fs)
        let key = try Key("fault/leftover")
        var acked = AcknowledgedWrites()
        // Rotation: the new segment's directory sync fails, and so does its clean-up.
        fs.arm(.syncDirectory, .exactly(1), errno: EIO)
        fs.arm(.remove, .from(1), errno: EIO)
        var errors: [StoreError] = []
        for i in 0..<40 {
            let batch = (0..<50).map { Reading(key: key, value: .int(Int64(i * 100 + $0))) }
            do { acked.record(batch, try store.putBatch(batch)) } catch { errors.append(error) }
        }
        #expect(!errors.isEmpty)
        #expect(errors.first?.code == .io)
        #expect(store.poisonedBy == nil)
        try store.close()
        fs.disarmAll()
        Self.expectHealthyReopen(dir.path, acked, "after the leftover segment")
    }

    /// A cut or merge that fails after its block file was written closes that file once:
    /// a second close would close whatever file another thread had opened under the same
    /// number meanwhile (a WAL segment, another store's block). The failing steps: the
    /// block's fsync, the fsync of its folder, and the WAL sync before the manifest.
    @Test(arguments: [
        (FaultInjectingFileSystem.Operation.sync, 1), (.syncDirectory, 1), (.sync, 2),
    ])
    func aFailedCutOrMergeClosesItsBlockFileOnce(operation: FaultInjectingFileSystem.Operation, nth: Int) throws {
        let dir = TemporaryDirectory.memoryBacked()
        defer { dir.remove() }
        let fs = FaultInjectingFileSystem(PosixFileSystem())
        var acked = AcknowledgedWrites()
        let key = try Key("fault/cut")
        let context = "\(operation) #\(nth)"
        do {
            let store = try TestStore.open(directory: dir.path, options: Self.options, fileSystem: fs)
            let batch = (0..<20).map { Reading(key: key, value: .int(Int64($0))) }
            acked.record(batch, try store.putBatch(batch))
            fs.arm(operation, .exactly(nth), errno: EIO)
            #expect(throws: StoreError.self, "\(context): the cut") { try store.cut() }
            #expect(fs.failures(operation) == 1, "\(context)")
            try? store.close()
        }
        #expect(fs.strayCloses.isEmpty, "\(context): the cut closed descriptors \(fs.strayCloses) twice")
        fs.disarmAll()
        // A merge: enough blocks for one, then the same fault while it writes its block.
        do {
            let store = try TestStore.open(directory: dir.path, options: Self.options, fileSystem: fs)
            for round in 0..<StorageLimits.compactWarmBlocksMin {
                let batch = (0..<20).map { Reading(key: key, value: .int(Int64(100 * (round + 1) + $0))) }
                acked.record(batch, try store.putBatch(batch))
                _ = try store.cut()
            }
            let failedBefore = fs.failures(operation)
            fs.arm(operation, .exactly(nth), errno: EIO)
            #expect(throws: StoreError.self, "\(context): the merge") { try store.compactBlocks() }
            #expect(fs.failures(operation) == failedBefore + 1, "\(context): the merge")
            try? store.close()
        }
        #expect(fs.strayCloses.isEmpty, "\(context): the merge closed descriptors \(fs.strayCloses) twice")
        fs.disarmAll()
        Self.expectHealthyReopen(dir.path, acked, context)
    }

    /// A close whose final WAL sync fails reports it and still releases the segment and
    /// the directory: nothing stays open, and the next open recovers what was synced.
    @Test func aCloseWhoseSyncFailsStillClosesTheSegment() throws {
        let dir = TemporaryDirectory.memoryBacked()
        defer { dir.remove() }
        let fs = FaultInjectingFileSystem(PosixFileSystem())
        var options = Self.options
        options.fsync = .never
        let store = try TestStore.open(directory: dir.path, options: options, fileSystem: fs)
        try store.put(try Key("fault/close"), .int(1))
        fs.arm(.sync, .from(1), errno: EIO)
        #expect(throws: StoreError.self) { try store.close() }
        #expect(fs.openPaths.isEmpty, "still open after close: \(fs.openPaths)")
        #expect(fs.strayCloses.isEmpty)
        fs.disarmAll()
        let again = try TestStore.open(directory: dir.path, options: options, fileSystem: fs)
        try again.close()
    }
}
