import Foundation
import KDeltaModel
import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

/// Cutting the hot tier into blocks and checkpointing: every read answers the same
/// before and after a cut and after reopening; the WAL before the checkpoint is removed;
/// a power cut at any step of a cut leaves the old state or the new one.
@Suite struct TieredStorageTests {
    static func options() -> StoreOptions {
        var o = StoreOptions()
        o.hotMemoryBudgetBytes = 0 // cuts only when the test asks
        o.walSegmentBytes = 64 * 1024
        return o
    }

    /// `options()` with the hot tier's budget on (cuts in the background) and 1 MiB WAL
    /// segments.
    static func options(hotBudget bytes: Int) -> StoreOptions {
        var o = options()
        o.hotMemoryBudgetBytes = bytes
        o.walSegmentBytes = 1 << 20
        return o
    }

    /// Every read the store offers, for comparing two states of one store.
    static func reads(_ store: Store, keys: [Key], seed: UInt64) throws -> [String] {
        var out: [String] = []
        var g = RandomReadings(seed: seed)
        for key in keys {
            let all = try StoreRoundTripTests.snapshot(store)[key] ?? []
            out.append("\(key) \(all.count) \(store.latest(key).map { "\($0.seq) \($0.id)" } ?? "-")")
            for v in all { out.append("\(v.seq) \(v.hlc) \(v.sourceTimeMs ?? -1) \(v.value) \(v.parent?.short ?? "-") \(v.id.short) \(v.lsn)") }
            let times = all.map(\.timeMs)
            var probes: [Int64] = [Int64.min, Int64.max, (times.min() ?? 0) - 1]
            for _ in 0..<60 where !times.isEmpty { let t = times[g.next(times.count)]; probes += [t - 1, t, t + 1] }
            // Whole versions: a block recomputes ids the hot tier kept, so ids, parents,
            // values and LSNs must match, not only which version was found.
            for t in probes { out.append("t\(t) " + Self.describe(try store.get(key, at: .timeMs(t)))) }
            for v in all.prefix(40) { out.append("h\(v.hlc) " + Self.describe(try store.get(key, at: .hlc(v.hlc)))) }
            let h = try store.history(key, HistoryQuery(sinceMs: times.min().map { $0 + 1000 }, untilMs: nil, limit: 25, order: .newestFirst))
            out.append("history " + h.map { String($0.seq) }.joined(separator: ","))
        }
        return out
    }

    /// Every field of a version a point read returns.
    static func describe(_ v: Version?) -> String {
        guard let v else { return "-" }
        return "\(v.seq) \(v.hlc) \(v.sourceTimeMs ?? -1) \(v.value) \(v.parent?.short ?? "-") \(v.id.short) \(v.lsn)"
    }

    @Test func readsAreTheSameBeforeAndAfterCutsAndAfterReopening() throws {
        let dir = TemporaryDirectory("tiers")
        defer { dir.remove() }
        let keys = RandomReadings.keys(6)
        let store = try TestStore.open(directory: dir.path, options: Self.options())
        _ = try StoreRoundTripTests.writeRandom(store, seed: 11, batches: 60, keys: keys)
        let before = try Self.reads(store, keys: keys, seed: 1)
        let cut = try store.cut()
        #expect(cut.versions > 0)
        #expect(cut.hotBytesAfter < cut.hotBytesBefore)
        #expect(try Self.reads(store, keys: keys, seed: 1) == before)
        #expect(store.verify().isIntact)

        // More writes after the cut continue every chain; a second cut, then reopen.
        _ = try StoreRoundTripTests.writeRandom(store, seed: 12, batches: 60, keys: keys)
        let second = try store.cut()
        #expect(second.blockNumber == 2)
        _ = try StoreRoundTripTests.writeRandom(store, seed: 13, batches: 20, keys: keys)
        let final = try Self.reads(store, keys: keys, seed: 3)
        #expect(store.verify().isIntact)
        try store.close()

        let reopened = try TestStore.open(directory: dir.path, options: Self.options())
        #expect(reopened.recovery.blocks == 2)
        #expect(try Self.reads(reopened, keys: keys, seed: 3) == final)
        let report = reopened.verify()
        #expect(report.isIntact, "\(report.brokenLinks) \(report.unreadable)")
        try reopened.close()
    }

