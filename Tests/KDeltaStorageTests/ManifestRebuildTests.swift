import KDeltaModel
import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

/// `repair` rebuilds a missing or damaged manifest from the series catalog, the block files
/// and the WAL (docs/format/manifest.md, "Rebuilding"): the store reads exactly as before,
/// and files the new manifest does not name are moved aside, never deleted.
@Suite struct ManifestRebuildTests {
    typealias Setup = RetentionPowerCutTests

    enum Damage: String, CaseIterable, Sendable {
        case deleted, flippedByte, truncated, emptied
    }

    /// A store that went through cuts, a retention pass with downsampling, a compaction
    /// and more writes after the last checkpoint (in the WAL only).
    /// `populated(_:clock:)` at the time most tests use.
    static func populated(_ dir: String) throws -> StoreOptions {
        try populated(dir, clock: ManualClock(RetentionTests.base + 4 * Setup.hour))
    }

    static func populated(_ dir: String, clock: ManualClock, walSegmentBytes: Int? = nil) throws -> StoreOptions {
        var opts = try Setup.options(clock: clock)
        if let walSegmentBytes { opts.walSegmentBytes = walSegmentBytes }
        let store = try TestStore.open(directory: dir, options: opts)
        try Setup.populate(store)
        try store.applyRetention()
        _ = try store.compactBlocks()
        for (i, k) in Setup.keys.enumerated() {
            try RetentionTests.write(store, k, 25, start: RetentionTests.base + 3 * Setup.hour, stepMs: 10_000) { j in
                i == 2 ? .bool(j % 2 == 0) : .double(Double(j) / 8)
            }
        }
        try store.close()
        return opts
    }

    static func damage(_ path: String, _ how: Damage, fs: any FileSystem = PosixFileSystem()) throws {
        if how == .deleted {
            try fs.remove(path)
            return
        }
        var bytes = try fs.readFile(path)
        switch how {
        case .flippedByte: bytes[bytes.count / 2] ^= 0x10
        case .truncated: bytes.removeLast(bytes.count / 3)
        case .emptied: bytes = []
        case .deleted: break
        }
        try fs.writeFileAtomically(path, bytes, directory: parentDirectory(path))
    }

    static func parentDirectory(_ path: String) -> String {
        String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
    }

    @Test(arguments: Damage.allCases)
    func aLostOrDamagedManifestIsRebuiltAsItWas(_ how: Damage) throws {
        let tmp = TemporaryDirectory("rebuild-\(how.rawValue)")
        defer { tmp.remove() }
        let dir = tmp.path
        let clock = ManualClock(RetentionTests.base + 4 * Setup.hour)
        let opts = try Self.populated(dir, clock: clock)
        let manifestPath = dir + "/" + Manifest.fileName
        let original = try Manifest.decode(try PosixFileSystem().readFile(manifestPath), path: manifestPath)
        #expect(original.blocks.count >= 2 && original.checkpointLSN > 0, "the store has blocks and a checkpoint to rebuild")
        let expected: [String]
        do {
            let store = try TestStore.open(directory: dir, options: opts)
            expected = try Setup.state(store)
            try store.close()
        }

        try Self.damage(manifestPath, how)
        let refusal = TestStore.refusal { _ = try TestStore.open(directory: dir, options: opts) }
        #expect(refusal != nil, "accepted")
        #expect(refusal?.code == .corruptFile)
        #expect(refusal?.message.contains("kdelta-edge repair --data-dir \(dir)") == true, "\(refusal?.message ?? "")")

        let report = try TestStore.repair(directory: dir)
        let rebuilt = try #require(report.manifestRebuild)
        #expect(report.damagedFile == nil)
        #expect((rebuilt.setAsidePath != nil) == (how != .deleted))
        #expect(rebuilt.leftOut.isEmpty, "\(rebuilt.leftOut)")
        var manifest = try Manifest.decode(try PosixFileSystem().readFile(manifestPath), path: manifestPath)
        // The next block number may be lower when the newest numbers' files were removed;
        // it only has to stay above every block file's.
        #expect(manifest.nextBlockNumber > manifest.blocks.map(\.number).max() ?? 0)
        manifest.nextBlockNumber = original.nextBlockNumber
        #expect(manifest == original)

        let store = try TestStore.open(directory: dir, options: opts)
        #expect(try Setup.state(store) == expected)
        #expect(store.verify().isIntact)
        // Writing goes on: seqs, chains and LSNs continue.
        try store.put(Setup.keys[1], .double(42))
        _ = try store.cut()
        try store.close()
        let again = try TestStore.open(directory: dir, options: opts)
        #expect(again.verify().isIntact)
        #expect(again.latest(Setup.keys[1])?.value == .double(42))
        try again.close()
    }

