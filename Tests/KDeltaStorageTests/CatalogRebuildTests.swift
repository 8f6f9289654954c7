import Foundation
import KDeltaModel
@testable import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

/// Both files of the series catalog lost: every open refuses, pointing at `repair`, which
/// rebuilds the generation the manifest names from the block files and the WAL
/// (docs/format/catalog.md, "Rebuilding"), or refuses and changes nothing when they cannot
/// tell it.
@Suite struct CatalogRebuildTests {
    typealias Setup = RetentionPowerCutTests
    static let hour = Setup.hour
    static let gone = try! Key("g/gone")
    static let new = try! Key("n/new")
    static let filler = try! Key("z/filler")

    /// Setup's rules (downsampling for `m/#`, keep-last 150 for `k/#`) and keep-for 30
    /// minutes for `g/#`.
    static func options(clock: ManualClock) throws -> StoreOptions {
        var o = try Setup.options(clock: clock)
        o.retention = RetentionRules(o.retention.rules + [try RetentionTests.rule("g/#", try RetentionPolicy(keepForMs: 30 * 60_000))])
        return o
    }

    static func catalogPaths(_ dir: String, _ generation: UInt64) -> [String] {
        let (file, copy) = CatalogFiles.paths(generation, directory: dir)
        return [file, copy]
    }

    static func manifest(_ dir: String) throws -> Manifest {
        try Manifest.decode(try PosixFileSystem().readFile(dir + "/" + Manifest.fileName), path: dir + "/" + Manifest.fileName)
    }

    static func listing(_ dir: String) throws -> [String] {
        let fm = FileManager.default
        var out: [String] = []
        for name in try fm.contentsOfDirectory(atPath: dir) {
            let path = dir + "/" + name
            var isDir: ObjCBool = false
            _ = fm.fileExists(atPath: path, isDirectory: &isDir)
            if isDir.boolValue {
                out += try fm.contentsOfDirectory(atPath: path).map { name + "/" + $0 + " " + String(WALSurgery.read(path + "/" + $0).count) }
            } else if name != "LOCK" {
                out.append(name + " " + String(WALSurgery.read(path).count))
            }
        }
        return out.sorted()
    }

    /// Removes both catalog files; every open, read-only or for writing, then refuses
    /// naming both and pointing at `repair`, and changes no file.
    static func loseCatalog(_ dir: String, options: StoreOptions) throws -> [String] {
        let paths = catalogPaths(dir, try manifest(dir).catalogGeneration)
        for path in paths { try FileManager.default.removeItem(atPath: path) }
        let before = try listing(dir)
        var readOnly = options
        readOnly.readOnly = true
        for opts in [readOnly, options] {
            let refusal = TestStore.refusal { _ = try TestStore.open(directory: dir, options: opts) }
            #expect(refusal?.code == .corruptFile, "\(refusal?.message ?? "accepted")")
            let message = refusal?.message ?? ""
            #expect(paths.allSatisfy { message.contains($0) } && message.contains("`kdelta-edge repair --data-dir \(dir)`"), "\(message)")
        }
        #expect(try listing(dir) == before, "a refused open changes nothing")
        return paths
    }

    /// A store with cuts, downsampling, keep-last, a compaction (if `compact`), a series
    /// whose every version in blocks retention dropped (its block removed; its two newest
    /// versions came after the checkpoint), and after the checkpoint more versions of every
    /// series and a series defined there, in the WAL only.
    static func lived(_ dir: String, clock: ManualClock, compact: Bool) throws -> StoreOptions {
        let opts = try options(clock: clock)
        let store = try TestStore.open(directory: dir, options: opts)
        try Setup.populate(store)
        try RetentionTests.write(store, gone, 10, start: RetentionTests.base, stepMs: 60_000)
        try store.cut()
        try RetentionTests.write(store, gone, 2, start: RetentionTests.base + 4 * hour - 60_000)
        let retention = try store.applyRetention()
        #expect(!retention.cutFirst && retention.blocksRemoved >= 1, "g/gone's block goes whole: \(retention)")
        #expect(store.seqRange(gone) == 11...12)
        if compact { _ = try store.compactBlocks() }
        for (i, k) in Setup.keys.enumerated() {
            try RetentionTests.write(store, k, 25, start: RetentionTests.base + 3 * hour, stepMs: 10_000) { j in
                i == 2 ? .bool(j % 2 == 0) : .double(Double(j) / 8)
            }
        }
        try RetentionTests.write(store, new, 5, start: RetentionTests.base + 3 * hour)
        try store.close()
        return opts
    }

