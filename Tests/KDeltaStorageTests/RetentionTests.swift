import KDeltaModel
import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

/// Retention as configured: keep-last, keep-for, downsampling to rollups and their expiry,
/// the sync cursor as an input, every drop counted by reason and kept across restarts.
@Suite struct RetentionTests {
    static let base: Int64 = 1_700_000_000_000 // 2023-11-14T22:13:20Z

    static func rule(_ pattern: String, _ policy: RetentionPolicy) throws -> RetentionRule {
        RetentionRule(pattern: try KeyPattern(pattern), policy: policy)
    }

    static func options(_ rules: [RetentionRule], clock: ManualClock, cursor: any SyncCursor = FixedSyncCursor.syncDisabled) -> StoreOptions {
        var o = StoreOptions()
        o.hotMemoryBudgetBytes = 0
        o.walSegmentBytes = 64 * 1024
        o.retentionIntervalMs = 0
        o.retention = RetentionRules(rules)
        o.syncCursor = cursor
        o.clock = clock
        return o
    }

    /// `n` readings of `key`, one a second from `start`, value i.
    static func write(_ store: Store, _ key: Key, _ n: Int, start: Int64, stepMs: Int64 = 1000, value: (Int) -> Value = { .double(Double($0)) }) throws {
        var batch: [Reading] = []
        for i in 0..<n {
            batch.append(Reading(key: key, value: value(i), sourceTimeMs: start + Int64(i) * stepMs))
            if batch.count == 500 { try store.putBatch(batch); batch.removeAll() }
        }
        if !batch.isEmpty { try store.putBatch(batch) }
    }

    @Test func keepLastKeepsTheNewestVersionsAndCountsTheRest() throws {
        let dir = TemporaryDirectory("retain-last")
        defer { dir.remove() }
        let clock = ManualClock(Self.base + 1_000_000)
        let opts = Self.options([try Self.rule("sensors/#", try RetentionPolicy(keepLast: 10))], clock: clock)
        let key = try Key("sensors/a/temp"), other = try Key("other/x")
        let store = try TestStore.open(directory: dir.path, options: opts)
        try Self.write(store, key, 100, start: Self.base)
        try Self.write(store, other, 50, start: Self.base)
        let report = try store.applyRetention()
        #expect(report.cutFirst, "the versions to drop were in memory: the pass cuts first")
        #expect(report.dropped.retention == 90)
        #expect(store.versionCount(key) == 10)
        #expect(store.seqRange(key) == 91...100)
        #expect(store.versionCount(other) == 50, "a key no rule matches keeps everything")
        #expect(try store.version(key, seq: 90) == nil)
        #expect(try store.version(key, seq: 91)?.value == .double(90))
        #expect(try store.get(key, at: .timeMs(Self.base + 5000)) == nil, "a time before the first kept version")
        #expect(try store.get(key, at: .timeMs(Self.base + 95_000))?.seq == 96)
        #expect(try store.reading(key, atOrBefore: Self.base + 5000) == nil, "the point-read path skips dropped versions too")
        #expect(try store.reading(key, atOrBefore: Self.base + 95_000) == TimedReading(timeMs: Self.base + 95_000, value: .double(95)))
        #expect(try store.history(key, HistoryQuery(order: .oldestFirst)).map(\.seq) == Array(91...100))
        #expect(try store.diff(key).from.seq == 99)
        #expect {
            try store.diff(key, from: 5, to: 100)
        } throws: { error in
            (error as? StoreError)?.message == "key sensors/a/temp has no version 5 (dropped by retention); it has versions 91 to 100"
        }
        #expect(store.verify().isIntact)
        #expect(store.stats().series.first { $0.key == key }?.drops.retention == 90)
        // A second pass has nothing more to do.
        #expect(try store.applyRetention().dropped.isZero)
        try store.close()

