import Foundation
import KDeltaModel
import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

/// A store's long life on one disk: generation after generation of random writes, block
/// cuts, compactions, retention passes and clean reopens, each generation ended by a
/// power cut at a random file-system call (the last page torn) or after a clean close;
/// after one cut in four the manifest is lost too, and `repair` rebuilds it, and after one
/// in four a byte of the catalog or of its copy is flipped.
/// After every cut the store opens on what survived and gives back every acknowledged
/// reading (`fsync=always`) except those its keep-last rule may drop, whole chains, the
/// same readings through its range reads as through its versions, and drop counts that
/// match what is gone. Unlike the other power-cut tests, each generation starts from the
/// disk the previous cut left, so damage one operation leaves for a later one shows.
@Suite struct StoreLifeTests {
    static let keepLast = 40
    static let keys = [try! Key("life/a"), try! Key("life/b"), try! Key("life/c"), try! Key("r/x"), try! Key("r/y")]

    static func options(clock: ManualClock) throws -> StoreOptions {
        var o = RetentionTests.options([try RetentionTests.rule("r/#", try RetentionPolicy(keepLast: keepLast))], clock: clock)
        o.fsync = .always
        return o
    }

    /// Four lives per run, two with background work; `KDELTA_LIFE_SEEDS=N` lives seeds 1 to
    /// N in each test instead, `KDELTA_LIFE_SEEDS=A-B` seeds A to B (a soak, which skips the
    /// checks that a life covers enough).
    static let soakSeeds: [UInt64]? = ProcessInfo.processInfo.environment["KDELTA_LIFE_SEEDS"].flatMap(soakRange)

    /// The seeds of `N` (1 to N) or `A-B`; nil for anything else.
    static func soakRange(_ text: String) -> [UInt64]? {
        let parts = text.split(separator: "-").compactMap { UInt64($0) }
        switch parts.count {
        case 1: return Array(1...max(1, parts[0]))
        case 2 where parts[0] >= 1 && parts[0] <= parts[1]: return Array(parts[0]...parts[1])
        default: return nil
        }
    }
    static let seeds: [UInt64] = soakSeeds ?? [11, 12, 13, 14]
    static let backgroundSeeds: [UInt64] = soakSeeds ?? [21, 22]

    static func isRetained(_ key: Key) -> Bool { key.rawValue.hasPrefix("r/") }

    /// What the test knows: every acknowledged reading by LSN, and the readings of batches
    /// that failed (the power went during them), which may or may not have survived.
    struct History {
        var acked = AcknowledgedWrites()
        var inFlight: [Reading] = []
    }

    @Test(arguments: Self.seeds)
    func everyAcknowledgedReadingOutlivesManyPowerCuts(seed: UInt64) throws {
        let clock = ManualClock(RetentionTests.base)
        try Self.live(seed: seed, clock: clock, options: try Self.options(clock: clock))
    }

    /// The same life as the daemon runs it: the hot tier's budget makes the store cut
    /// blocks on its own thread (and, past the budget, on the writer's), and retention
    /// passes run on theirs, while the test writes and now and then idles instead of
    /// cutting; the power cuts land wherever that puts them.
    @Test(arguments: Self.backgroundSeeds)
    func backgroundCutsAndRetentionLoseNothingAcrossPowerCuts(seed: UInt64) throws {
        let clock = ManualClock(RetentionTests.base)
        var options = try Self.options(clock: clock)
        options.hotMemoryBudgetBytes = 16 * 1024
        options.retentionIntervalMs = 20
        try Self.live(seed: seed, clock: clock, options: options)
    }

