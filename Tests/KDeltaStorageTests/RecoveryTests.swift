import Foundation
import KDeltaModel
import KDeltaStorage
import Testing

/// Opening after damage: a torn last record is cut and reported, an interrupted segment
/// creation is removed, and damage in the middle of the log is refused with the file and
/// offset that `Repair` then works from.
@Suite struct RecoveryTests {
    /// Writes `count` single-reading records (one put each) and closes the store.
    static func writeRecords(_ dir: String, count: Int, options: StoreOptions = StoreOptions(), key: String = "rec/k") throws -> AcknowledgedWrites {
        let store = try TestStore.open(directory: dir, options: options)
        var acked = AcknowledgedWrites()
        let k = try Key(key)
        for i in 0..<count {
            let r = Reading(key: k, value: .double(1000 + Double(i) / 8), sourceTimeMs: 1_000_000 + Int64(i))
            acked.record([r], try store.putBatch([r]))
        }
        try store.close()
        return acked
    }

    /// Acknowledged writes with LSN at most `lsn`.
    static func prefix(_ acked: AcknowledgedWrites, through lsn: UInt64) -> AcknowledgedWrites {
        var out = AcknowledgedWrites()
        for (l, e) in acked.byLSN where l <= lsn {
            out.record(lsn: l, e)
        }
        return out
    }

    @Test func truncatedTrailingRecordIsCutAndEarlierRecordsRecover() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let acked = try Self.writeRecords(dir.path, count: 20)
        let segment = try #require(WALSurgery.segments(dir.path).last)
        let frames = WALSurgery.frames(WALSurgery.read(segment))
        #expect(frames.count == 20)
        let last = try #require(frames.last)
        WALSurgery.truncateFile(segment, to: last.offset + 12 + last.length / 2)