    enum Operation: String, CaseIterable, Sendable {
        case retention, compaction, rollupMerge
    }

    /// Eight downsampling passes an hour apart, each writing a rollup block: enough for
    /// a compaction to merge the rollup blocks.
    static func eightRollupBlocks(_ store: Store, clock: ManualClock) throws {
        for round in 0..<8 {
            clock.set(RetentionTests.base + Int64(4 + round) * Setup.hour)
            try RetentionTests.write(store, Setup.keys[0], 60, start: RetentionTests.base + Int64(3 + round) * Setup.hour, stepMs: 60_000) { j in
                .double(Double((j * 13 + round) % 50) / 2)
            }
            try store.cut()
            try store.applyRetention()
        }
    }

    /// A power cut at any step of a retention pass, a compaction or a rollup merge, and
    /// then the manifest lost as well: the rebuilt store reads as before the operation or
    /// after it, never a mix, though the files of the interrupted operation are all still
    /// there.
    @Test(arguments: Operation.allCases)
    func aPowerCutThenALostManifestRebuildsTheOldOrTheNewState(_ operation: Operation) throws {
        let tmp = TemporaryDirectory("rebuild-powercut-\(operation.rawValue)")
        defer { tmp.remove() }
        let dir = tmp.path
        let clock = ManualClock(RetentionTests.base + 4 * Setup.hour)
        let opts = try Setup.options(clock: clock)
        func prepare(_ store: Store) throws {
            clock.set(RetentionTests.base + 4 * Setup.hour)
            try Setup.populate(store)
            switch operation {
            case .retention: break
            case .compaction: try store.applyRetention()
            case .rollupMerge: try Self.eightRollupBlocks(store, clock: clock)
            }
        }
        func operate(_ store: Store) throws {
            switch operation {
            case .retention: try store.applyRetention()
            case .compaction, .rollupMerge: _ = try store.compactBlocks()
            }
        }

        let probe = PowerCutFileSystem(directories: [dir])
        let p = try TestStore.open(directory: dir, options: opts, fileSystem: probe)
        try prepare(p)
        let rollupBlocksBefore = p.stats().rollupBlocks
        let old = try Setup.state(p)
        let before = probe.mutations.count
        try operate(p)
        let steps = probe.mutations.count - before
        let new = try Setup.state(p)
        if operation == .rollupMerge {
            #expect(rollupBlocksBefore >= StorageLimits.compactWarmBlocksMin && p.stats().rollupBlocks == 1, "\(rollupBlocksBefore) rollup blocks merged into \(p.stats().rollupBlocks)")
        }
        try p.close()
        #expect(old.last != new.last)
        var leftOutSeen = 0
        for step in 1...(steps + 1) {
            let fs = PowerCutFileSystem(directories: [dir])
            let store = try TestStore.open(directory: dir, options: opts, fileSystem: fs)
            try prepare(store)
            fs.schedulePowerCut(beforeMutation: step, tearLastPage: true, seed: UInt64(step))
            try? operate(store)
            try? store.close()
            let survivor = fs.survivor ?? fs.powerCut(seed: UInt64(step))
            try Self.damage(dir + "/" + Manifest.fileName, step % 2 == 0 ? .deleted : .flippedByte, fs: survivor)

            let report = try TestStore.repair(directory: dir, fileSystem: survivor)
            let rebuilt = try #require(report.manifestRebuild, "step \(step)")
            leftOutSeen += rebuilt.leftOut.count
            for f in rebuilt.leftOut {
                #expect(survivor.exists(rebuilt.setAsideDirectory + "/" + (f.path.split(separator: "/").last.map(String.init) ?? "")), "step \(step): \(f.path) was moved aside")
            }
            let reopened = try TestStore.open(directory: dir, options: opts, fileSystem: survivor)
            let got = try Setup.state(reopened)
            #expect(got == old || got == new, "\(operation): power cut before mutation \(step) of \(steps), then the manifest lost, left a mix (\(got.last ?? ""); old \(old.last ?? ""), new \(new.last ?? ""); left out \(rebuilt.leftOut.map(\.reason)))")
            #expect(reopened.verify().isIntact, "\(operation): step \(step)")
            try reopened.put(Setup.keys[0], .double(1))
            try reopened.applyRetention()
            try reopened.close()
        }
        #expect(leftOutSeen > 0, "no step left a file of the interrupted operation behind: the test would not exercise the choice")
    }