        let reopened = try TestStore.open(directory: dir.path, options: opts)
        #expect(reopened.seqRange(key) == 91...100)
        #expect(try reopened.history(key, HistoryQuery(order: .oldestFirst)).map(\.seq) == Array(91...100))
        #expect(reopened.stats().drops.retention == 90, "drop counts survive a restart")
        #expect(reopened.verify().isIntact)
        try Self.write(reopened, key, 5, start: Self.base + 200_000)
        #expect(reopened.latest(key)?.seq == 105, "the chain continues after the drop")
        try reopened.applyRetention()
        #expect(reopened.seqRange(key) == 96...105)
        #expect(reopened.verify().isIntact)
        try reopened.close()
    }

    @Test func keepForDropsOldVersionsButNeverTheNewest() throws {
        let dir = TemporaryDirectory("retain-for")
        defer { dir.remove() }
        let clock = ManualClock(Self.base + 100 * 60_000)
        let opts = Self.options([try Self.rule("+/+", try RetentionPolicy(keepForMs: 30 * 60_000))], clock: clock)
        let key = try Key("a/b"), quiet = try Key("a/quiet")
        let store = try TestStore.open(directory: dir.path, options: opts)
        try Self.write(store, key, 100, start: Self.base, stepMs: 60_000) // one a minute for 100 min
        try Self.write(store, quiet, 3, start: Self.base - 86_400_000) // a day old
        try store.cut()
        let r = try store.applyRetention()
        // Versions with time < now - 30 min = base + 70 min go: 70 of them.
        #expect(store.seqRange(key) == 71...100)
        #expect(store.seqRange(quiet) == 3...3, "the newest version stays however old")
        #expect(r.dropped.retention == 70 + 2)
        #expect(store.latest(quiet)?.value == .double(2))
        #expect(store.verify().isIntact)
        try store.close()
    }

    @Test func theSyncCursorHoldsBackWhatTheHubHasNotAcknowledged() throws {
        let dir = TemporaryDirectory("retain-cursor")
        defer { dir.remove() }
        let clock = ManualClock(Self.base + 1_000_000)
        let rules = [try Self.rule("#", try RetentionPolicy(keepLast: 1))]
        let key = try Key("k")
        do {
            let store = try TestStore.open(directory: dir.path, options: Self.options(rules, clock: clock, cursor: FixedSyncCursor.nothingAcknowledged))
            try Self.write(store, key, 100, start: Self.base)
            try store.cut()
            #expect(try store.applyRetention().dropped.isZero, "nothing acknowledged: nothing dropped")
            #expect(store.versionCount(key) == 100)
            try store.close()
        }
        let store = try TestStore.open(directory: dir.path, options: Self.options(rules, clock: clock, cursor: FixedSyncCursor(acknowledgedLSN: 40)))
        let r = try store.applyRetention()
        #expect(r.dropped.retention == 40, "only versions up to the acknowledged LSN go")
        #expect(store.seqRange(key) == 41...100)
        try store.close()
    }

    /// Readings of a meter one a second for 3 hours, downsampled after 1 h into 10-minute
    /// rollups: the rollups and the raw versions left together answer like the raw data.
    @Test func downsamplingReplacesRawVersionsByRollupsThatAnswerTheSame() throws {
        let dir = TemporaryDirectory("retain-downsample")
        defer { dir.remove() }
        let every: Int64 = 600_000
        let clock = ManualClock(Self.base + 3 * 3_600_000 + 1234)
        let policy = try RetentionPolicy(downsample: try RetentionDownsampling(afterMs: 3_600_000, everyMs: every, keepRollupsForMs: 86_400_000))
        let opts = Self.options([try Self.rule("meters/#", policy)], clock: clock)
        let key = try Key("meters/house/power")
        let n = 3 * 3600
        func value(_ i: Int) -> Double { Double((i * 7919) % 1000) / 10 }
        let store = try TestStore.open(directory: dir.path, options: opts)
        try Self.write(store, key, n, start: Self.base) { i in i % 97 == 5 ? .int(Int64(i % 50)) : .double(value(i)) }
        func expected(_ i: Int) -> Double { i % 97 == 5 ? Double(i % 50) : value(i) }
        let r = try store.applyRetention()
        let cutoff = (clock.nowMs() - 3_600_000) / every * every
        let dropped = Int((cutoff - Self.base + 999) / 1000)
        #expect(r.dropped.downsampled == UInt64(dropped))
        #expect(r.rollupsWritten > 0)
        #expect(store.versionCount(key) == n - dropped)
        let rollups = try store.rollups(key, fromMs: Int64.min, toMs: Int64.max)
        #expect(rollups.reduce(Int64(0)) { $0 + $1.count } == Int64(dropped))
        #expect(rollups.allSatisfy { $0.endMs - $0.startMs == every && $0.startMs % every == 0 })

        // Windows of 1 h over rollups and raw equal windows over the raw readings.
        func windows(_ s: Store) throws -> [Rollup] {
            var agg = WindowAggregator(everyMs: 3_600_000)
            for x in try s.rollups(key, fromMs: Int64.min, toMs: Int64.max) { try agg.add(x) }
            for v in try s.history(key, HistoryQuery(order: .oldestFirst)) {
                switch v.value {
                case .double(let d): try agg.add(timeMs: v.timeMs, value: d)
                case .int(let i): try agg.add(timeMs: v.timeMs, value: Double(i))
                default: break
                }
            }
            return agg.finish()
        }
        var naive = WindowAggregator(everyMs: 3_600_000)
        for i in 0..<n { try naive.add(timeMs: Self.base + Int64(i) * 1000, value: expected(i)) }
        let truth = naive.finish()
        let got = try windows(store)
        #expect(got.count == truth.count)
        for (a, b) in zip(got, truth) {
            #expect(a.count == b.count && a.min == b.min && a.max == b.max && a.first == b.first && a.last == b.last, "window \(a.startMs)")
            #expect(abs(a.sum - b.sum) <= 1e-9 * max(1, abs(b.sum)), "window \(a.startMs) sum")
        }
        #expect(store.verify().isIntact)
        try store.close()

        let reopened = try TestStore.open(directory: dir.path, options: opts)
        #expect(try reopened.rollups(key, fromMs: Int64.min, toMs: Int64.max) == rollups)
        #expect(try windows(reopened).map(\.count) == truth.map(\.count))
        #expect(reopened.stats().drops.downsampled == UInt64(dropped))
        // Two days later the rollups are past keep-rollups-for: they expire, counted.
        clock.advance(2 * 86_400_000)
        let later = try reopened.applyRetention()
        // The stored rollups expire, and so do those of the raw versions left, which this
        // pass rolls up already past keep-rollups-for.
        #expect(later.dropped.rollupsExpired > UInt64(rollups.count))
        #expect(later.rollupsWritten == 0)
        #expect(try reopened.rollups(key, fromMs: Int64.min, toMs: Int64.max).isEmpty)
        #expect(reopened.versionCount(key) == 1, "the raw versions went too; the newest stays")
        try reopened.close()
        let again = try TestStore.open(directory: dir.path, options: opts)
        #expect(try again.rollups(key, fromMs: Int64.min, toMs: Int64.max).isEmpty)
        #expect(again.stats().drops.rollupsExpired == later.dropped.rollupsExpired)
        #expect(again.stats().rollupBlocks == 0, "the rollup block went with its last rollup")
        try again.close()
    }

    @Test func blocksWithNothingLiveAreRemovedAndPartlyDeadOnesCompacted() throws {
        let dir = TemporaryDirectory("retain-blocks")
        defer { dir.remove() }
        let clock = ManualClock(Self.base + 10_000_000)
        let opts = Self.options([try Self.rule("a/#", try RetentionPolicy(keepLast: 140))], clock: clock)
        let a = try Key("a/x"), b = try Key("b/y")
        let store = try TestStore.open(directory: dir.path, options: opts)
        for round in 0..<4 {
            try Self.write(store, a, 100, start: Self.base + Int64(round) * 100_000)
            try store.cut()
        }
        #expect(store.stats().blocks == 4)
        let r = try store.applyRetention()
        #expect(r.blocksRemoved == 2, "blocks 1 and 2 held only dropped versions")
        #expect(store.stats().blocks == 2)
        #expect(store.seqRange(a) == 261...400)
        // Block 3 is 60 % dead; add a series that keeps everything to two blocks, so they
        // cannot simply be removed, then compact.
        try Self.write(store, b, 10, start: Self.base)
        try store.cut()
        try store.applyRetention()
        let before = try TieredStorageTests.reads(store, keys: [a, b], seed: 9)
        let c = try store.compactBlocks()
        #expect(c.blockWritten != nil)
        #expect(c.deadVersionsRemoved == 60)
        #expect(store.stats().coldBlocks == 1)
        #expect(store.stats().series.first { $0.key == a }.map { $0.coldBytes > 0 } == true)
        #expect(try TieredStorageTests.reads(store, keys: [a, b], seed: 9) == before)
        #expect(store.verify().isIntact)
        try store.close()
        let reopened = try TestStore.open(directory: dir.path, options: opts)
        #expect(try TieredStorageTests.reads(reopened, keys: [a, b], seed: 9) == before)
        #expect(reopened.verify().isIntact)
        try reopened.close()
    }
}

