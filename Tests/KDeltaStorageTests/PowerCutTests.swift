import Foundation
import KDeltaModel
import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

/// Seeded random workloads on `PowerCutFileSystem`, the power cut at random points (during
/// segment rotation too), the last page torn: the store that opens on what survived holds
/// every acknowledged reading under `fsync=always`, and a gap-free prefix of them under
/// `interval` and `never`; its history is intact and it takes writes again.
@Suite struct PowerCutTests {
    static func options(_ fsync: FsyncPolicy) -> StoreOptions {
        var o = StoreOptions()
        o.walSegmentBytes = 64 * 1024
        o.fsync = fsync
        return o
    }

    struct Run {
        var acked = AcknowledgedWrites()
        /// Batches that failed (the power went during them, or after).
        var failed: [[Reading]] = []
        /// The store's durable LSN once writing stopped.
        var durableLSN: UInt64 = 0
        var opened = false
    }

    /// Random batches of 1 to `batchMax` readings over a few keys, every kind of value.
    static func batches(seed: UInt64, count: Int, batchMax: Int = 40) -> [[Reading]] {
        var g = RandomReadings(seed: seed)
        let keys = RandomReadings.keys(8, prefix: "cut")
        return (0..<count).map { _ in
            (0..<(1 + g.next(batchMax))).map { _ in
                Reading(key: keys[g.next(keys.count)], value: g.value(), sourceTimeMs: g.chance(40) ? Int64(g.next(1 << 40)) : nil)
            }
        }
    }

    /// Opens a store on `fs` and runs `producers` threads, each writing its batches until
    /// the first error (after a cut every call fails).
    static func run(_ fs: PowerCutFileSystem, _ dir: String, _ options: StoreOptions, producers: Int, work: [[[Reading]]]) -> Run {
        let store: Store
        do { store = try TestStore.open(directory: dir, options: options, fileSystem: fs) } catch {
            return Run()
        }
        let result = Locked(Run())
        result.withLock { $0.opened = true }
        onThreads(producers, name: "kd-cut") { p in
            for batch in work[p] {
                do {
                    let receipt = try store.putBatch(batch)
                    result.withLock { $0.acked.record(batch, receipt) }
                } catch {
                    result.withLock { $0.failed.append(batch) }
                    return
                }
            }
        }
        var out = result.current
        out.durableLSN = store.durableLSN
        do { try store.close() } catch {
            // Expected once the power is off: close syncs.
        }
        return out
    }