    /// The catalog written with a compaction lost, its blocks still there beside the
    /// blocks it replaced (restored here from a copy): the rebuild takes the older catalog
    /// and the blocks that hold what it says, and leaves the newer ones out.
    @Test func blocksOfAnOperationWhoseCatalogIsLostAreLeftOut() throws {
        let tmp = TemporaryDirectory("rebuild-lostcatalog")
        defer { tmp.remove() }
        let dir = tmp.path
        let clock = ManualClock(RetentionTests.base + 4 * Setup.hour)
        let opts = try Setup.options(clock: clock)
        let fs = PosixFileSystem()
        let store = try TestStore.open(directory: dir, options: opts)
        try Setup.populate(store)
        let old = try Setup.state(store)
        try store.close()
        let copied = try fs.list(dir + "/blocks").map { ("blocks/" + $0, try fs.readFile(dir + "/blocks/" + $0)) }
            + fs.list(dir).filter { $0.hasPrefix("catalog-") }.map { ($0, try fs.readFile(dir + "/" + $0)) }

        // Retention drops old versions and writes rollups; the compaction then rewrites the
        // blocks without the dropped versions.
        let later = try TestStore.open(directory: dir, options: opts)
        try later.applyRetention()
        #expect(try later.compactBlocks().blockWritten != nil)
        try later.close()
        let newCatalogs = try fs.list(dir).filter { $0.hasPrefix("catalog-") }
        for name in newCatalogs { try fs.remove(dir + "/" + name) }
        for (name, bytes) in copied { try fs.writeFileAtomically(dir + "/" + name, bytes, directory: dir + "/" + (name.hasPrefix("blocks/") ? "blocks" : "")) }
        try fs.remove(dir + "/" + Manifest.fileName)

        let report = try TestStore.repair(directory: dir)
        let rebuilt = try #require(report.manifestRebuild)
        #expect(rebuilt.leftOut.contains { $0.reason.contains("whose catalog was never written") }, "\(rebuilt.leftOut.map(\.reason))")
        let reopened = try TestStore.open(directory: dir, options: opts)
        #expect(try Setup.state(reopened) == old)
        #expect(reopened.verify().isIntact)
        try reopened.close()
    }

    /// Every live version of `keys`, as "key seq id value" lines.
    static func liveVersions(_ store: Store, _ keys: [Key]) throws -> [String] {
        var out: [String] = []
        for k in keys {
            guard let first = store.stats().series.first(where: { $0.key == k })?.firstSeq else { continue }
            var seq = first
            while let v = try store.version(k, seq: seq) {
                out.append("\(k) \(v.seq) \(v.id) \(v.value)")
                seq += 1
            }
        }
        return out
    }

    /// Without a catalog no block can be read; while the WAL still starts at LSN 1 (here
    /// its first segment never filled) it holds every version the blocks do, so they are
    /// left out and the store is rebuilt from the WAL alone: every live version is there,
    /// with its id, and the versions retention had dropped come back. (A segment of 256
    /// KiB stays under half full, so no checkpoint replaces it by a fresh one.)
    @Test func blocksWithoutACatalogAreLeftOutWhenTheWALHoldsEverything() throws {
        let tmp = TemporaryDirectory("rebuild-nocatalog")
        defer { tmp.remove() }
        let dir = tmp.path
        let opts = try Self.populated(dir, clock: ManualClock(RetentionTests.base + 4 * Setup.hour), walSegmentBytes: 256 * 1024)
        let before = try { () throws -> [String] in
            let store = try TestStore.open(directory: dir, options: opts)
            defer { try? store.close() }
            return try Self.liveVersions(store, Setup.keys)
        }()
        let fs = PosixFileSystem()
        #expect(try fs.list(dir + "/wal") == [WALFormat.segmentFileName(1)])
        for name in try fs.list(dir) where name.hasPrefix("catalog-") { try fs.remove(dir + "/" + name) }
        try fs.remove(dir + "/" + Manifest.fileName)
        let blocks = try fs.list(dir + "/blocks").filter { $0.hasSuffix(".kdb") }
        #expect(!blocks.isEmpty)

        let rebuilt = try #require(try TestStore.repair(directory: dir).manifestRebuild)
        #expect(rebuilt.blocks.isEmpty && rebuilt.checkpointLSN == 0)
        #expect(Set(rebuilt.leftOut.map { String($0.path.split(separator: "/").last!) }) == Set(blocks), "\(rebuilt.leftOut)")
        #expect(rebuilt.leftOut.allSatisfy { $0.reason.contains("the WAL holds every version it does") })
        let reopened = try TestStore.open(directory: dir, options: opts)
        let after = Set(try Self.liveVersions(reopened, Setup.keys))
        #expect(before.filter { !after.contains($0) }.isEmpty, "versions lost: \(before.filter { !after.contains($0) }.prefix(3))")
        #expect(after.count > before.count, "the versions retention dropped come back")
        #expect(reopened.verify().isIntact)
        try reopened.close()
    }