        let store = try TestStore.open(directory: dir.path)
        let torn = try #require(store.recovery.tornTail)
        #expect(torn.file == segment)
        #expect(torn.offset == Int64(last.offset))
        #expect(store.recovery.versions == 19)
        #expect(store.recovery.findings.count == 1)
        try Self.prefix(acked, through: 19).expectPresent(in: store, "after cut")
        #expect(store.versionCount(try Key("rec/k")) == 19)
        // Writing goes on where the torn record was.
        let r = try store.put(try Key("rec/k"), .int(7))
        #expect(r.firstLSN == 20)
        try store.close()
        let again = try TestStore.open(directory: dir.path)
        defer { try? again.close() }
        #expect(again.recovery.tornTail == nil)
        #expect(again.recovery.versions == 20)
        #expect(again.latest(try Key("rec/k"))?.value == .int(7))
        #expect(again.verify().isIntact)
    }

    @Test func garbageAfterTheLastRecordIsCutAsATornTail() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let acked = try Self.writeRecords(dir.path, count: 12)
        let segment = try #require(WALSurgery.segments(dir.path).last)
        let end = try #require(WALSurgery.frames(WALSurgery.read(segment)).last).end
        var rng = SystemRandomNumberGenerator()
        WALSurgery.patch(segment, at: end, (0..<300).map { _ in UInt8.random(in: 1...255, using: &rng) })

        let store = try TestStore.open(directory: dir.path)
        let torn = try #require(store.recovery.tornTail)
        #expect(torn.file == segment)
        #expect(torn.offset == Int64(end))
        try acked.expectPresent(in: store, "after cut")
        #expect(store.recovery.versions == 12)
        try store.put(try Key("rec/k"), .int(1))
        try store.close()
        let again = try TestStore.open(directory: dir.path)
        defer { try? again.close() }
        #expect(again.recovery.tornTail == nil)
        #expect(again.recovery.versions == 13)
    }

    @Test func halfWrittenRecordHeaderIsCutAsATornTail() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let acked = try Self.writeRecords(dir.path, count: 5)
        let segment = try #require(WALSurgery.segments(dir.path).last)
        let bytes = WALSurgery.read(segment)
        let frames = WALSurgery.frames(bytes)
        // Copy the first 7 bytes of a real header after the last record.
        WALSurgery.patch(segment, at: frames[4].end, Array(bytes[frames[0].offset..<(frames[0].offset + 7)]))
        let store = try TestStore.open(directory: dir.path)
        defer { try? store.close() }
        #expect(store.recovery.tornTail?.offset == Int64(frames[4].end))
        try acked.expectPresent(in: store, "after cut")
    }

    @Test func readOnlyOpenReportsATornTailWithoutCuttingIt() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        _ = try Self.writeRecords(dir.path, count: 6)
        let segment = try #require(WALSurgery.segments(dir.path).last)
        let last = try #require(WALSurgery.frames(WALSurgery.read(segment)).last)
        WALSurgery.truncateFile(segment, to: last.end - 3)
        var options = StoreOptions()
        options.readOnly = true
        let store = try TestStore.open(directory: dir.path, options: options)
        #expect(store.recovery.tornTail?.offset == Int64(last.offset))
        #expect(store.recovery.versions == 5)
        #expect(throws: StoreError.self) { try store.put(try Key("rec/k"), .int(1)) }
        try store.close()
        #expect(WALSurgery.read(segment).count == last.end - 3)
    }

    @Test func interruptedSegmentCreationIsRemovedAndWritingGoesOn() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let acked = try Self.writeRecords(dir.path, count: 4)
        let segment = try #require(WALSurgery.segments(dir.path).last)
        #expect(segment.hasSuffix("00000000000000000001.wal"))
        let next = dir.path + "/wal/00000000000000000002.wal"
        // Created and preallocated, header never written.
        _ = FileManager.default.createFile(atPath: next, contents: Data(count: 64 * 1024))
        let store = try TestStore.open(directory: dir.path)
        #expect(store.recovery.incompleteSegment == next)
        #expect(!FileManager.default.fileExists(atPath: next))
        try acked.expectPresent(in: store, "after removal")
        try store.put(try Key("rec/k"), .int(9))
        try store.close()
        let again = try TestStore.open(directory: dir.path)
        defer { try? again.close() }
        #expect(again.recovery.versions == 5)
        #expect(again.recovery.incompleteSegment == nil)
    }

    @Test func damageInTheMiddleOfTheLogIsRefusedNamingFileAndOffsetThenRepairSetsItAside() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let acked = try Self.writeRecords(dir.path, count: 30)
        let segment = try #require(WALSurgery.segments(dir.path).last)
        var bytes = WALSurgery.read(segment)
        let frames = WALSurgery.frames(bytes)
        #expect(frames.count == 30)
        let damaged = frames[9]
        bytes[damaged.offset + 12 + damaged.length / 2] ^= 0x40
        WALSurgery.overwrite(segment, bytes)

        do {
            let store = try TestStore.open(directory: dir.path)
            try store.close()
            Issue.record("a store with damage in the middle of its WAL opened")
        } catch {
            #expect(error.code == .corruptWAL)
            #expect(error.file == segment)
            #expect(error.offset == Int64(damaged.offset))
            #expect(error.message.contains(segment))
            #expect(error.message.contains("offset \(damaged.offset)"))
            #expect(error.message.contains("repair"))
        }
        // Read-only open refuses too.
        var readOnly = StoreOptions()
        readOnly.readOnly = true
        #expect(throws: StoreError.self) { try TestStore.open(directory: dir.path, options: readOnly) }

        let report = try TestStore.repair(directory: dir.path)
        #expect(report.damagedFile == segment)
        #expect(report.offset == Int64(damaged.offset))
        #expect(report.recordsSetAside == 21)
        #expect(report.versionsSetAside == 20)  // the damaged record's own count is unknown
        #expect(report.versionsKept == 9)
        #expect(report.segmentsMoved == 0)
        let aside = try #require(report.setAsideDirectory)
        #expect(aside.hasPrefix(dir.path + "/repair/"))
        let tailPath = aside + "/00000000000000000001.wal.tail-at-\(damaged.offset)"
        #expect(FileManager.default.fileExists(atPath: tailPath))
        #expect(WALSurgery.read(tailPath) == Array(bytes[damaged.offset...]))
        #expect(Int64(bytes.count - damaged.offset) == report.bytesSetAside)

        let store = try TestStore.open(directory: dir.path)
        #expect(store.recovery.versions == 9)
        #expect(store.recovery.tornTail == nil)
        try Self.prefix(acked, through: 9).expectPresent(in: store, "after repair")
        #expect(try AcknowledgedWrites.versionsByLSN(store).count == 9)
        #expect(store.verify().isIntact)
        #expect(try store.put(try Key("rec/k"), .int(1)).firstLSN == 10)
        try store.close()
        // Nothing left to repair.
        let second = try TestStore.repair(directory: dir.path)
        #expect(second.damagedFile == nil)
        #expect(second.versionsKept == 10)
    }

    @Test func repairMovesEveryLaterSegmentAsideWhole() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var options = StoreOptions()
        options.walSegmentBytes = 64 * 1024
        let store = try TestStore.open(directory: dir.path, options: options)
        let key = try Key("rec/multi")
        var acked = AcknowledgedWrites()
        var lsnsBySegment: [Int] = []
        for i in 0..<5 {
            // One segment per round: a big batch that fills it.
            let batch = (0..<1000).map { Reading(key: key, value: .int(Int64(i * 1000 + $0))) }
            acked.record(batch, try store.putBatch(batch))
            lsnsBySegment.append(acked.count)
        }
        try store.close()
        let segments = WALSurgery.segments(dir.path)
        #expect(segments.count >= 4)
        let originals = segments.map(WALSurgery.read)
        // Damage the only record of the second segment in its payload.
        var second = originals[1]
        let frame = try #require(WALSurgery.frames(second).first)
        second[frame.offset + 40] ^= 0xFF
        WALSurgery.overwrite(segments[1], second)

        #expect(throws: StoreError.self) { try TestStore.open(directory: dir.path, options: options) }
        let report = try TestStore.repair(directory: dir.path)
        #expect(report.damagedFile == segments[1])
        #expect(report.offset == Int64(frame.offset))
        #expect(report.segmentsMoved == segments.count - 2)
        let aside = try #require(report.setAsideDirectory)
        for (i, path) in segments.enumerated().dropFirst(2) {
            let moved = aside + "/" + (path.split(separator: "/").last.map(String.init) ?? "")
            #expect(WALSurgery.read(moved) == originals[i], "segment \(i + 1) was not moved aside intact")
            #expect(!FileManager.default.fileExists(atPath: path))
        }
        let reopened = try TestStore.open(directory: dir.path, options: options)
        defer { try? reopened.close() }
        let kept = UInt64(WALSurgery.frames(originals[0]).count * 1000)
        #expect(reopened.recovery.versions == Int(kept))
        try Self.prefix(acked, through: kept).expectPresent(in: reopened, "after repair")
        #expect(reopened.verify().isIntact)
        try reopened.put(key, .int(-1))
    }

    @Test func recordWithValidChecksumButTamperedValueIsNamedByVerify() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let key = try Key("tamper/temp")
        let bystander = try Key("tamper/other")
        let marker = 1234.5678125
        do {
            let store = try TestStore.open(directory: dir.path)
            for i in 0..<10 {
                try store.putBatch([
                    Reading(key: key, value: .double(i == 5 ? marker : Double(i))),
                    Reading(key: bystander, value: .double(Double(i))),
                ])
            }
            try store.close()
        }
        let segment = try #require(WALSurgery.segments(dir.path).last)
        var bytes = WALSurgery.read(segment)
        let pattern = withUnsafeBytes(of: marker.bitPattern.littleEndian) { Array($0) }
        let hits = WALSurgery.occurrences(of: pattern, in: bytes)
        #expect(hits.count == 1)
        let at = try #require(hits.first)
        let forged = withUnsafeBytes(of: (99.5).bitPattern.littleEndian) { Array($0) }
        bytes.replaceSubrange(at..<(at + 8), with: forged)
        let frame = try #require(WALSurgery.frames(WALSurgery.read(segment)).first { $0.offset < at && at < $0.end })
        WALSurgery.reseal(&bytes, frame)
        WALSurgery.overwrite(segment, bytes)
        #expect(WALSurgery.frames(bytes).count == 10)

        // The checksum holds, so recovery accepts the record...
        let store = try TestStore.open(directory: dir.path)
        defer { try? store.close() }
        #expect(store.recovery.tornTail == nil)
        #expect(try store.version(key, seq: 6)?.value == .double(99.5))
        // ...and the hash chain names the forged version as the first broken link.
        let report = store.verify()
        #expect(!report.isIntact)
        #expect(report.brokenLinks.count == 1)
        let broken = try #require(report.brokenLinks.first)
        #expect(broken.key == key)
        #expect(broken.seq == 6)
        #expect(try broken.storedID == store.version(key, seq: 6)?.id)
        #expect(broken.description.contains("tamper/temp"))
        #expect(report.keys == 2)
    }

    @Test func segmentOfAnotherStoreIsRefused() throws {
        let a = TemporaryDirectory()
        let b = TemporaryDirectory()
        defer { a.remove(); b.remove() }
        _ = try Self.writeRecords(a.path, count: 3)
        _ = try Self.writeRecords(b.path, count: 3)
        let foreign = try #require(WALSurgery.segments(b.path).first)
        let mine = try #require(WALSurgery.segments(a.path).first)
        try FileManager.default.removeItem(atPath: mine)
        try FileManager.default.copyItem(atPath: foreign, toPath: mine)
        do {
            _ = try TestStore.open(directory: a.path)
            Issue.record("opened a store whose segment belongs to another store")
        } catch {
            #expect(error.code == .corruptWAL)
            #expect(error.message.contains("another store"))
        }
    }

    @Test func missingSegmentInTheMiddleIsRefused() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var options = StoreOptions()
        options.walSegmentBytes = 64 * 1024
        let store = try TestStore.open(directory: dir.path, options: options)
        let key = try Key("gap/k")
        for i in 0..<3 { try store.putBatch((0..<1000).map { Reading(key: key, value: .int(Int64(i * 1000 + $0))) }) }
        try store.close()
        let segments = WALSurgery.segments(dir.path)
        #expect(segments.count >= 3)
        try FileManager.default.removeItem(atPath: segments[1])
        do {
            _ = try TestStore.open(directory: dir.path, options: options)
            Issue.record("opened a store with a segment missing")
        } catch {
            #expect(error.code == .corruptWAL)
            #expect(error.file == segments[1])
        }
    }
}