    /// Opens on what survived and checks it. `complete`: every acknowledged reading must be
    /// there (fsync=always); otherwise a prefix of them through at least `durableLSN`.
    static func expectSurvivorConsistent(_ survivor: PowerCutFileSystem, _ dir: String, _ options: StoreOptions, _ run: Run,
                                         complete: Bool, singleProducer: Bool, _ context: String) throws {
        let store: Store
        do { store = try TestStore.open(directory: dir, options: options, fileSystem: survivor) } catch {
            Issue.record("\(context): the store does not open after the power cut: \(error)")
            return
        }
        let versions: [UInt64: Version]
        if complete {
            versions = try run.acked.expectPresent(in: store, context)
        } else {
            versions = try AcknowledgedWrites.versionsByLSN(store)
            let lsns = versions.keys.sorted()
            #expect(lsns.isEmpty || (lsns.first == 1 && lsns.last == UInt64(lsns.count)), "\(context): LSNs have a hole")
            #expect(UInt64(lsns.count) >= run.durableLSN, "\(context): \(lsns.count) versions survived, \(run.durableLSN) were synced")
            var mismatches = 0
            for lsn in lsns where lsn <= run.acked.maxLSN {
                guard let want = run.acked.byLSN[lsn] else { continue }
                let v = versions[lsn]!
                if v.key != want.key || v.value != want.value || v.sourceTimeMs != want.sourceTimeMs { mismatches += 1 }
            }
            #expect(mismatches == 0, "\(context): \(mismatches) survivors differ from what was acknowledged at their LSN")
        }
        if singleProducer {
            // Batches are atomic: beyond the acknowledged ones at most the batch in flight
            // survived, whole, in order.
            let extra = versions.count - (complete ? run.acked.count : min(run.acked.count, versions.count))
            if extra > 0 {
                let inFlight = run.failed.first ?? []
                #expect(extra == inFlight.count, "\(context): \(extra) versions beyond the acknowledged ones, the batch in flight had \(inFlight.count)")
                let first = run.acked.maxLSN + 1
                for (i, r) in inFlight.enumerated() where extra == inFlight.count {
                    let v = versions[first + UInt64(i)]
                    #expect(v?.key == r.key && v?.value == r.value, "\(context): in-flight reading \(i) differs")
                }
            }
        }
        #expect(store.verify().isIntact, "\(context): verify found broken links")
        // Writable again, and what it writes survives a clean close.
        do {
            let key = try Key("cut/after")
            try store.put(key, .int(42))
            try store.close()
            let again = try TestStore.open(directory: dir, options: options, fileSystem: survivor)
            #expect(again.latest(key)?.value == .int(42), "\(context)")
            #expect(again.recovery.tornTail == nil, "\(context)")
            try again.close()
        } catch {
            Issue.record("\(context): writing after the cut failed: \(error)")
        }
    }

    /// One iteration: fresh disk, cut scheduled before mutation `cutAt` (nil: after the
    /// workload), check what survived.
    static func iteration(dir: String, policy: FsyncPolicy, seed: UInt64, producers: Int, work: [[[Reading]]], cutAt: Int?,
                          tear: Bool, writeback: PowerCutFileSystem.Writeback) throws {
        let context = "seed \(seed) \(policy) producers \(producers) cut before mutation \(cutAt.map(String.init) ?? "end") tear \(tear) \(writeback)"
        let options = Self.options(policy)
        let fs = PowerCutFileSystem(directories: [dir])
        if let cutAt { fs.schedulePowerCut(beforeMutation: cutAt, tearLastPage: tear, seed: seed, writeback: writeback) }
        let run = Self.run(fs, dir, options, producers: producers, work: work)
        let survivor = fs.survivor ?? fs.powerCut(tearLastPage: tear, seed: seed, writeback: writeback)
        try Self.expectSurvivorConsistent(survivor, dir, options, run, complete: policy == .always, singleProducer: producers == 1, context)
    }

    /// Mutations a workload makes without a cut, to place cuts inside it.
    static func mutations(dir: String, policy: FsyncPolicy, producers: Int, work: [[[Reading]]]) -> [PowerCutFileSystem.Mutation] {
        let fs = PowerCutFileSystem(directories: [dir])
        _ = Self.run(fs, dir, Self.options(policy), producers: producers, work: work)
        return fs.mutations
    }