/// Rollup blocks merge once there are enough of them; the rollups read the same.
@Suite struct RollupCompactionTests {
    @Test func manyRollupBlocksMergeIntoOneThatReadsTheSame() throws {
        let dir = TemporaryDirectory("rollup-merge")
        defer { dir.remove() }
        let hour: Int64 = 3_600_000
        let clock = ManualClock(RetentionTests.base)
        let policy = try RetentionPolicy(downsample: try RetentionDownsampling(afterMs: hour, everyMs: 60_000))
        let opts = RetentionTests.options([try RetentionTests.rule("#", policy)], clock: clock)
        let keys = [try Key("m/a"), try Key("m/b")]
        let store = try TestStore.open(directory: dir.path, options: opts)
        // Ten passes, each an hour apart, each rolling up the hour before the last.
        for pass in 0..<10 {
            for k in keys { try RetentionTests.write(store, k, 360, start: RetentionTests.base + Int64(pass) * hour, stepMs: 10_000) }
            clock.set(RetentionTests.base + Int64(pass + 2) * hour)
            try store.applyRetention()
        }
        #expect(store.stats().rollupBlocks >= StorageLimits.compactWarmBlocksMin)
        let before = try keys.map { try store.rollups($0, fromMs: Int64.min, toMs: Int64.max) }
        #expect(before.allSatisfy { $0.count == 10 * 60 })
        let c = try store.compactBlocks()
        #expect(c.blockWritten != nil)
        #expect(store.stats().rollupBlocks == 1)
        #expect(try keys.map { try store.rollups($0, fromMs: Int64.min, toMs: Int64.max) } == before)
        try store.close()
        let reopened = try TestStore.open(directory: dir.path, options: opts)
        #expect(try keys.map { try reopened.rollups($0, fromMs: Int64.min, toMs: Int64.max) } == before)
        try reopened.close()
    }
}