    /// Every version of every key, rollups, seq ranges and latest versions.
    static func everything(_ store: Store) throws -> [Key: [String]] {
        var out: [Key: [String]] = [:]
        for key in store.keys() {
            var lines = ["latest " + TieredStorageTests.describe(store.latest(key))]
            lines += try store.history(key, HistoryQuery(order: .oldestFirst)).map(TieredStorageTests.describe)
            lines += try store.rollups(key, fromMs: .min, toMs: .max).map { "rollup \($0.startMs) \($0.count) \($0.sum)" }
            out[key] = lines
        }
        return out
    }

    /// Without the compaction, the blocks still hold versions retention dropped from
    /// `k/temp` (beside `z/door`'s): they come back until the next retention pass; those
    /// of `m/power` were rolled up and stay dropped.
    @Test(arguments: [true, false])
    func aCatalogLostAfterCutsRetentionAndCompactionIsRebuiltFromBlocksAndWAL(compacted: Bool) throws {
        let tmp = TemporaryDirectory("catalog-rebuild")
        defer { tmp.remove() }
        let dir = tmp.path
        let clock = ManualClock(RetentionTests.base + 4 * Self.hour)
        let opts = try Self.lived(dir, clock: clock, compact: compacted)
        let generation = try Self.manifest(dir).catalogGeneration
        let original = try CatalogFiles.read(generation, fs: PosixFileSystem(), directory: dir).catalog
        let before: [Key: [String]]
        let firstSeqs: [Key: UInt64]
        do {
            let store = try TestStore.open(directory: dir, options: opts)
            before = try Self.everything(store)
            firstSeqs = Dictionary(uniqueKeysWithValues: store.stats().series.map { ($0.key, $0.firstSeq) })
            #expect(!store.stats().drops.isZero)
            try store.close()
        }
        #expect(original.entries.map(\.key) == Setup.keys + [Self.gone], "n/new is defined after the checkpoint")

        let paths = try Self.loseCatalog(dir, options: opts)
        let report = try TestStore.repair(directory: dir)
        let rebuilt = try #require(report.catalogRebuild)
        #expect(rebuilt.generation == generation && rebuilt.files == paths && rebuilt.series == 4)
        #expect(rebuilt.notRestored.count == 3 && !rebuilt.notRestored.contains { $0.contains("broken link") }, "\(rebuilt.notRestored)")
        #expect(report.damagedFile == nil && report.manifestRebuild == nil && report.catalogRepairs.isEmpty)
        #expect(WALSurgery.read(paths[0]) == WALSurgery.read(paths[1]))

        // What the blocks and the WAL hold comes back as it was; only what they do not
        // hold differs: drop counts, rollup floors, and dropped versions still in a block.
        let catalog = try CatalogFiles.read(generation, fs: PosixFileSystem(), directory: dir).catalog
        #expect(catalog.entries.map(\.key) == original.entries.map(\.key))
        for (got, was) in zip(catalog.entries, original.entries) {
            #expect(got.nextSeq == was.nextSeq && got.lastID == was.lastID, "\(got.key)")
            #expect(got.firstSeq <= was.firstSeq, "\(got.key): \(got.firstSeq) after \(was.firstSeq)")
            #expect(got.drops.isZero && got.rollupFloorMs == .min)
        }
        #expect(catalog.entries[3].firstSeq == 11, "g/gone's dropped block is gone: nothing comes back")
        #expect(catalog.entries[0].firstSeq == original.entries[0].firstSeq, "m/power's rolled-up versions stay dropped")
        #expect(catalog.entries[1].firstSeq == (compacted ? original.entries[1].firstSeq : 1), "k/temp's dropped versions come back from blocks that z/door keeps")

        let store = try TestStore.open(directory: dir, options: opts)
        #expect(store.recovery.findings.isEmpty, "\(store.recovery.findings)")
        let after = try Self.everything(store)
        #expect(Set(after.keys) == Set(before.keys))
        for (key, lines) in before {
            // Versions that come back (retention dropped them; a block still holds them)
            // come first; the rest is exactly as before.
            let got = after[key] ?? []
            let back = Int((firstSeqs[key] ?? 1) - (store.seqRange(key)?.lowerBound ?? 1))
            #expect(got.count == lines.count + back, "\(key)")
            #expect(Array(got.prefix(1)) == Array(lines.prefix(1)), "\(key): latest")
            #expect(Array(got.dropFirst(1 + back)) == Array(lines.dropFirst()), "\(key)")
        }
        let verify = store.verify()
        #expect(verify.isIntact, "\(verify.brokenLinks) \(verify.unreadable)")
        #expect(verify.keys == 5)
        #expect(store.stats().drops.isZero)

        // Writing goes on: every series continues its seq and hash chain.
        for key in before.keys.sorted() {
            let latest = try #require(store.latest(key))
            let receipt = try store.put(key, .double(99))
            #expect(receipt.count == 1)
            #expect(store.latest(key)?.seq == latest.seq + 1 && store.latest(key)?.parent == latest.id, "\(key)")
        }
        try store.cut()
        #expect(store.verify().isIntact)
        // The next retention pass drops again what came back.
        try store.applyRetention()
        let newest = try #require(store.latest(Setup.keys[1])).seq
        #expect(store.seqRange(Setup.keys[1]) == (newest - 149)...newest, "keep-last 150")
        #expect(store.verify().isIntact)
        try store.close()
        let reopened = try TestStore.open(directory: dir, options: opts)
        #expect(reopened.verify().isIntact)
        #expect(reopened.latest(Self.new)?.seq == 6 && reopened.latest(Self.gone)?.seq == 13)
        try reopened.close()
    }

