#if canImport(Glibc)
import Glibc
#endif
import KDeltaModel
@testable import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

/// A damaged or missing block file (docs/durability.md, "Recovery"): every read either
/// returns the right version or reports the damage, and `repair` always ends in a store
/// that opens, reads and writes, with what it lost named exactly.
@Suite struct BlockRepairTests {
    static let keys = ["sensors/a", "sensors/b", "sensors/c"].map { try! Key($0) }

    /// Where the block's versions still are, besides the block.
    enum WAL: String, CaseIterable, Sendable {
        /// The WAL segment still holds every version of the block (a store compacted once).
        case holdsEveryVersion
        /// The segments of the block's versions were removed by a later checkpoint.
        case lostTheBlocksVersions
    }

    /// Offsets tried per variant: `KDELTA_BLOCK_FLIPS` (default 100 here, 24 under qemu; a soak: 1000 passed).
    static var flipCount: Int {
        if let text = getenv("KDELTA_BLOCK_FLIPS").map({ String(cString: $0) }), let n = Int(text) { return n }
        return getenv("KDELTA_UNDER_QEMU") != nil ? 24 : 100
    }

    static func options() -> StoreOptions {
        var o = StoreOptions()
        o.walSegmentBytes = StorageLimits.walSegmentBytesMin
        o.retentionIntervalMs = 0
        return o
    }

    struct Expected {
        var versions: [Key: [UInt64: Version]] = [:]
        var blockPath: String
    }

    /// A store in memory with its first block cut; returns every version written.
    static func pristine(_ dir: String, wal: WAL) throws -> (PowerCutFileSystem, Expected) {
        let fs = PowerCutFileSystem(directories: [dir])
        let store = try TestStore.open(directory: dir, options: options(), fileSystem: fs)
        func write(_ rounds: Int, from start: Int) throws {
            for r in 0..<rounds {
                var batch: [Reading] = []
                for (k, key) in keys.enumerated() {
                    for j in 0..<25 {
                        let i = start + r * 25 + j
                        let value: Value = k == 0 ? .double(Double(i) / 4) : k == 1 ? .int(Int64(i * 3)) : .string("state \(i % 7)")
                        batch.append(Reading(key: key, value: value, sourceTimeMs: 1_714_564_800_000 + Int64(i) * 60_000))
                    }
                }
                try store.putBatch(batch)
            }
        }
        try write(8, from: 0)
        try store.cut()
        if wal == .lostTheBlocksVersions {
            // Enough more to fill the small segments, then a checkpoint removes them.
            try write(24, from: 200)
            try store.cut()
            #expect(store.manifest.walFirstLSN > 600, "the WAL no longer starts before the first block's versions")
        }
        var expected = Expected(blockPath: dir + "/blocks/" + BlockFormat.fileName(1))
        for key in keys {
            for v in try store.history(key, HistoryQuery()) { expected.versions[key, default: [:]][v.seq] = v }
        }
        try store.close()
        return (fs, expected)
    }

    static func flip(_ fs: PowerCutFileSystem, _ path: String, at offset: Int, mask: UInt8) throws {
        let fd = try fs.open(path, .readWrite)
        defer { fs.close(fd) }
        var byte = try fs.read(fd, count: 1, at: Int64(offset))
        byte[0] ^= mask
        try fs.write(fd, byte, at: Int64(offset))
        try fs.sync(fd)
    }

    /// Every version `store` gives back is the one written; a version it cannot give must
    /// come with a damage error. Returns how many reads reported damage.
    static func readsAreRightOrReportDamage(_ store: Store, _ expected: Expected, context: String) -> Int {
        var reported = 0
        for (key, versions) in expected.versions {
            for (seq, want) in versions {
                do {
                    guard let got = try store.version(key, seq: seq) else {
                        Issue.record("\(context): \(key) seq \(seq) is missing without an error")
                        continue
                    }
                    #expect(got.value == want.value && got.id == want.id && got.hlc == want.hlc, "\(context): \(key) seq \(seq) read wrong")
                } catch {
                    #expect(error.code == .corruptFile, "\(context): \(key) seq \(seq): \(error.message)")
                    reported += 1
                }
            }
        }
        return reported
    }