/// The disk budget: `stop-ingest` refuses new readings and loses nothing; `drop-oldest`
/// makes room by dropping the oldest versions, counted as overflow, even unacknowledged.
@Suite struct DiskBudgetTests {
    static func options(budget: Int64, overflow: OverflowPolicy) -> StoreOptions {
        var o = StoreOptions()
        o.hotMemoryBudgetBytes = 0
        o.walSegmentBytes = 64 * 1024
        o.retentionIntervalMs = 0
        o.diskBudget = DiskBudget(bytesMax: ByteSize(bytes: budget), overflow: overflow)
        o.clock = ManualClock(RetentionTests.base)
        return o
    }

    /// Random-ish readings that do not compress to nothing.
    static func fill(_ store: Store, keys: [Key], rounds: Int, from: Int = 0) throws {
        var g = RandomReadings(seed: 77 + UInt64(from))
        for r in from..<(from + rounds) {
            var batch: [Reading] = []
            for (i, k) in keys.enumerated() {
                for j in 0..<50 {
                    batch.append(Reading(key: k, value: .double(Double(g.next(1_000_000)) / 7), sourceTimeMs: RetentionTests.base + Int64(r * 50 + j) * 1000 + Int64(i)))
                }
            }
            try store.putBatch(batch)
        }
    }

