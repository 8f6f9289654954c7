import KDeltaModel
import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

/// A power cut before each file-system mutation of a retention pass and of a compaction,
/// in turn: the store reopens in the state before the operation or the state after it,
/// never a mix, with every chain intact, and keeps working.
@Suite struct RetentionPowerCutTests {
    static let hour: Int64 = 3_600_000

    static func options(clock: ManualClock) throws -> StoreOptions {
        let downsample = try RetentionPolicy(downsample: try RetentionDownsampling(afterMs: hour, everyMs: 600_000))
        return RetentionTests.options([
            try RetentionTests.rule("m/#", downsample),
            try RetentionTests.rule("k/#", try RetentionPolicy(keepLast: 150)),
        ], clock: clock)
    }

    static let keys = [try! Key("m/power"), try! Key("k/temp"), try! Key("z/door")]

    /// Three blocks of three series, 3 h of readings, the clock an hour after the last.
    static func populate(_ store: Store) throws {
        for round in 0..<3 {
            for (i, k) in keys.enumerated() {
                try RetentionTests.write(store, k, 120, start: RetentionTests.base + Int64(round) * hour, stepMs: 30_000) { j in
                    i == 2 ? .bool(j % 3 == 0) : .double(Double((j * 31 + round) % 200) / 4)
                }
            }
            try store.cut()
        }
    }

    /// Every read, rollups and drop counts included.
    static func state(_ store: Store) throws -> [String] {
        var out = try TieredStorageTests.reads(store, keys: keys, seed: 4)
        for k in keys {
            out.append("rollups \(k) " + (try store.rollups(k, fromMs: Int64.min, toMs: Int64.max)).map { "\($0.startMs):\($0.count):\($0.sum)" }.joined(separator: ","))
        }
        let s = store.stats()
        out.append("drops \(s.drops)")
        out.append("series " + s.series.map { "\($0.key) \($0.firstSeq) \($0.drops)" }.joined(separator: ";"))
        out.append("blocks \(s.blocks) \(s.blockBytes) rollup blocks \(s.rollupBlocks)")
        return out
    }

    func powerCutAtEveryStep(_ name: String, prepare: (Store) throws -> Void, operation: (Store) throws -> Void) throws {
        let tmp = TemporaryDirectory(name)
        defer { tmp.remove() }
        let dir = tmp.path
        let clock = ManualClock(RetentionTests.base + 4 * Self.hour)
        let opts = try Self.options(clock: clock)
        let probe = PowerCutFileSystem(directories: [dir])
        let p = try TestStore.open(directory: dir, options: opts, fileSystem: probe)
        try Self.populate(p)
        try prepare(p)
        let old = try Self.state(p)
        let before = probe.mutations.count
        try operation(p)
        let steps = probe.mutations.count - before
        let new = try Self.state(p)
        try p.close()
        #expect(old.last != new.last, "the operation changes no block: the test would prove nothing")
        #expect(steps >= 4)
        for step in 1...(steps + 1) {
            let fs = PowerCutFileSystem(directories: [dir])
            let store = try TestStore.open(directory: dir, options: opts, fileSystem: fs)
            try Self.populate(store)
            try prepare(store)
            fs.schedulePowerCut(beforeMutation: step, tearLastPage: true, seed: UInt64(step))
            try? operation(store)
            try? store.close()
            let survivor = fs.survivor ?? fs.powerCut(seed: UInt64(step))
            let reopened = try TestStore.open(directory: dir, options: opts, fileSystem: survivor)
            let got = try Self.state(reopened)
            #expect(got == old || got == new, "\(name): power cut before mutation \(step) of \(steps) left a mix (\(got.last ?? ""); old \(old.last ?? ""), new \(new.last ?? ""))")
            #expect(reopened.verify().isIntact, "\(name): step \(step)")
            try reopened.put(Self.keys[0], .double(1))
            try reopened.applyRetention()
            try reopened.close()
        }
    }

    @Test func aPowerCutAtAnyStepOfARetentionPassLeavesTheOldOrTheNewState() throws {
        try powerCutAtEveryStep("retain-powercut", prepare: { _ in }, operation: { try $0.applyRetention() })
    }

    @Test func aPowerCutAtAnyStepOfACompactionLeavesTheOldOrTheNewState() throws {
        // Retention first leaves blocks partly dead; the compaction rewrites them.
        try powerCutAtEveryStep("compact-powercut", prepare: { try $0.applyRetention() }, operation: { store in
            let r = try store.compactBlocks()
            #expect(r.blockWritten != nil)
        })
    }
}