    /// A series retention emptied of block versions, whose definition went with a WAL
    /// segment a checkpoint removed: nothing names its key, so the rebuild refuses.
    @Test func aSeriesWhoseKeyNoFileNamesRefusesTheRebuildAndNothingChanges() throws {
        let tmp = TemporaryDirectory("catalog-rebuild-unknown")
        defer { tmp.remove() }
        let dir = tmp.path
        let clock = ManualClock(RetentionTests.base + 4 * Self.hour)
        let opts = try Self.options(clock: clock)
        do {
            let store = try TestStore.open(directory: dir, options: opts)
            try RetentionTests.write(store, Self.gone, 10, start: RetentionTests.base, stepMs: 60_000)
            try store.cut()
            // Enough to fill the first 64 KiB WAL segment: the next checkpoint removes it.
            try RetentionTests.write(store, Self.filler, 6000, start: RetentionTests.base)
            try store.cut()
            try RetentionTests.write(store, Self.gone, 2, start: RetentionTests.base + 4 * Self.hour - 60_000)
            #expect(try store.applyRetention().blocksRemoved == 1)
            try store.close()
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/wal/" + WALFormat.segmentFileName(1)))
        _ = try Self.loseCatalog(dir, options: opts)
        let before = try Self.listing(dir)
        let refusal = TestStore.refusal { _ = try TestStore.repair(directory: dir) }
        #expect(refusal?.code == .corruptFile)
        #expect(refusal?.message.contains("series id 0 is at or before the checkpoint") == true && refusal?.message.contains("no block file and no WAL record names its key") == true
            && refusal?.message.hasSuffix("Nothing was changed; restore the data directory from a backup.") == true, "\(refusal?.message ?? "repaired")")
        #expect(try Self.listing(dir) == before)
    }