    @Test func stopIngestRefusesNewReadingsAndKeepsEverything() throws {
        let dir = TemporaryDirectory("budget-stop")
        defer { dir.remove() }
        let keys = [try Key("s/a"), try Key("s/b")]
        let opts = Self.options(budget: 200 * 1024, overflow: .stopIngest)
        let store = try TestStore.open(directory: dir.path, options: opts)
        var stoppedAt: Int? = nil
        for round in 0..<400 where stoppedAt == nil {
            try Self.fill(store, keys: keys, rounds: 1, from: round)
            try store.enforceDiskBudget()
            if store.stats().ingestStopped != nil { stoppedAt = round }
        }
        let round = try #require(stoppedAt, "the budget was never reached")
        let stored = store.stats().versions
        #expect(stored == (round + 1) * 100)
        do {
            try store.put(keys[0], .double(1))
            Issue.record("a put past a full budget was accepted")
        } catch {
            #expect(error.code == .diskBudgetFull)
            #expect(error.message.contains("disk budget") && error.message.contains("stop-ingest"))
        }
        #expect(store.stats().drops.isZero, "stop-ingest drops nothing")
        #expect(store.diskUsage().total > 200 * 1024)
        #expect(store.verify().isIntact)
        try store.close()
        // Reopened with the same budget (the next `put` command, a restarted daemon), the
        // store refuses readings from the start, before any background pass.
        let again = try TestStore.open(directory: dir.path, options: opts)
        #expect(again.stats().ingestStopped != nil)
        #expect(throws: StoreError.self) { try again.put(keys[0], .double(2)) }
        #expect(again.stats().versions == stored)
        try again.close()
        // A larger budget lets ingest resume.
        let roomier = try TestStore.open(directory: dir.path, options: Self.options(budget: 100 * 1024 * 1024, overflow: .stopIngest))
        try roomier.enforceDiskBudget()
        try roomier.put(keys[0], .double(1))
        #expect(roomier.stats().versions == stored + 1)
        try roomier.close()
    }

    @Test func dropOldestMakesRoomAndCountsWhatItDropped() throws {
        let dir = TemporaryDirectory("budget-drop")
        defer { dir.remove() }
        let keys = [try Key("s/a"), try Key("s/b")]
        let budget: Int64 = 300 * 1024
        let opts = Self.options(budget: budget, overflow: .dropOldest)
        let store = try TestStore.open(directory: dir.path, options: opts)
        for round in 0..<300 {
            try Self.fill(store, keys: keys, rounds: 1, from: round)
            if round % 10 == 9 { try store.enforceDiskBudget() }
        }
        let usage = try store.enforceDiskBudget()
        #expect(usage.total <= budget)
        let s = store.stats()
        #expect(s.ingestStopped == nil)
        #expect(s.drops.overflow > 0, "nothing acknowledged, yet drop-oldest dropped: the overflow policy's price")
        #expect(s.overflowDropsSinceOpen == s.drops.overflow, "all of them in this process")
        #expect(s.drops.overflow + UInt64(s.versions) == 300 * 100, "every version is either kept or counted as dropped")
        for k in keys {
            let range = try #require(store.seqRange(k))
            #expect(range.upperBound == 15_000, "the newest versions stay")
            #expect(range.lowerBound > 1, "the oldest went")
        }
        #expect(store.verify().isIntact)
        try store.put(keys[0], .double(1))
        try store.close()
        let reopened = try TestStore.open(directory: dir.path, options: opts)
        #expect(reopened.stats().drops.overflow == s.drops.overflow)
        #expect(reopened.stats().overflowDropsSinceOpen == 0, "within its budget at open")
        #expect(reopened.verify().isIntact)
        try reopened.close()
        // Reopened with half the budget, the store makes room at open, before a reading,
        // and says so (`compact` prints it).
        let tighter = try TestStore.open(directory: dir.path, options: Self.options(budget: budget / 2, overflow: .dropOldest))
        let t = tighter.stats()
        #expect(t.overflowDropsSinceOpen > 0)
        #expect(t.drops.overflow == s.drops.overflow + t.overflowDropsSinceOpen)
        #expect(tighter.diskUsage().total <= budget / 2)
        try tighter.close()
    }
}

/// The background pass applies retention by itself, without a call.
@Suite struct BackgroundRetentionTests {
    @Test func theBackgroundPassAppliesTheRules() throws {
        let dir = TemporaryDirectory("retain-background")
        defer { dir.remove() }
        let clock = ManualClock(RetentionTests.base + 1_000_000)
        var opts = RetentionTests.options([try RetentionTests.rule("#", try RetentionPolicy(keepLast: 5))], clock: clock)
        opts.retentionIntervalMs = 20
        let key = try Key("k")
        let store = try TestStore.open(directory: dir.path, options: opts)
        try RetentionTests.write(store, key, 50, start: RetentionTests.base)
        var waited = 0
        // The pass counts itself after its drops show: wait for both.
        while (store.versionCount(key) != 5 || store.stats().retentionPasses == 0) && waited < 10_000 {
            sleepMs(10)
            waited += 10
        }
        #expect(store.versionCount(key) == 5, "the background pass never ran")
        #expect(store.stats().drops.retention == 45)
        #expect(store.stats().retentionPasses > 0)
        try store.close()
    }
}