    @Test func acknowledgedWritesSurviveRandomPowerCutsUnderFsyncAlways() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var rng = SplitMix64(seed: 2024)
        for i in 0..<120 {
            let seed = UInt64(1000 + i)
            let work = [Self.batches(seed: seed, count: 60)]
            // A commit is a write and an fsync; opening and rotations add a few more.
            let cutAt = 1 + Int(rng.next(below: UInt64(2 * work[0].count + 30)))
            try Self.iteration(dir: dir.path, policy: .always, seed: seed, producers: 1, work: work, cutAt: cutAt,
                           tear: i % 8 != 7, writeback: i % 2 == 0 ? .none : .orderedPrefix)
        }
    }

    @Test func acknowledgedWritesOfSeveralProducersSurviveRandomPowerCuts() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var rng = SplitMix64(seed: 77)
        for i in 0..<60 {
            let seed = UInt64(5000 + i)
            let producers = 2 + i % 4
            let work = (0..<producers).map { p in Self.batches(seed: seed &* 31 &+ UInt64(p), count: 25) }
            let cutAt = 1 + Int(rng.next(below: UInt64(producers * 25 * 2 + 20)))
            try Self.iteration(dir: dir.path, policy: .always, seed: seed, producers: producers, work: work, cutAt: cutAt,
                           tear: true, writeback: i % 2 == 0 ? .none : .orderedPrefix)
        }
    }

    @Test func powerCutAtEveryStepOfASegmentRotationLosesNothingAcknowledged() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let work = [Self.batches(seed: 99, count: 120, batchMax: 80)]
        let log = Self.mutations(dir: dir.path, policy: .always, producers: 1, work: work)
        // The steps of creating segments 2 and later: create, preallocate, header write and
        // sync, directory sync; and the first commit into the new segment.
        var points: [Int] = []
        for (i, m) in log.enumerated() where m.path.contains("/wal") && !m.path.hasSuffix("00000000000000000001.wal") {
            if m.kind == .create && points.count < 3 * 7 { points += Array((i + 1)...min(i + 7, log.count)) }
        }
        #expect(points.count >= 14, "the workload rotated fewer than twice")
        for (j, cutAt) in points.enumerated() {
            for writeback in [PowerCutFileSystem.Writeback.none, .orderedPrefix] {
                try Self.iteration(dir: dir.path, policy: .always, seed: UInt64(j), producers: 1, work: work, cutAt: cutAt,
                               tear: true, writeback: writeback)
            }
        }
    }

    /// Issue 18: on a disk with room for one segment, a checkpoint replaces the full one:
    /// it creates the fresh segment (its header only: no room), writes the manifest naming
    /// it, removes the old one, then reserves the fresh one's full size. A power cut before
    /// any step of that cut leaves a store that opens with every acknowledged reading,
    /// whose manifest names a WAL segment that exists, and that takes writes.
    @Test func powerCutAtEveryStepOfASegmentSwitchOnAFullDiskLosesNothingAcknowledged() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var options = Self.options(.always)
        options.hotMemoryBudgetBytes = 0
        options.clock = ManualClock(1_700_000_000_000)  // the same records, so the same steps, every run
        let key = try Key("cut/full")
        /// Writes until the first segment is full and its rotation fails for space; arms the
        /// next preallocation (the fresh segment's) to fail too.
        func fill(_ store: Store, _ faults: FaultInjectingFileSystem) throws -> AcknowledgedWrites {
            var acked = AcknowledgedWrites()
            faults.arm(.preallocate, .from(1), errno: ENOSPC)
            for i in 0..<200 {
                let batch = (0..<40).map { Reading(key: key, value: .int(Int64(i * 40 + $0))) }
                do { acked.record(batch, try store.putBatch(batch)) } catch {
                    #expect(error.code == .outOfSpace)
                    faults.arm(.preallocate, .exactly(1), errno: ENOSPC)
                    return acked
                }
            }
            Issue.record("the first segment never filled")
            return acked
        }
        let probe = PowerCutFileSystem(directories: [dir.path])
        let probeFaults = FaultInjectingFileSystem(probe)
        let p = try TestStore.open(directory: dir.path, options: options, fileSystem: probeFaults)
        _ = try fill(p, probeFaults)
        let before = probe.mutations.count
        let report = try p.cut()
        let steps = Array(probe.mutations[before...])
        try p.close()
        #expect(report.walSegmentsRemoved == 1 && report.walSwitchError == nil)
        let segment1 = WALFormat.segmentFileName(1), segment2 = WALFormat.segmentFileName(2)
        #expect(steps.contains { $0.kind == .remove && $0.path.hasSuffix(segment1) }, "\(steps)")
        #expect(steps.contains { $0.kind == .preallocate && $0.path.hasSuffix(segment2) }, "\(steps)")
        // From the fresh segment's creation on: the block's steps before it are any cut's.
        let first = try #require(steps.firstIndex { $0.kind == .create && $0.path.hasSuffix(segment2) }) + 1

        for step in first...(steps.count + 1) {
            for writeback in [PowerCutFileSystem.Writeback.none, .orderedPrefix] {
                let context = "power cut before step \(step) of \(steps.count) (\(step <= steps.count ? steps[step - 1].description : "after the cut")), \(writeback)"
                let fs = PowerCutFileSystem(directories: [dir.path])
                let faults = FaultInjectingFileSystem(fs)
                let store = try TestStore.open(directory: dir.path, options: options, fileSystem: faults)
                let acked = try fill(store, faults)
                fs.schedulePowerCut(beforeMutation: step, tearLastPage: true, seed: UInt64(step), writeback: writeback)
                do { try store.cut() } catch {
                    // Expected once the power is off.
                }
                do { try store.close() } catch {
                    // Expected once the power is off: close syncs.
                }
                let survivor = fs.survivor ?? fs.powerCut(tearLastPage: true, seed: UInt64(step), writeback: writeback)
                let manifest = try Manifest.decode(try survivor.readFile(dir.path + "/" + Manifest.fileName), path: "MANIFEST")
                #expect(survivor.exists(dir.path + "/wal/" + WALFormat.segmentFileName(manifest.walFirstSegment)),
                        "\(context): the manifest names WAL segment \(manifest.walFirstSegment), which is missing")
                let reopened = try TestStore.open(directory: dir.path, options: options, fileSystem: survivor)
                _ = try acked.expectPresent(in: reopened, context)
                #expect(reopened.verify().isIntact, "\(context)")
                #expect(reopened.stats().walSegments <= 2, "\(context)")
                try reopened.put(key, .int(-1))
                try reopened.close()
                let again = try TestStore.open(directory: dir.path, options: options, fileSystem: survivor)
                #expect(again.latest(key)?.value == .int(-1), "\(context)")
                #expect(again.recovery.tornTail == nil, "\(context)")
                try again.close()
            }
        }
    }

    @Test func powerCutWhileTheStoreIsBeingCreatedLeavesAStoreThatOpens() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let work = [Self.batches(seed: 3, count: 3)]
        let log = Self.mutations(dir: dir.path, policy: .always, producers: 1, work: work)
        for cutAt in 1...log.count {
            for writeback in [PowerCutFileSystem.Writeback.none, .orderedPrefix] {
                try Self.iteration(dir: dir.path, policy: .always, seed: UInt64(cutAt), producers: 1, work: work, cutAt: cutAt,
                               tear: true, writeback: writeback)
            }
        }
    }

    @Test func powerCutUnderIntervalLeavesAGapFreePrefixThroughTheLastSync() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var rng = SplitMix64(seed: 8)
        for i in 0..<60 {
            let seed = UInt64(7000 + i)
            let work = [Self.batches(seed: seed, count: 60)]
            let cutAt = 1 + Int(rng.next(below: 140))
            try Self.iteration(dir: dir.path, policy: .interval(ms: 1), seed: seed, producers: 1, work: work, cutAt: cutAt,
                           tear: true, writeback: i % 2 == 0 ? .none : .orderedPrefix)
        }
    }

    @Test func powerCutUnderNeverLeavesAGapFreePrefix() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var rng = SplitMix64(seed: 9)
        for i in 0..<40 {
            let seed = UInt64(9000 + i)
            let work = [Self.batches(seed: seed, count: 40)]
            let cutAt = 1 + Int(rng.next(below: 60))
            try Self.iteration(dir: dir.path, policy: .never, seed: seed, producers: 1, work: work, cutAt: cutAt,
                           tear: true, writeback: i % 2 == 0 ? .none : .orderedPrefix)
        }
    }

    /// Regression: under `never`, rotation once skipped syncing the old segment while the
    /// new one's header and directory entry were synced; after a power cut segment 2
    /// started at an LSN segment 1 never reached and open refused the store. Rotation now
    /// syncs the old segment under every policy.
    @Test func powerCutUnderNeverAfterASegmentRotationLeavesAStoreThatOpens() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        // Enough data for several segments, nothing synced by the policy: only rotation and
        // close could make anything durable.
        let work = [Self.batches(seed: 12, count: 150, batchMax: 80)]
        do {
            for (i, writeback) in [PowerCutFileSystem.Writeback.none, .orderedPrefix, .none, .orderedPrefix].enumerated() {
                try Self.iteration(dir: dir.path, policy: .never, seed: UInt64(i), producers: 1, work: work, cutAt: nil,
                               tear: i < 2, writeback: writeback)
            }
        }
    }

    /// Regression: `Store.open` once created a new data directory without syncing its
    /// parent, so a power cut could lose the whole store with acknowledged writes in it.
    @Test func writesToANewlyCreatedDataDirectorySurviveAPowerCut() throws {
        let parent = TemporaryDirectory()
        defer { parent.remove() }
        let dir = parent.path + "/store"
        // The lock is an flock on the directory on the real disk (DirectoryLock does not go
        // through the FileSystem layer), so the directory must exist there; in the simulated disk only
        // the parent exists, as when a daemon first starts with a fresh --data-dir.
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let fs = PowerCutFileSystem(directories: [parent.path])
        let store = try TestStore.open(directory: dir, options: Self.options(.always), fileSystem: fs)
        let key = try Key("cut/new-dir")
        try store.put(key, .int(1))
        try store.close()
        let survivor = fs.powerCut(tearLastPage: false)
        do {
            #expect(survivor.exists(dir), "the data directory vanished with an acknowledged write")
            let reopened = try TestStore.open(directory: dir, options: Self.options(.always), fileSystem: survivor)
            #expect(reopened.latest(key)?.value == .int(1))
            try reopened.close()
        }
    }

    /// Regression: `Repair.run` once moved segments into `repair/<time>/` before that
    /// folder's entry was durable, so a power cut lost the set-aside segments, which repair
    /// promises never to delete.
    @Test func segmentsSetAsideByRepairSurviveAPowerCut() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let fs = PowerCutFileSystem(directories: [dir.path])
        let options = Self.options(.always)
        let store = try TestStore.open(directory: dir.path, options: options, fileSystem: fs)
        let key = try Key("cut/repair")
        for i in 0..<4 { try store.putBatch((0..<1000).map { Reading(key: key, value: .int(Int64(i * 1000 + $0))) }) }
        try store.close()
        // Damage the record of segment 2 on the simulated disk, durably.
        let segment2 = dir.path + "/wal/00000000000000000002.wal"
        let bytes = try #require(fs.contents(of: segment2))
        let frame = try #require(WALSurgery.frames(bytes).first)
        let fd = try fs.open(segment2, .readWrite)
        try fs.write(fd, [bytes[frame.offset + 30] ^ 0xFF], at: Int64(frame.offset + 30))
        try fs.sync(fd)
        fs.close(fd)
        let later = try fs.list(dir.path + "/wal").filter { $0 > "00000000000000000002.wal" }
        #expect(later.count >= 2)

        let report = try TestStore.repair(directory: dir.path, fileSystem: fs)
        #expect(report.segmentsMoved == later.count)
        let aside = try #require(report.setAsideDirectory)
        let survivor = fs.powerCut(tearLastPage: false)
        do {
            for name in later {
                #expect(survivor.exists(aside + "/" + name), "set-aside segment \(name) was lost")
            }
        }
        // Whatever happened to the set-aside files, the store opens on what survived.
        let reopened = try TestStore.open(directory: dir.path, options: options, fileSystem: survivor)
        #expect(reopened.verify().isIntact)
        try reopened.close()
    }
}
