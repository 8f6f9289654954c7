import Foundation
import KDeltaModel
import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

/// Damage in WAL records whose versions are already in block files (at or before the
/// checkpoint) is passed over and reported, never refused: a flipped bit in old records of
/// the first live segment must neither stop the store nor make `repair` set aside the good
/// records after it. Damage that may hold a later version is still refused.
@Suite struct CheckpointedWALDamageTests {
    /// 30 records (LSNs 1...30) cut into a block (checkpoint 30), then 10 more in the
    /// same segment; returns what was acknowledged and the segment's path.
    static func storeWithACheckpointMidSegment(_ dir: String) throws -> (AcknowledgedWrites, String) {
        var acked = try RecoveryTests.writeRecords(dir, count: 30)
        let store = try TestStore.open(directory: dir)
        try store.cut()
        let key = try Key("rec/k")
        for i in 0..<10 {
            let r = Reading(key: key, value: .double(2000 + Double(i)), sourceTimeMs: 2_000_000 + Int64(i))
            acked.record([r], try store.putBatch([r]))
        }
        try store.close()
        return (acked, try #require(WALSurgery.segments(dir).last))
    }

    /// Flips a payload bit of frame `index` of `segment`; returns the frame's offset.
    static func damage(_ segment: String, frame index: Int) throws -> Int {
        var bytes = WALSurgery.read(segment)
        let frames = WALSurgery.frames(bytes)
        let frame = frames[index]
        bytes[frame.offset + 12 + frame.length / 2] ^= 0x40
        WALSurgery.overwrite(segment, bytes)
        return frame.offset
    }

    /// LSN 10 (well before the checkpoint) and LSN 30 (the checkpoint itself: the next
    /// record starts at checkpoint + 1).
    @Test(arguments: [9, 29])
    func damageBeforeTheCheckpointIsPassedOverAndNothingIsLost(frame: Int) throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let (acked, segment) = try Self.storeWithACheckpointMidSegment(dir.path)
        #expect(WALSurgery.frames(WALSurgery.read(segment)).count == 40)
        let offset = try Self.damage(segment, frame: frame)

        var readOnly = StoreOptions()
        readOnly.readOnly = true
        for options in [readOnly, StoreOptions()] {
            let store = try TestStore.open(directory: dir.path, options: options)
            _ = try acked.expectPresent(in: store, "readOnly \(options.readOnly)")
            #expect(store.verify().isIntact)
            #expect(store.recovery.walDamageSkipped.count == 1)
            let finding = store.recovery.findings.joined(separator: "\n")
            #expect(finding.contains("\(segment) at offset \(offset)") && finding.contains("nothing was lost"), "\(finding)")
            try store.close()
        }
        let report = try TestStore.repair(directory: dir.path)
        #expect(report.damagedFile == nil && report.recordsSetAside == 0)
        #expect(report.walDamageSkipped.count == 1)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/repair"), "nothing was set aside")

        // Writing goes on after the damage, and the next checkpoint keeps everything.
        let store = try TestStore.open(directory: dir.path)
        let receipt = try store.put(try Key("rec/k"), .int(7))
        #expect(receipt.firstLSN == 41)
        try store.cut()
        try store.close()
        let reopened = try TestStore.open(directory: dir.path)
        #expect(reopened.versionCount(try Key("rec/k")) == 41)
        #expect(reopened.verify().isIntact)
        try reopened.close()
    }