    @Test(arguments: WAL.allCases)
    func aFlippedByteAnywhereInABlockIsReadRightOrReportedAndRepairAlwaysEndsInAnOpenStore(_ wal: WAL) throws {
        let tmp = TemporaryDirectory("block-flip-\(wal.rawValue)")
        defer { tmp.remove() }
        let dir = tmp.path
        let (pristine, expected) = try Self.pristine(dir, wal: wal)
        let size = try #require(pristine.contents(of: expected.blockPath)).count
        var rng = SplitMix64(seed: 18_002 + UInt64(wal == .holdsEveryVersion ? 0 : 1))
        // Both ends of the file (header, directory, trailer: up to 48 bytes each, a quarter
        // of the count each) and seeded offsets between.
        let ends = min(48, Self.flipCount / 4, size / 2)
        var offsets = Array(0..<ends) + Array((size - ends)..<size)
        while offsets.count < Self.flipCount { offsets.append(Int(rng.next(below: UInt64(size)))) }
        var reportedByReads = 0, reportedByOpen = 0, repaired = 0, lostAny = 0
        for (n, offset) in offsets.enumerated() {
            let context = "\(wal) flip at \(offset) of \(size)"
            let fs = pristine.powerCut(tearLastPage: false)
            try Self.flip(fs, expected.blockPath, at: offset, mask: UInt8(1 + rng.next(below: 255)))
            var ro = Self.options()
            ro.readOnly = true
            do {
                let store = try Store.open(directory: dir, options: ro, fileSystem: fs)
                reportedByReads += Self.readsAreRightOrReportDamage(store, expected, context: context)
                try store.close()
            } catch {
                #expect(error.code == .corruptFile, "\(context): opening: \(error.message)")
                reportedByOpen += 1
            }
            let report: RepairReport
            do { report = try TestStore.repair(directory: dir, fileSystem: fs) } catch {
                Issue.record("\(context): repair refused: \(error.message)")
                continue
            }
            if report.blockRepair != nil { repaired += 1 }
            let lost = (report.blockRepair?.lost ?? []) + (report.blockRepair?.hidden ?? [])
            if !lost.isEmpty { lostAny += 1 }
            let store = try TestStore.open(directory: dir, options: Self.options(), fileSystem: fs)
            for (key, versions) in expected.versions {
                for (seq, want) in versions {
                    let gone = lost.contains { $0.key == key && $0.seqs.contains(seq) }
                    do {
                        let got = try store.version(key, seq: seq)
                        if gone {
                            #expect(got == nil, "\(context): \(key) seq \(seq) was reported lost but reads")
                        } else {
                            #expect(got?.value == want.value && got?.id == want.id, "\(context): \(key) seq \(seq) after repair")
                        }
                    } catch {
                        Issue.record("\(context): \(key) seq \(seq) after repair: \(error.message)")
                    }
                }
                // The series goes on: its next version continues its seq and hash chain.
                let last = versions.keys.max()!
                let receipt = try store.put(key, .int(Int64(n)))
                #expect(try store.version(key, seq: last + 1)?.lsn == receipt.firstLSN, "\(context): \(key) does not continue at seq \(last + 1)")
            }
            let verified = store.verify()
            #expect(verified.brokenLinks.isEmpty && verified.unreadable.isEmpty, "\(context): verify after repair: \(verified)")
            try store.close()
        }
        #expect(repaired > 0 && reportedByReads + reportedByOpen > 0, "the sweep never hit a byte that mattered")
        if wal == .holdsEveryVersion { #expect(lostAny == 0, "versions the WAL still held were reported lost") } else { #expect(lostAny > 0) }
    }

    /// The trailer is the one part of a block no checksum covers: a directory offset whose
    /// top bit flipped (over `Int.max`) trapped when it was converted before being checked.
    @Test func aBlockTrailerWithAHugeDirectoryOffsetIsDamageNotATrap() throws {
        let tmp = TemporaryDirectory("block-trailer")
        defer { tmp.remove() }
        let dir = tmp.path
        let (pristine, expected) = try Self.pristine(dir, wal: .holdsEveryVersion)
        let fs = pristine.powerCut(tearLastPage: false)
        let size = try #require(fs.contents(of: expected.blockPath)).count
        // Trailer: directory offset u64, length u32, CRC u32, magic 8 (docs/format/block.md).
        try Self.flip(fs, expected.blockPath, at: size - BlockFormat.trailerBytes + 7, mask: 0x80)
        var ro = Self.options()
        ro.readOnly = true
        let refusal = TestStore.refusal { _ = try Store.open(directory: dir, options: ro, fileSystem: fs) }
        #expect(refusal?.code == .corruptFile, "\(String(describing: refusal))")
        let report = try TestStore.repair(directory: dir, fileSystem: fs)
        #expect(report.blockRepair?.lost.isEmpty == true && report.blockRepair?.versionsRebuilt == 600)
    }

    @Test func aMissingBlockFileIsDamageAndRepairRebuildsItFromTheWAL() throws {
        let tmp = TemporaryDirectory("block-missing")
        defer { tmp.remove() }
        let dir = tmp.path
        let (pristine, expected) = try Self.pristine(dir, wal: .holdsEveryVersion)
        let fs = pristine.powerCut(tearLastPage: false)
        try fs.remove(expected.blockPath)
        var ro = Self.options()
        ro.readOnly = true
        let refusal = TestStore.refusal { _ = try Store.open(directory: dir, options: ro, fileSystem: fs) }
        #expect(refusal?.code == .corruptFile && refusal?.message.contains("is missing") == true, "\(String(describing: refusal))")
        #expect(refusal?.message.contains("kdelta-edge repair --data-dir \(dir)") == true)
        let report = try TestStore.repair(directory: dir, fileSystem: fs)
        let blocks = try #require(report.blockRepair)
        #expect(blocks.lost.isEmpty && blocks.versionsRebuilt == 600, "\(blocks.lines)")
        let store = try TestStore.open(directory: dir, options: Self.options(), fileSystem: fs)
        #expect(Self.readsAreRightOrReportDamage(store, expected, context: "missing block") == 0)
        #expect(store.verify().brokenLinks.isEmpty)
        try store.close()
    }

    @Test func aMissingBlockWhoseVersionsLeftTheWALIsSetAsideWithTheLostSeqsNamed() throws {
        let tmp = TemporaryDirectory("block-missing-lost")
        defer { tmp.remove() }
        let dir = tmp.path
        let (pristine, expected) = try Self.pristine(dir, wal: .lostTheBlocksVersions)
        let fs = pristine.powerCut(tearLastPage: false)
        try fs.remove(expected.blockPath)
        let report = try TestStore.repair(directory: dir, fileSystem: fs)
        let blocks = try #require(report.blockRepair)
        #expect(blocks.lost.map(\.description).sorted() == Self.keys.map { "\($0) seq 1...200" }, "\(blocks.lines)")
        let store = try TestStore.open(directory: dir, options: Self.options(), fileSystem: fs)
        for key in Self.keys {
            #expect(store.seqRange(key) == 201...800, "\(key): \(String(describing: store.seqRange(key)))")
            #expect(try store.version(key, seq: 201)?.value == expected.versions[key]?[201]?.value)
        }
        #expect(store.verify().brokenLinks.isEmpty)
        try store.put(Self.keys[0], .double(1))
        try store.close()
    }

    @Test func aDeletedWALSegmentIsDamageNotAnEmptyStore() throws {
        let tmp = TemporaryDirectory("wal-deleted")
        defer { tmp.remove() }
        let dir = tmp.path
        let store = try TestStore.open(directory: dir, options: Self.options())
        try store.put(Self.keys[0], .double(21.5))
        try store.close()
        let wal = dir + "/wal/" + WALFormat.segmentFileName(1)
        try PosixFileSystem().remove(wal)
        for readOnly in [true, false] {
            var o = Self.options()
            o.readOnly = readOnly
            let refusal = TestStore.refusal { _ = try TestStore.open(directory: dir, options: o) }
            #expect(refusal?.code == .corruptWAL, "readOnly \(readOnly): \(String(describing: refusal))")
            #expect(refusal?.file == wal && refusal?.message.contains("kdelta-edge repair --data-dir") == true)
        }
        let report = try TestStore.repair(directory: dir)
        #expect(report.walMissingAfterLSN == 0 && report.walRestartSegment != nil)
        let reopened = try TestStore.open(directory: dir, options: Self.options())
        #expect(reopened.keys().isEmpty)
        try reopened.put(Self.keys[0], .double(1))
        try reopened.close()
    }

    @Test func aStoreWhoseCreationStoppedBeforeItsManifestIsNoStore() throws {
        let tmp = TemporaryDirectory("creation-cut")
        defer { tmp.remove() }
        let dir = tmp.path
        // Every power cut during creation: the next open creates the store, and repair
        // finds either a store or none, never a damaged one.
        let probe = PowerCutFileSystem(directories: [dir])
        try TestStore.open(directory: dir, options: Self.options(), fileSystem: probe).close()
        for n in 1...probe.mutations.count {
            let cutting = PowerCutFileSystem(directories: [dir])
            cutting.schedulePowerCut(beforeMutation: n)
            _ = TestStore.refusal { try TestStore.open(directory: dir, options: Self.options(), fileSystem: cutting).close() }
            let after = cutting.survivor ?? cutting.powerCut()
            let store = try TestStore.open(directory: dir, options: Self.options(), fileSystem: after)
            try store.put(Self.keys[0], .int(Int64(n)))
            try store.close()
        }
    }
}