    static func live(seed: UInt64, clock: ManualClock, options: StoreOptions) throws {
        let tmp = TemporaryDirectory("life")
        defer { tmp.remove() }
        let dir = tmp.path
        // The survivor is checked with nothing running in the background.
        var quiet = options
        quiet.hotMemoryBudgetBytes = 0
        quiet.retentionIntervalMs = 0
        var g = RandomReadings(seed: seed)
        var faults = RandomReadings(seed: seed &* 7919)  // its own stream: the life's stays as it was
        var fs = PowerCutFileSystem(directories: [dir])
        var history = History()
        var cuts = 0, operations: [String: Int] = [:]
        // What the store did beyond what the test asked of it: cuts its hot budget started,
        // and retention passes.
        var askedPasses = 0
        func tally(_ s: Store) {
            let st = s.stats()
            operations["budget cut", default: 0] += st.budgetCuts
            operations["background retention", default: 0] += st.retentionPasses - askedPasses
            askedPasses = 0
        }
        for generation in 1...14 {
            let context = "seed \(seed) generation \(generation)"
            let cutAt = g.chance(85) ? 1 + g.next(150) : nil
            if let cutAt { fs.schedulePowerCut(beforeMutation: cutAt, tearLastPage: true, seed: seed &* 100 &+ UInt64(generation)) }
            history.inFlight = []
            var store: Store? = try? TestStore.open(directory: dir, options: options, fileSystem: fs)
            life: for _ in 0..<(10 + g.next(30)) {
                guard let s = store else { break }
                clock.advance(Int64(1 + g.next(60_000)))
                let op = g.next(100)
                do {
                    switch op {
                    case 0..<70:
                        let batch = (0...g.next(30)).map { _ in
                            Reading(key: Self.keys[g.next(Self.keys.count)], value: g.value(),
                                    sourceTimeMs: g.chance(70) ? clock.nowMs() - Int64(g.next(3_600_000)) : nil)
                        }
                        history.inFlight = batch
                        history.acked.record(batch, try s.putBatch(batch))
                        history.inFlight = []
                        operations["put", default: 0] += 1
                    case 70..<82 where options.hotMemoryBudgetBytes > 0:
                        sleepMs(5)
                        operations["idle", default: 0] += 1
                    case 70..<82:
                        try s.cut()
                        operations["cut", default: 0] += 1
                    case 82..<88:
                        _ = try s.compactBlocks()
                        operations["compact", default: 0] += 1
                    case 88..<95:
                        _ = try s.applyRetention()
                        askedPasses += 1
                        operations["retention", default: 0] += 1
                    default:
                        tally(s)
                        try s.close()
                        store = try TestStore.open(directory: dir, options: options, fileSystem: fs)
                        operations["reopen", default: 0] += 1
                    }
                } catch {
                    // Only the power cut may stop a generation.
                    #expect(fs.isPoweredOff, "\(context): operation \(op) failed with the power on: \(error)")
                    operations["cut during \(op < 70 ? "put" : op < 82 ? "cut" : op < 88 ? "compact" : op < 95 ? "retention" : "reopen")", default: 0] += 1
                    break life
                }
            }
            if let s = store { tally(s) }
            try? store?.close()
            if fs.isPoweredOff { cuts += 1 }
            fs = fs.survivor ?? fs.powerCut(tearLastPage: true, seed: seed)
            if faults.chance(25), try Self.loseManifestAndRepair(fs, dir, context, acknowledged: history.acked.count) {
                operations["manifest rebuilt", default: 0] += 1
            }
            if faults.chance(25), try Self.damageOneCatalogCopy(fs, dir, which: faults.next(2)) {
                operations["catalog damaged", default: 0] += 1
            }
            try Self.expectSurvivor(fs, dir, quiet, &history, context)
        }
        // The default lives do what this test claims (a soak's seeds may cut less often).
        guard Self.soakSeeds == nil else { return }
        #expect(cuts >= 3, "seed \(seed): only \(cuts) generations ended in a cut mid-operation")
        for op in ["put", options.hotMemoryBudgetBytes > 0 ? "idle" : "cut", "compact", "retention", "reopen", "manifest rebuilt", "catalog damaged"] {
            #expect(operations[op, default: 0] > 0, "seed \(seed): no \(op) ran: \(operations)")
        }
        if options.hotMemoryBudgetBytes > 0 {
            #expect(operations["budget cut", default: 0] > 0 && operations["background retention", default: 0] > 0,
                    "seed \(seed): nothing ran in the background: \(operations)")
        } else {
            let maintenanceCuts = ["cut", "compact", "retention"].reduce(0) { $0 + operations["cut during \($1)", default: 0] }
            #expect(maintenanceCuts > 0, "seed \(seed): no power cut landed in a block cut, compaction or retention pass: \(operations)")
        }
    }

    /// A fault on top of a power cut: the manifest is lost (removed from the disk `fs`
    /// holds), and `repair` must rebuild it from the catalog, blocks and WAL the cut left
    /// (docs/format/manifest.md, "Rebuilding"). False when there was no manifest yet, or
    /// nothing besides it (below).
    static func loseManifestAndRepair(_ fs: PowerCutFileSystem, _ dir: String, _ context: String, acknowledged: Int) throws -> Bool {
        let manifest = dir + "/" + Manifest.fileName
        guard fs.exists(manifest) else { return false }
        try fs.remove(manifest)
        let report: RepairReport
        do { report = try TestStore.repair(directory: dir, fileSystem: fs) } catch where error.code == .notFound && acknowledged == 0 {
            // The cut stopped the store's creation after its manifest and before its first
            // WAL segment was durable (seeds 505 and 535): the manifest was all there was,
            // nothing had been acknowledged, and `repair` rightly finds no store. The next
            // open starts one afresh beside the empty `wal` folder.
            return false
        } catch {
            Issue.record("\(context): repair cannot rebuild the lost manifest: \(error)")
            throw error
        }
        #expect(report.manifestRebuild != nil, "\(context): repair did not rebuild the lost manifest")
        return true
    }

    /// Another fault on top of a cut: a flipped byte in the newest catalog generation's
    /// file (`which` 0) or its copy (1); the other one must stand in for it
    /// (docs/format/catalog.md, "Two copies"). False when there was no catalog yet.
    static func damageOneCatalogCopy(_ fs: PowerCutFileSystem, _ dir: String, which: Int) throws -> Bool {
        let names = try fs.list(dir)
        guard let newest = names.compactMap({ name -> UInt64? in name.hasPrefix("catalog-") && !name.hasSuffix(".tmp") ? UInt64(name.dropFirst(8).prefix(20)) : nil }).max() else { return false }
        let digits = String(newest)
        let stem = "catalog-" + String(repeating: "0", count: 20 - digits.count) + digits
        let path = dir + "/" + stem + (which == 0 ? ".kdc" : ".copy.kdc")
        guard fs.exists(path) else { return false }
        var bytes = try fs.readFile(path)
        bytes[bytes.count / 2] ^= 0x20
        try fs.writeFileAtomically(path, bytes, directory: dir)
        return true
    }

    /// Opens the store on `fs` and checks it against `history`. Versions of a batch in
    /// flight that survived are part of the store's history from now on, and join the
    /// acknowledged ones.
    static func expectSurvivor(_ fs: PowerCutFileSystem, _ dir: String, _ options: StoreOptions, _ history: inout History, _ context: String) throws {
        let store: Store
        do { store = try TestStore.open(directory: dir, options: options, fileSystem: fs) } catch {
            Issue.record("\(context): the store does not open after the cut: \(error)")
            throw error
        }
        defer { try? store.close() }
        let stats = store.stats()
        var kept: [UInt64: Version] = [:]
        var firstLSN: [Key: UInt64] = [:]
        for series in stats.series {
            var versions: [Version] = []
            var seq = series.firstSeq
            while let v = try store.version(series.key, seq: seq) {
                versions.append(v)
                kept[v.lsn] = v
                seq += 1
            }
            #expect(versions.count == store.versionCount(series.key), "\(context): \(series.key) reads \(versions.count) versions, counts \(store.versionCount(series.key))")
            firstLSN[series.key] = versions.first?.lsn
            let last = seq - 1
            if isRetained(series.key) {
                #expect(versions.count >= min(keepLast, Int(last)), "\(context): \(series.key) keeps \(versions.count) of \(last), keep-last is \(keepLast)")
                #expect(series.drops.retention == series.firstSeq - 1, "\(context): \(series.key) counts \(series.drops.retention) drops, its first kept seq is \(series.firstSeq)")
            } else {
                #expect(series.firstSeq == 1, "\(context): \(series.key) lost versions before seq \(series.firstSeq)")
            }
            // Range reads (blocks' time and value columns) agree with the versions.
            let byTime = versions.sorted { ($0.timeMs, $0.seq) < ($1.timeMs, $1.seq) }
            let scanned = try store.readings(series.key, fromMs: Int64.min + 1, toMs: Int64.max)
            #expect(scanned.map(\.timeMs) == byTime.map(\.timeMs) && scanned.map(\.value) == byTime.map(\.value),
                    "\(context): \(series.key): a range read differs from the versions")
        }
        var missing = 0
        for (lsn, e) in history.acked.byLSN.sorted(by: { $0.key < $1.key }) {
            if let v = kept[lsn] {
                #expect(v.key == e.key && v.value == e.value && v.sourceTimeMs == e.sourceTimeMs, "\(context): LSN \(lsn) differs from what was acknowledged")
                continue
            }
            // Only keep-last may drop, and only versions older than every kept one.
            let droppable = isRetained(e.key) && lsn < (firstLSN[e.key] ?? UInt64.max)
            if !droppable {
                missing += 1
                if missing <= 3 { Issue.record("\(context): acknowledged LSN \(lsn) (\(e.key)) is missing") }
            }
        }
        for (lsn, v) in kept where history.acked.byLSN[lsn] == nil {
            let sent = history.inFlight.contains { $0.key == v.key && $0.value == v.value && $0.sourceTimeMs == v.sourceTimeMs }
            #expect(sent, "\(context): LSN \(lsn) (\(v.key)) was never written")
            history.acked.record(lsn: lsn, AcknowledgedWrites.Entry(key: v.key, value: v.value, sourceTimeMs: v.sourceTimeMs))
        }
        #expect(store.verify().isIntact, "\(context): verify found a broken chain")
    }
}