    /// LSN 31, the first after the checkpoint: its versions are only in the WAL.
    @Test func damageAfterTheCheckpointIsStillRefused() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let (_, segment) = try Self.storeWithACheckpointMidSegment(dir.path)
        let offset = try Self.damage(segment, frame: 30)
        do {
            let store = try TestStore.open(directory: dir.path)
            try store.close()
            Issue.record("damage after the checkpoint was passed over")
        } catch {
            #expect(error.code == .corruptWAL)
            #expect(error.offset == Int64(offset))
        }
        let report = try TestStore.repair(directory: dir.path)
        #expect(report.damagedFile == segment && report.offset == Int64(offset))
        #expect(report.versionsSetAside == 9)
    }

    /// A cut of everything, then a batch that did not fit the segment: the old segment
    /// holds only checkpointed records, and damage at its end is decided by the next
    /// segment's first LSN.
    /// Two segments of 64 KiB: batches until the next would not fit the first, a cut of
    /// all of them when `cut`, then a batch that starts the second segment. The cut would
    /// replace the full, checkpointed segment by a fresh one (`Store+WALRelease.swift`);
    /// creating that one fails here, as on a disk too full for it, so the first stays.
    static func twoSegments(_ dir: String, cut: Bool) throws -> (AcknowledgedWrites, [String], StoreOptions) {
        var options = StoreOptions()
        options.walSegmentBytes = 64 * 1024
        let key = try Key("rec/roll")
        var acked = AcknowledgedWrites()
        let fs = FaultInjectingFileSystem(PosixFileSystem())
        let store = try TestStore.open(directory: dir, options: options, fileSystem: fs)
        var n = 0
        while true {
            let batch = (0..<100).map { Reading(key: key, value: .int(Int64(n * 100 + $0))) }
            acked.record(batch, try store.putBatch(batch))
            n += 1
            let first = try #require(WALSurgery.segments(dir).first)
            let last = try #require(WALSurgery.frames(WALSurgery.read(first)).last)
            if options.walSegmentBytes - last.end < 2 * (last.length + 12) { break }
        }
        if cut {
            fs.arm(.create, .exactly(2), errno: ENOSPC)  // the block file, then the fresh segment
            let report = try store.cut()
            fs.disarmAll()
            try #require(report.walSwitchError != nil, "the cut replaced the segment")
        }
        let big = (0..<1000).map { Reading(key: key, value: .int(Int64(-$0))) }
        acked.record(big, try store.putBatch(big))
        try store.close()
        let segments = WALSurgery.segments(dir)
        try #require(segments.count == 2, "\(segments)")
        return (acked, segments, options)
    }

    @Test func damageEndingASegmentOfCheckpointedRecordsIsPassedOver() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let (acked, segments, options) = try Self.twoSegments(dir.path, cut: true)
        let frames = WALSurgery.frames(WALSurgery.read(segments[0]))
        let offset = try Self.damage(segments[0], frame: frames.count - 1)

        let reopened = try TestStore.open(directory: dir.path, options: options)
        _ = try acked.expectPresent(in: reopened, "after damage at the end of a checkpointed segment")
        #expect(reopened.recovery.walDamageSkipped.count == 1)
        #expect(reopened.recovery.findings.joined().contains("\(segments[0]) at offset \(offset)"))
        #expect(reopened.verify().isIntact)
        try reopened.close()
    }

    /// Damage ending a segment that is not checkpointed, and a damaged header in the next:
    /// the first damage in the log is what is refused, so that `repair` sets aside from
    /// there in one run.
    @Test func theFirstDamageIsRefusedWhenTheNextSegmentCannotShowWhatItHeld() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let (_, segments, options) = try Self.twoSegments(dir.path, cut: false)
        let frames = WALSurgery.frames(WALSurgery.read(segments[0]))
        let offset = try Self.damage(segments[0], frame: frames.count - 1)
        var second = WALSurgery.read(segments[1])
        second[20] ^= 0x01  // inside the segment header
        WALSurgery.overwrite(segments[1], second)

        let refusal = TestStore.refusal { _ = try TestStore.open(directory: dir.path, options: options) }
        #expect(refusal?.file == segments[0] && refusal?.offset == Int64(offset), "\(refusal?.message ?? "accepted")")
        let report = try TestStore.repair(directory: dir.path)
        #expect(report.damagedFile == segments[0] && report.segmentsMoved == 1)
        let reopened = try TestStore.open(directory: dir.path, options: options)
        #expect(reopened.verify().isIntact)
        try reopened.close()
    }

    /// 30 records (LSNs 1...30) all cut into a block: the checkpoint is the last record.
    static func storeWhoseLastRecordIsTheCheckpoint(_ dir: String) throws -> (AcknowledgedWrites, String) {
        let acked = try RecoveryTests.writeRecords(dir, count: 30)
        let store = try TestStore.open(directory: dir)
        try store.cut()
        try store.close()
        return (acked, try #require(WALSurgery.segments(dir).last))
    }

    /// After `compact` the last record is the checkpoint's; damage there leaves nothing
    /// after it to show what it held, so it is refused, and `repair` sets it aside. What is
    /// left then ends before the checkpoint: `repair` starts the WAL afresh after it.
    @Test func aDamagedLastRecordAtTheCheckpointIsSetAsideAndTheWALStartsAfresh() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let (acked, segment) = try Self.storeWhoseLastRecordIsTheCheckpoint(dir.path)
        let offset = try Self.damage(segment, frame: 29)
        #expect(throws: StoreError.self) { try TestStore.open(directory: dir.path) }

        let report = try TestStore.repair(directory: dir.path)
        #expect(report.damagedFile == segment && report.offset == Int64(offset))
        #expect(report.walEndedAtLSN == 29)
        #expect(report.walRestartSegment == 3)
        try Self.expectAllKeptAndWritingGoesOn(dir.path, acked, oldSegment: segment)
    }

    /// The same when the WAL segments are gone altogether (deleted by hand): the blocks hold
    /// everything up to the checkpoint.
    @Test func aWALLostAfterACheckpointStartsAfreshWithRepair() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let (acked, segment) = try Self.storeWhoseLastRecordIsTheCheckpoint(dir.path)
        try FileManager.default.removeItem(atPath: segment)
        let refusal = TestStore.refusal { _ = try TestStore.open(directory: dir.path) }
        #expect(refusal?.message.contains("before the checkpoint") == true, "\(refusal?.message ?? "accepted")")

        let report = try TestStore.repair(directory: dir.path)
        #expect(report.damagedFile == nil)
        #expect(report.walEndedAtLSN == 0)
        #expect(report.walRestartSegment == 3)
        try Self.expectAllKeptAndWritingGoesOn(dir.path, acked, oldSegment: segment)
    }

    /// Three faults in a row: `repair` starts the WAL afresh; the next open writes to the
    /// new segment but a power cut stops it before the old (checkpointed) segment is
    /// removed; then the manifest is lost. Rebuilding it must start the WAL at the new
    /// segment, not at the old one whose records end before the checkpoint: the new
    /// segment's number leaves a gap after the old ones, which marks them as left over.
    @Test func aManifestRebuiltAfterARestartStartsAtTheRestartedWAL() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var (acked, segment) = try Self.storeWhoseLastRecordIsTheCheckpoint(dir.path)
        _ = try Self.damage(segment, frame: 29)  // set aside by the repair, yet in the block
        let report = try TestStore.repair(directory: dir.path)
        #expect(report.walRestartSegment == 3, "one number skipped after segment 1")
        let oldBytes = WALSurgery.read(segment)

        let store = try TestStore.open(directory: dir.path)
        let key = try Key("rec/k")
        let r = Reading(key: key, value: .double(4242), sourceTimeMs: 9_000_000)
        acked.record([r], try store.putBatch([r]))
        try store.close()
        // The power cut before the old segment's removal, then the lost manifest.
        #expect(!FileManager.default.fileExists(atPath: segment))
        try Data(oldBytes).write(to: URL(fileURLWithPath: segment))
        try FileManager.default.removeItem(atPath: dir.path + "/" + Manifest.fileName)

        let rebuilt = try TestStore.repair(directory: dir.path)
        #expect(rebuilt.manifestRebuild != nil)
        #expect(rebuilt.manifestRebuild?.leftOut.map(\.path).contains(segment) == true, "\(String(describing: rebuilt.manifestRebuild))")
        let reopened = try TestStore.open(directory: dir.path)
        _ = try acked.expectPresent(in: reopened, "after the rebuild")
        #expect(reopened.versionCount(key) == 31)
        #expect(reopened.verify().isIntact)
        try reopened.close()
    }

    /// Every acknowledged version reads back, the next write gets the LSN after them, the
    /// old segment is gone, and all of it survives a reopen.
    static func expectAllKeptAndWritingGoesOn(_ dir: String, _ acked: AcknowledgedWrites, oldSegment: String) throws {
        let store = try TestStore.open(directory: dir)
        _ = try acked.expectPresent(in: store, "after repair")
        #expect(!FileManager.default.fileExists(atPath: oldSegment))
        #expect(try store.put(try Key("rec/k"), .int(1)).firstLSN == UInt64(acked.count) + 1)
        try store.close()
        let reopened = try TestStore.open(directory: dir)
        #expect(reopened.versionCount(try Key("rec/k")) == acked.count + 1)
        #expect(reopened.verify().isIntact)
        #expect(reopened.recovery.findings.isEmpty, "\(reopened.recovery.findings)")
        try reopened.close()
        #expect(try TestStore.repair(directory: dir).walEndedAtLSN == nil, "nothing left to repair")
    }

    /// A power cut at any step of that repair (tail set aside, segment cut, manifest
    /// written) leaves a store that a second `repair` finishes, with every acknowledged
    /// version kept.
    @Test func aPowerCutDuringTheRestartLeavesAStoreThatRepairFinishes() throws {
        let tmp = TemporaryDirectory("restart-powercut")
        defer { tmp.remove() }
        let dir = tmp.path
        let key = try Key("rec/k")
        var options = StoreOptions()
        options.walSegmentBytes = 64 * 1024
        func damagedStore() throws -> (PowerCutFileSystem, AcknowledgedWrites) {
            let fs = PowerCutFileSystem(directories: [dir])
            let store = try TestStore.open(directory: dir, options: options, fileSystem: fs)
            var acked = AcknowledgedWrites()
            for i in 0..<30 {
                let r = Reading(key: key, value: .double(Double(i) / 4), sourceTimeMs: 1_000_000 + Int64(i))
                acked.record([r], try store.putBatch([r]))
            }
            try store.cut()
            try store.close()
            let segment = dir + "/wal/" + WALFormat.segmentFileName(1)
            let bytes = try #require(fs.contents(of: segment))
            let frame = try #require(WALSurgery.frames(bytes).last)
            let at = frame.offset + 12 + frame.length / 2
            let fd = try fs.open(segment, .readWrite)
            try fs.write(fd, [bytes[at] ^ 0x40], at: Int64(at))
            try fs.sync(fd)
            fs.close(fd)
            return (fs, acked)
        }
        let (probe, _) = try damagedStore()
        let before = probe.mutations.count
        _ = try TestStore.repair(directory: dir, fileSystem: probe)
        let steps = probe.mutations.count - before
        #expect(steps >= 4)
        for step in 1...(steps + 1) {
            let (fs, acked) = try damagedStore()
            fs.schedulePowerCut(beforeMutation: step, tearLastPage: true, seed: UInt64(step))
            _ = try? TestStore.repair(directory: dir, fileSystem: fs)
            #expect(fs.isPoweredOff == (step <= steps), "step \(step)")
            let survivor = fs.survivor ?? fs.powerCut(seed: UInt64(step))
            _ = try TestStore.repair(directory: dir, fileSystem: survivor)
            let store = try TestStore.open(directory: dir, options: options, fileSystem: survivor)
            _ = try acked.expectPresent(in: store, "power cut before mutation \(step) of \(steps) of repair")
            #expect(try store.put(key, .int(1)).firstLSN == 31, "step \(step)")
            #expect(store.verify().isIntact, "step \(step)")
            try store.close()
        }
    }
}