    /// A series downsampling emptied of block versions (its rollups name its key), whose
    /// last version before the checkpoint went with a WAL segment the checkpoint removed:
    /// the rebuild restores the rest and reports the link it cannot restore, which
    /// `verify` names.
    @Test func aChainLinkNoFileHoldsIsReportedAndVerifyNamesIt() throws {
        let tmp = TemporaryDirectory("catalog-rebuild-link")
        defer { tmp.remove() }
        let dir = tmp.path
        let clock = ManualClock(RetentionTests.base + 4 * Self.hour)
        let opts = try Self.options(clock: clock)
        let lost = try Key("m/lost")
        do {
            let store = try TestStore.open(directory: dir, options: opts)
            try RetentionTests.write(store, lost, 10, start: RetentionTests.base, stepMs: 60_000)
            try store.cut()
            try RetentionTests.write(store, Self.filler, 6000, start: RetentionTests.base)
            try store.cut()
            try RetentionTests.write(store, lost, 2, start: RetentionTests.base + 4 * Self.hour - 60_000)
            let retention = try store.applyRetention()
            #expect(retention.blocksRemoved == 1 && retention.dropped.downsampled == 10, "\(retention)")
            try store.close()
        }
        _ = try Self.loseCatalog(dir, options: opts)
        let report = try #require(try TestStore.repair(directory: dir).catalogRebuild)
        #expect(report.notRestored.last == "m/lost: the id of seq 10, which seq 11 links to in its hash chain, is in no block file and no WAL record: `verify` reports a broken link at seq 11", "\(report.notRestored)")
        let store = try TestStore.open(directory: dir, options: opts)
        #expect(store.seqRange(lost) == 11...12 && store.versionCount(Self.filler) == 6000)
        #expect(try store.rollups(lost, fromMs: .min, toMs: .max).reduce(0) { $0 + $1.count } == 10)
        let verify = store.verify()
        #expect(verify.brokenLinks.map { "\($0.key) \($0.seq)" } == ["m/lost 11"], "\(verify.brokenLinks)")
        try store.close()
    }

    /// A block file the manifest names that does not open: the rebuild cannot know what it
    /// held, and refuses naming it.
    @Test func aBlockThatDoesNotOpenRefusesTheRebuildAndNothingChanges() throws {
        let tmp = TemporaryDirectory("catalog-rebuild-block")
        defer { tmp.remove() }
        let dir = tmp.path
        _ = try RecoveryTests.writeRecords(dir, count: 30)
        let store = try TestStore.open(directory: dir)
        try store.cut()
        try store.close()
        _ = try Self.loseCatalog(dir, options: StoreOptions())
        let block = dir + "/blocks/" + BlockFormat.fileName(1)
        var bytes = WALSurgery.read(block)
        bytes[10] ^= 0x40
        WALSurgery.overwrite(block, bytes)
        let before = try Self.listing(dir)
        let refusal = TestStore.refusal { _ = try TestStore.repair(directory: dir) }
        #expect(refusal?.code == .corruptFile)
        #expect(refusal?.message.contains("cannot rebuild the series catalog") == true && refusal?.message.contains(block) == true, "\(refusal?.message ?? "repaired")")
        #expect(try Self.listing(dir) == before)
    }

    /// One file lost is no rebuild: `repair` rewrites it from the other, as before.
    @Test(arguments: [0, 1])
    func oneLostCatalogFileIsRewrittenFromTheOtherWithoutARebuild(lost: Int) throws {
        let tmp = TemporaryDirectory("catalog-rebuild-one")
        defer { tmp.remove() }
        let dir = tmp.path
        let acked = try CatalogCopyTests.store(dir)
        let paths = Self.catalogPaths(dir, 1)
        let good = WALSurgery.read(paths[1 - lost])
        try FileManager.default.removeItem(atPath: paths[lost])
        let report = try TestStore.repair(directory: dir)
        #expect(report.catalogRebuild == nil)
        #expect(report.catalogRepairs.count == 1 && report.catalogRepairs[0].contains("rewrote \(paths[lost]) from \(paths[1 - lost])"), "\(report.catalogRepairs)")
        #expect(WALSurgery.read(paths[lost]) == good)
        let store = try TestStore.open(directory: dir)
        _ = try acked.expectPresent(in: store, "after the repair")
        #expect(store.recovery.findings.isEmpty)
        try store.close()
    }
}