    /// Once checkpoints removed the WAL's first segments, blocks without a catalog hold
    /// versions nothing else does: refused, and nothing changes.
    @Test func blocksWithoutACatalogAreRefusedOnceTheWALNoLongerStartsAtLSN1() throws {
        let tmp = TemporaryDirectory("rebuild-nocatalog-rolled")
        defer { tmp.remove() }
        let dir = tmp.path
        var opts = try Setup.options(clock: ManualClock(RetentionTests.base + 100 * Setup.hour))
        opts.walSegmentBytes = StorageLimits.walSegmentBytesMin
        let store = try TestStore.open(directory: dir, options: opts)
        for round in 0..<8 {
            try RetentionTests.write(store, try Key("z/door"), 2_000, start: RetentionTests.base + Int64(round) * Setup.hour, stepMs: 1_000)
            try store.cut()
        }
        try store.close()
        let fs = PosixFileSystem()
        #expect(!(try fs.list(dir + "/wal")).contains(WALFormat.segmentFileName(1)), "checkpoints removed the first segment")
        for name in try fs.list(dir) where name.hasPrefix("catalog-") { try fs.remove(dir + "/" + name) }
        try fs.remove(dir + "/" + Manifest.fileName)
        let blocksBefore = try fs.list(dir + "/blocks").sorted()
        let refusal = TestStore.refusal { _ = try TestStore.repair(directory: dir) }
        #expect(refusal != nil, "accepted")
        #expect(refusal?.message.contains("no series catalog checks") == true, "\(refusal?.message ?? "")")
        #expect(try fs.list(dir + "/blocks").sorted() == blocksBefore)
        #expect(!fs.exists(dir + "/" + Manifest.fileName))
        #expect(!fs.exists(dir + "/repair"))
    }

    /// A WAL from LSN 1 that lost its end (cut by hand, or unsynced under `fsync=never`)
    /// while the blocks hold later versions: those would be lost, so this is refused too.
    @Test func blocksWithoutACatalogAreRefusedWhenTheWALEndsBeforeThem() throws {
        let tmp = TemporaryDirectory("rebuild-nocatalog-short")
        defer { tmp.remove() }
        let dir = tmp.path
        _ = try Self.populated(dir)
        let segment = try #require(WALSurgery.segments(dir).first)
        WALSurgery.truncateFile(segment, to: WALSurgery.frames(WALSurgery.read(segment))[2].offset)
        let fs = PosixFileSystem()
        for name in try fs.list(dir) where name.hasPrefix("catalog-") { try fs.remove(dir + "/" + name) }
        try fs.remove(dir + "/" + Manifest.fileName)
        let refusal = TestStore.refusal { _ = try TestStore.repair(directory: dir) }
        #expect(refusal?.message.contains("does not hold every version") == true, "\(refusal?.message ?? "accepted")")
        #expect(!fs.exists(dir + "/" + Manifest.fileName))
    }

    @Test func openingADirectoryWithBlocksButNoManifestOrWALRefusesInsteadOfStartingAFreshStore() throws {
        let tmp = TemporaryDirectory("rebuild-nowal")
        defer { tmp.remove() }
        let dir = tmp.path
        let opts = try Self.populated(dir)
        let fs = PosixFileSystem()
        try fs.remove(dir + "/" + Manifest.fileName)
        for name in try fs.list(dir + "/wal") { try fs.remove(dir + "/wal/" + name) }
        let blocksBefore = try fs.list(dir + "/blocks").sorted()
        let refusal = TestStore.refusal { _ = try TestStore.open(directory: dir, options: opts) }
        #expect(refusal != nil, "accepted")
        #expect(refusal?.message.contains("block files") == true, "\(refusal?.message ?? "")")
        #expect(try fs.list(dir + "/blocks").sorted() == blocksBefore, "the blocks were kept")
        // repair rebuilds from the blocks and catalog alone: what was checkpointed is back.
        let report = try TestStore.repair(directory: dir)
        #expect(report.manifestRebuild != nil)
        let store = try TestStore.open(directory: dir, options: opts)
        #expect(store.verify().isIntact)
        #expect(store.versionCount(Setup.keys[2]) > 0)
        try store.close()
    }

    @Test func aManifestOfALaterFormatIsNotRebuilt() throws {
        let tmp = TemporaryDirectory("rebuild-later")
        defer { tmp.remove() }
        let dir = tmp.path
        _ = try Self.populated(dir)
        let path = dir + "/" + Manifest.fileName
        let later = Array("kdelta-manifest 9\nstore-id 0000000000000001\n".utf8)
        try PosixFileSystem().writeFileAtomically(path, later, directory: dir)
        let refusal = TestStore.refusal { _ = try TestStore.repair(directory: dir) }
        #expect(refusal != nil, "accepted")
        #expect(refusal?.message.contains("upgrade kdelta-edge") == true, "\(refusal?.message ?? "")")
        #expect(try PosixFileSystem().readFile(path) == later)
    }
}