    /// A chunk of doubles, ints or bools answers a point read by hashing the chain from
    /// the anchor before the version (ChunkReader+Point): every version, read by seq, by
    /// time and by HLC, must come back whole (id, parent, HLC, source time, value, LSN)
    /// after a cut and after reopening, whatever its place between two anchors, with
    /// irregular and back-filled times and source times on some versions only.
    @Test func pointReadsOfNumberChunksReturnWholeVersions() throws {
        let dir = TemporaryDirectory("number-points")
        defer { dir.remove() }
        let keys = [try Key("n/doubles"), try Key("n/ints"), try Key("n/bools"), try Key("n/regular")]
        let store = try TestStore.open(directory: dir.path, options: Self.options())
        var g = RandomReadings(seed: 29)
        var time: Int64 = 1_700_000_000_000
        for round in 0..<300 {
            time += g.chance(10) ? -Int64(g.next(90_000)) : Int64(1 + g.next(60_000))
            let source: Int64? = g.chance(20) ? nil : time
            try store.putBatch([
                Reading(key: keys[0], value: .double(g.double()), sourceTimeMs: source),
                Reading(key: keys[1], value: .int(g.int()), sourceTimeMs: source),
                Reading(key: keys[2], value: .bool(g.chance(50)), sourceTimeMs: source),
                Reading(key: keys[3], value: .double(Double(round % 17) / 10), sourceTimeMs: 1_700_000_000_000 + Int64(round) * 60_000),
            ])
        }
        func reads(_ store: Store) throws -> [String] {
            var out: [String] = []
            for key in keys {
                let all = try (1...UInt64(store.versionCount(key))).map { try #require(try store.version(key, seq: $0)) }
                for v in all {
                    out.append("seq " + Self.describe(v))
                    out.append("t\(v.timeMs) " + Self.describe(try store.get(key, at: .timeMs(v.timeMs))))
                    out.append("h\(v.hlc) " + Self.describe(try store.get(key, at: .hlc(v.hlc))))
                }
            }
            return out
        }
        let before = try reads(store)
        #expect(before.count == 4 * 300 * 3)
        let cut = try store.cut()
        #expect(cut.versions == 4 * 300)
        #expect(try reads(store) == before)
        try store.close()
        let reopened = try TestStore.open(directory: dir.path, options: Self.options())
        #expect(try reads(reopened) == before)
        #expect(reopened.verify().isIntact)
        try reopened.close()
    }

    @Test func aCheckpointRemovesTheWALBeforeIt() throws {
        let dir = TemporaryDirectory("tiers-wal")
        defer { dir.remove() }
        let keys = RandomReadings.keys(3)
        let store = try TestStore.open(directory: dir.path, options: Self.options())
        _ = try StoreRoundTripTests.writeRandom(store, seed: 21, batches: 300, keys: keys)
        let segmentsBefore = store.stats().walSegments
        #expect(segmentsBefore > 2)
        let cut = try store.cut()
        // The current segment goes too when the checkpoint covers it and it is half full:
        // a fresh one replaces it.
        #expect(cut.walSegmentsRemoved == segmentsBefore - 1 || cut.walSegmentsRemoved == segmentsBefore)
        #expect(store.stats().walSegments == 1)
        let final = try Self.reads(store, keys: keys, seed: 4)
        try store.close()
        let reopened = try TestStore.open(directory: dir.path, options: Self.options())
        #expect(try Self.reads(reopened, keys: keys, seed: 4) == final)
        try reopened.close()
    }

    @Test func theHotBudgetCutsInTheBackgroundAndMemoryStaysBounded() throws {
        let dir = TemporaryDirectory("tiers-budget")
        defer { dir.remove() }
        let o = Self.options(hotBudget: 256 * 1024)
        let store = try TestStore.open(directory: dir.path, options: o)
        let keys = RandomReadings.keys(4)
        var peak = 0
        for b in 0..<400 {
            var batch: [Reading] = []
            for i in 0..<200 {
                batch.append(Reading(key: keys[i % keys.count], value: .double(Double(b * 200 + i) / 10), sourceTimeMs: 1_700_000_000_000 + Int64(b * 200 + i) * 1000))
            }
            try store.putBatch(batch)
            peak = max(peak, store.stats().memoryBytes)
        }
        // Let the cutter finish what the last commit triggered.
        let budgetCuts = store.stats().budgetCuts
        try store.cut()
        let stats = store.stats()
        #expect(budgetCuts >= 1 && stats.cuts >= stats.budgetCuts, "\(stats.cuts) cuts, \(stats.budgetCuts) by the budget")
        // 80,000 versions (~8 MB in memory) stayed under the budget plus what arrives
        // while one cut runs (bounded by the test's pace: a few budgets at most).
        #expect(peak < 4 * o.hotMemoryBudgetBytes, "peak \(peak)")
        #expect(store.versionCount(keys[0]) == 20_000)
        #expect(try store.version(keys[0], seq: 1)?.value == .double(0))
        #expect(store.verify().isIntact)
        try store.close()
    }

    /// A cut the hot tier's budget starts, failing (the disk refuses new files): the store
    /// counts it in `stats` with its reason, keeps taking writes with the versions in
    /// memory and the WAL, and once the disk is back a cut moves them all into a block.
    @Test func aFailingBudgetCutIsCountedAndLosesNothing() throws {
        let dir = TemporaryDirectory("tiers-cut-fails")
        defer { dir.remove() }
        let o = Self.options(hotBudget: 64 * 1024)
        let fs = FaultInjectingFileSystem(PosixFileSystem())
        let store = try TestStore.open(directory: dir.path, options: o, fileSystem: fs)
        fs.arm(.create, .from(1), errno: ENOSPC)
        let key = try Key("tiers/refused")
        for b in 0..<20 {
            try store.putBatch((0..<200).map { i in Reading(key: key, value: .int(Int64(b * 200 + i)), sourceTimeMs: 1_700_000_000_000 + Int64(b * 200 + i)) })
        }
        var waited = 0
        while store.stats().cutFailures == 0 && waited < 5_000 { sleepMs(5); waited += 5 }
        let failing = store.stats()
        #expect(failing.cutFailures > 0 && failing.maintenanceFailures >= failing.cutFailures, "\(failing.cutFailures) cut failures, \(failing.maintenanceFailures) failures")
        #expect(failing.cuts == 0 && failing.budgetCuts == 0 && failing.blocks == 0)
        #expect(failing.lastMaintenanceError?.contains("creating block file") == true, "\(failing.lastMaintenanceError ?? "no error")")
        #expect(failing.hotVersions == 4_000 && failing.poisoned == nil)

        fs.disarm(.create)
        try store.cut()
        let after = store.stats()
        #expect(after.cuts >= 1 && after.blocks >= 1 && after.hotVersions == 0)
        #expect(try store.readings(key, fromMs: 0, toMs: Int64.max).map(\.value) == (0..<4_000).map { .int(Int64($0)) })
        try store.close()
        let reopened = try TestStore.open(directory: dir.path, options: Self.options())
        #expect(reopened.versionCount(key) == 4_000 && reopened.verify().isIntact)
        try reopened.close()
    }

    /// A merge reserves its block number when it starts writing; a cut that commits
    /// meanwhile takes a later number. The manifest must still list the blocks in number
    /// order, so the store reopens: appending the merged block after the cut's made the
    /// next open refuse the store ("block 9 is listed after block 14"), and `repair` too.
    @Test func aMergeThatCommitsAfterALaterCutLeavesAStoreThatReopens() throws {
        let dir = TemporaryDirectory("tiers-merge-order")
        defer { dir.remove() }
        let warm = StorageLimits.compactWarmBlocksMin
        // The merge writes block warm + 1; the gate holds that file's writes.
        let mergedName = BlockFormat.fileName(UInt64(warm + 1))
        let fs = GatedFileSystem(gating: .writes, onlyPaths: { $0.hasSuffix("/" + mergedName) })
        let keys = RandomReadings.keys(3)
        let store = try TestStore.open(directory: dir.path, options: Self.options(), fileSystem: fs)
        var written = 0
        func writeAndCut(_ round: Int) throws {
            var batch: [Reading] = []
            for i in 0..<30 {
                let n = Int64(round * 30 + i)
                let time: Int64 = 1_700_000_000_000 + n * 1000
                batch.append(Reading(key: keys[i % keys.count], value: .int(n), sourceTimeMs: time))
            }
            try store.putBatch(batch)
            written += batch.count
            try store.cut()
        }
        for round in 0..<warm { try writeAndCut(round) }

        fs.closeGate()
        let merge = onThread { _ = try? store.compactBlocks() }
        #expect(fs.waitForWaiters(1), "the merge did not reach its block's first write")
        try writeAndCut(warm)  // block warm + 2 commits while the merge waits
        fs.openGate()
        merge.join()
        #expect(store.stats().blocks == 2, "the merged block and the later cut")
        try store.close()

        let reopened = try TestStore.open(directory: dir.path, options: Self.options())
        #expect(reopened.recovery.blocks == 2)
        #expect(keys.map { reopened.versionCount($0) }.reduce(0, +) == written)
        #expect(try reopened.version(keys[1], seq: 1)?.value == .int(1))
        let report = reopened.verify()
        #expect(report.isIntact, "\(report.brokenLinks) \(report.unreadable)")
        try reopened.close()
    }

    /// A closed store in `dir` whose random versions are all in block 1.
    static func writeOneBlock(_ dir: String, keys: [Key], seed: UInt64, batches: Int) throws {
        let store = try TestStore.open(directory: dir, options: Self.options())
        _ = try StoreRoundTripTests.writeRandom(store, seed: seed, batches: batches, keys: keys)
        try store.cut()
        try store.close()
    }

    @Test func filesNoManifestNamesAreRemovedAtOpen() throws {
        let dir = TemporaryDirectory("tiers-orphan")
        defer { dir.remove() }
        let keys = RandomReadings.keys(2)
        try Self.writeOneBlock(dir.path, keys: keys, seed: 31, batches: 10)
        let orphan = dir.path + "/blocks/" + BlockFormat.fileName(7)
        let fs = PosixFileSystem()
        let fd = try fs.open(orphan, .createNew)
        try fs.write(fd, [UInt8](repeating: 1, count: 100), at: 0)
        fs.close(fd)
        let reopened = try TestStore.open(directory: dir.path, options: Self.options())
        #expect(reopened.recovery.orphansRemoved == [orphan])
        #expect(!fs.exists(orphan))
        try reopened.close()
    }

    /// A checkpoint cut short after its manifest landed leaves the WAL segments it made
    /// unnecessary: the next open removes them, so they do not take SD-card space forever.
    @Test func walSegmentsBeforeTheManifestsFirstAreRemovedAtOpen() throws {
        let dir = TemporaryDirectory("tiers-stale-wal")
        defer { dir.remove() }
        let keys = RandomReadings.keys(2)
        let fs = PosixFileSystem()
        let walDir = dir.path + "/wal"
        let store = try TestStore.open(directory: dir.path, options: Self.options())
        let written = try StoreRoundTripTests.writeRandom(store, seed: 37, batches: 300, keys: keys)
        let segments = try fs.list(walDir).filter { WALFormat.segmentNumber(fileName: $0) != nil }.sorted()
        try #require(segments.count >= 3, "the test needs several segments: \(segments)")
        let kept = try segments.dropLast().map { ($0, try fs.readFile(walDir + "/" + $0)) }
        try store.cut()
        try store.close()
        // As if the checkpoint had stopped before removing them.
        for (name, bytes) in kept where !fs.exists(walDir + "/" + name) {
            let fd = try fs.open(walDir + "/" + name, .createNew)
            try fs.write(fd, bytes, at: 0)
            fs.close(fd)
        }
        let reopened = try TestStore.open(directory: dir.path, options: Self.options())
        #expect(Set(reopened.recovery.checkpointedSegmentsRemoved) == Set(kept.map { walDir + "/" + $0.0 }))
        #expect(reopened.recovery.orphansRemoved.isEmpty)
        #expect(try fs.list(walDir).filter { WALFormat.segmentNumber(fileName: $0) != nil }.count == 1)
        #expect(keys.map { reopened.versionCount($0) }.reduce(0, +) == written.count)
        #expect(reopened.verify().isIntact)
        try reopened.close()
    }

    @Test func aDamagedBlockIsReportedByNameNeverReadAsData() throws {
        let dir = TemporaryDirectory("tiers-damage")
        defer { dir.remove() }
        let keys = RandomReadings.keys(2)
        try Self.writeOneBlock(dir.path, keys: keys, seed: 41, batches: 20)
        let path = dir.path + "/blocks/" + BlockFormat.fileName(1)
        let fs = PosixFileSystem()
        var bytes = try fs.readFile(path)
        bytes[BlockFormat.headerBytes + 5] ^= 0x40 // inside the first chunk
        let fd = try fs.open(path, .readWrite)
        try fs.write(fd, bytes, at: 0)
        fs.close(fd)
        let reopened = try TestStore.open(directory: dir.path, options: Self.options())
        let report = reopened.verify()
        #expect(!report.isIntact)
        #expect(report.unreadable.first?.contains(path) == true)
        #expect(throws: StoreError.self) { _ = try reopened.history(keys[0]) + reopened.history(keys[1]) }
        try reopened.close()
    }

    /// A power cut before each file-system mutation of a cut in turn: the store reopens
    /// with exactly the versions it had (all acknowledged under fsync=always).
    @Test func aPowerCutAtAnyStepOfACutLeavesTheOldOrTheNewState() throws {
        let tmp = TemporaryDirectory("tiers-powercut")
        defer { tmp.remove() }
        let dir = tmp.path
        let keys = RandomReadings.keys(3)
        // How many mutations a cut makes, measured once.
        let probe = PowerCutFileSystem(directories: [dir])
        let s0 = try TestStore.open(directory: dir, options: Self.options(), fileSystem: probe)
        _ = try StoreRoundTripTests.writeRandom(s0, seed: 51, batches: 80, keys: keys)
        let before = probe.mutations.count
        try s0.cut()
        let steps = probe.mutations.count - before
        try s0.close()
        #expect(steps > 8)
        for step in 1...(steps + 1) {
            let fs = PowerCutFileSystem(directories: [dir])
            let store = try TestStore.open(directory: dir, options: Self.options(), fileSystem: fs)
            _ = try StoreRoundTripTests.writeRandom(store, seed: 51, batches: 80, keys: keys)
            let expected = try Self.reads(store, keys: keys, seed: 5)
            fs.schedulePowerCut(beforeMutation: step, tearLastPage: true, seed: UInt64(step))
            _ = try? store.cut()
            try? store.close()
            let survivor = fs.survivor ?? fs.powerCut(seed: UInt64(step))
            let reopened = try TestStore.open(directory: dir, options: Self.options(), fileSystem: survivor)
            #expect(try Self.reads(reopened, keys: keys, seed: 5) == expected, "power cut before mutation \(step) of \(steps)")
            #expect(reopened.verify().isIntact, "step \(step)")
            // And it keeps working: write and cut again.
            try reopened.put(keys[0], .double(1))
            try reopened.cut()
            try reopened.close()
        }
    }
}
