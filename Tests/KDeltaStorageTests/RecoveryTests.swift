import Foundation
import KDeltaModel
import KDeltaStorage
import KDeltaStorageTestSupport
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

        let written = WALSurgery.read(segment)
        let store = try TestStore.open(directory: dir.path)
        let torn = try #require(store.recovery.tornTail)
        #expect(torn.file == segment)
        #expect(torn.offset == Int64(last.offset))
        #expect(torn.sign == .runsPastData)
        #expect(store.recovery.versions == 19)
        #expect(store.recovery.findings.count == 1)
        // The cut bytes are kept under repair/ before the cut, and the message says where.
        let kept = try #require(torn.keptAt)
        #expect(kept == Self.setAsideFiles(dir.path).first)
        #expect(WALSurgery.read(kept) == Self.dataExtent(written, from: last.offset))
        #expect(kept.hasSuffix("/00000000000000000001.wal.tail-at-\(last.offset)"))
        #expect(WALSurgery.read(segment).count == last.offset)
        Self.expectHonestFinding(store.recovery.findings[0], kept: kept)
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

        let garbage = Array(WALSurgery.read(segment)[end..<(end + 300)])
        let store = try TestStore.open(directory: dir.path)
        let torn = try #require(store.recovery.tornTail)
        #expect(torn.file == segment)
        #expect(torn.offset == Int64(end))
        #expect(torn.dataBytes == 300)
        #expect(WALSurgery.read(try #require(torn.keptAt)) == garbage)
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
        #expect(store.recovery.tornTail?.keptAt == nil)
        #expect(store.recovery.versions == 5)
        // Read commands can tell the user the WAL ends badly, and that nothing was cut.
        let finding = try #require(store.recovery.findings.first)
        #expect(finding.contains("torn record at offset \(last.offset) of \(segment)"))
        #expect(finding.contains("not replayed"))
        #expect(finding.contains("left in place"))
        #expect(throws: StoreError.self) { try store.put(try Key("rec/k"), .int(1)) }
        try store.close()
        #expect(WALSurgery.read(segment).count == last.end - 3)
        #expect(Self.setAsideFiles(dir.path).isEmpty)
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
        // The tail up to its last non-zero byte: the preallocated zeros are not copied.
        #expect(WALSurgery.read(tailPath) == Self.dataExtent(bytes, from: damaged.offset))
        #expect(Int64(Self.dataExtent(bytes, from: damaged.offset).count) == report.bytesSetAside)
        #expect(report.bytesSetAside < Int64(frames[29].end - damaged.offset + 1))

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

    // MARK: - The last record: torn or damaged (docs/format/wal.md, "Torn or damaged")

    /// Files set aside under repair/ of a data directory, in name order.
    static func setAsideFiles(_ dir: String) -> [String] {
        let repair = dir + "/repair"
        let stamps = ((try? FileManager.default.contentsOfDirectory(atPath: repair)) ?? []).sorted()
        return stamps.flatMap { stamp in
            ((try? FileManager.default.contentsOfDirectory(atPath: repair + "/" + stamp)) ?? []).sorted().map { repair + "/" + stamp + "/" + $0 }
        }
    }

    /// The bytes of `bytes` from `offset` to its last non-zero byte: what recovery keeps
    /// of a torn tail (not the preallocated zeros after it).
    static func dataExtent(_ bytes: [UInt8], from offset: Int) -> [UInt8] {
        var end = bytes.count
        while end > offset && bytes[end - 1] == 0 { end -= 1 }
        return Array(bytes[offset..<end])
    }

    /// A torn-tail finding says where the bytes are kept and claims nothing it cannot know.
    static func expectHonestFinding(_ finding: String, kept: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(finding.contains("kept at \(kept)"), "\(finding)", sourceLocation: sourceLocation)
        #expect(finding.contains("unless the disk reported a sync it had not done"), "\(finding)", sourceLocation: sourceLocation)
        #expect(!finding.contains("it was never acknowledged"), "\(finding)", sourceLocation: sourceLocation)
    }

    /// The audit's case: a batch of 1,728 readings acknowledged under fsync=always, then one
    /// bit flipped 25 bytes before the end of its record, the last of the WAL. It is damage,
    /// not a torn write: open refuses (read-only too) as for damage earlier in the log,
    /// nothing is cut, and `repair` sets the record aside; what came before is intact.
    @Test func bitFlipInTheLastRecordIsRefusedAsDamageAndRepairSetsItAside() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let keys = try (0..<8).map { try Key("house/sensor-\($0)") }
        var acked = AcknowledgedWrites()
        do {
            let store = try TestStore.open(directory: dir.path)
            let first = (0..<40).map { Reading(key: keys[$0 % 8], value: .double(Double($0))) }
            acked.record(first, try store.putBatch(first))
            let batch = (0..<1728).map {
                Reading(key: keys[$0 % 8], value: .double(20 + Double($0) / 100), sourceTimeMs: 1_700_000_000_000 + Int64($0) * 1000)
            }
            #expect(try store.putBatch(batch).firstLSN == 41)
            try store.close()
        }
        let segment = try #require(WALSurgery.segments(dir.path).last)
        let frames = WALSurgery.frames(WALSurgery.read(segment))
        #expect(frames.count == 2)
        let last = frames[1]
        let flipped = last.end - 25
        let byte = WALSurgery.read(segment)[flipped]
        WALSurgery.patch(segment, at: flipped, [byte ^ 0x08])
        let damaged = WALSurgery.read(segment)

        for readOnly in [false, true] {
            var options = StoreOptions()
            options.readOnly = readOnly
            do {
                let store = try TestStore.open(directory: dir.path, options: options)
                try store.close()
                Issue.record("a store whose last WAL record has a flipped bit opened (read-only: \(readOnly))")
            } catch {
                #expect(error.code == .corruptWAL)
                #expect(error.file == segment)
                #expect(error.offset == Int64(last.offset))
                #expect(error.message.contains("bit 3 of the byte at offset \(flipped) (the record's payload)"), "\(error.message)")
                #expect(error.message.contains("written whole and damaged afterwards"))
                #expect(error.message.contains("kdelta-edge repair --data-dir \(dir.path)"))
            }
        }
        // The refused opens cut nothing and set nothing aside.
        #expect(WALSurgery.read(segment) == damaged)
        #expect(Self.setAsideFiles(dir.path).isEmpty)

        let report = try TestStore.repair(directory: dir.path)
        #expect(report.damagedFile == segment)
        #expect(report.offset == Int64(last.offset))
        #expect(report.recordsSetAside == 1)
        #expect(report.versionsKept == 40)
        let aside = try #require(report.setAsideDirectory)
        #expect(WALSurgery.read(aside + "/00000000000000000001.wal.tail-at-\(last.offset)") == Self.dataExtent(damaged, from: last.offset))
        #expect(report.bytesSetAside == Int64(Self.dataExtent(damaged, from: last.offset).count))

        let store = try TestStore.open(directory: dir.path)
        defer { try? store.close() }
        #expect(store.recovery.tornTail == nil)
        #expect(store.recovery.versions == 40)
        try acked.expectPresent(in: store, "after repair")
        #expect(try AcknowledgedWrites.versionsByLSN(store).count == 40)
        #expect(store.verify().isIntact)
        #expect(try store.put(keys[0], .int(1)).firstLSN == 41)
    }

    /// One flipped bit anywhere in the last record (its checksum, length, type, reserved
    /// bytes or payload) is damage named to the bit, never a torn write.
    @Test func bitFlipInAnyFieldOfTheLastRecordIsRefusedNamingTheBit() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        _ = try Self.writeRecords(dir.path, count: 6)
        let segment = try #require(WALSurgery.segments(dir.path).last)
        let original = WALSurgery.read(segment)
        let last = try #require(WALSurgery.frames(original).last)
        let cases: [(offset: Int, bit: Int, field: String)] = [
            (last.offset, 0, "checksum"), (last.offset + 3, 7, "checksum"),
            (last.offset + 4, 0, "length"), (last.offset + 4, 5, "length"), (last.offset + 5, 1, "length"),
            (last.offset + 7, 6, "length"), (last.offset + 8, 2, "type"), (last.offset + 8, 0, "type"),
            (last.offset + 10, 4, "reserved"), (last.offset + 12, 0, "payload"),
            (last.offset + 12 + last.length / 2, 5, "payload"), (last.end - 1, 7, "payload"),
        ]
        for c in cases {
            WALSurgery.patch(segment, at: c.offset, [original[c.offset] ^ (1 << UInt8(c.bit))])
            defer { WALSurgery.patch(segment, at: c.offset, [original[c.offset]]) }
            do {
                let store = try TestStore.open(directory: dir.path)
                try store.close()
                Issue.record("opened with bit \(c.bit) of offset \(c.offset) (\(c.field)) flipped")
            } catch {
                #expect(error.code == .corruptWAL, "\(c)")
                #expect(error.offset == Int64(last.offset), "\(c)")
                #expect(error.message.contains("bit \(c.bit) of the byte at offset \(c.offset) (the record's \(c.field))"), "\(c): \(error.message)")
            }
        }
        #expect(WALSurgery.read(segment) == original)
        #expect(Self.setAsideFiles(dir.path).isEmpty)
        let store = try TestStore.open(directory: dir.path)
        defer { try? store.close() }
        #expect(store.recovery.versions == 6)
    }

    /// A crash during an append leaves the start of the record over the segment's
    /// preallocated zeros. Its length runs past the data written: it is cut as torn, after
    /// its bytes are kept under repair/, and the message says so without claiming it was
    /// never acknowledged; `repair` then has nothing to do.
    @Test func recordTornDuringAppendIsCutAfterItsBytesAreKeptUnderRepair() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let acked = try Self.writeRecords(dir.path, count: 10)
        let segment = try #require(WALSurgery.segments(dir.path).last)
        let last = try #require(WALSurgery.frames(WALSurgery.read(segment)).last)
        // Only the first third of the last record reached the disk; the rest reads as the
        // zeros it was being written over.
        let persisted = last.offset + 12 + last.length / 3
        WALSurgery.patch(segment, at: persisted, [UInt8](repeating: 0, count: last.end - persisted))
        let written = WALSurgery.read(segment)

        let store = try TestStore.open(directory: dir.path)
        let torn = try #require(store.recovery.tornTail)
        #expect(torn.offset == Int64(last.offset))
        #expect(torn.sign == .runsPastData)
        #expect(torn.bytes == Int64(written.count - last.offset))
        let kept = try #require(torn.keptAt)
        #expect(kept.hasPrefix(dir.path + "/repair/"))
        #expect(WALSurgery.read(kept) == Self.dataExtent(written, from: last.offset))
        #expect(torn.dataBytes == Int64(Self.dataExtent(written, from: last.offset).count))
        #expect(torn.dataBytes <= Int64(persisted - last.offset))
        #expect(Self.setAsideFiles(dir.path) == [kept])
        Self.expectHonestFinding(try #require(store.recovery.findings.first), kept: kept)
        try Self.prefix(acked, through: 9).expectPresent(in: store, "after cut")
        #expect(try store.put(try Key("rec/k"), .int(1)).firstLSN == 10)
        try store.close()

        let report = try TestStore.repair(directory: dir.path)
        #expect(report.damagedFile == nil)
        #expect(report.versionsKept == 10)
        #expect(WALSurgery.read(kept) == Self.dataExtent(written, from: last.offset))
    }

    /// The last record's final bytes replaced: a sound header, data up to its end, zeros
    /// after it, a checksum off in many bits. A page torn with garbage looks like that, and
    /// so does damage in several bits: recovery cannot tell, so it keeps the bytes, cuts
    /// them, and says it cannot tell rather than claiming a torn write. The checksum's
    /// first byte is zeroed too: the copy must still start at the record.
    @Test func lastRecordGarbledAtItsEndIsKeptAndReportedAsUndecidable() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let acked = try Self.writeRecords(dir.path, count: 8)
        let segment = try #require(WALSurgery.segments(dir.path).last)
        let original = WALSurgery.read(segment)
        let last = try #require(WALSurgery.frames(original).last)
        var rng = SplitMix64(seed: 31)
        let garbled = (last.end - 10..<last.end).map { i -> UInt8 in
            var b: UInt8 = 0
            while b == 0 || b == original[i] { b = UInt8(truncatingIfNeeded: rng.next()) }
            return b
        }
        WALSurgery.patch(segment, at: last.end - 10, garbled)
        // A checksum whose first byte is zero (1 record in 256): the kept copy still
        // starts at the record, not at its first non-zero byte.
        WALSurgery.patch(segment, at: last.offset, [0])
        let record = Array(WALSurgery.read(segment)[last.offset..<last.end])

        let store = try TestStore.open(directory: dir.path)
        defer { try? store.close() }
        let torn = try #require(store.recovery.tornTail)
        #expect(torn.offset == Int64(last.offset))
        #expect(torn.sign == .looksComplete)
        let kept = try #require(torn.keptAt)
        #expect(WALSurgery.read(kept) == record)
        let finding = try #require(store.recovery.findings.first)
        #expect(finding.contains("kept at \(kept)"))
        #expect(finding.contains("the format cannot tell which"))
        #expect(finding.contains("if it was damaged, it may hold an acknowledged batch"))
        #expect(finding.contains("If it was torn, under fsync=always it was never acknowledged, unless the disk"))
        try Self.prefix(acked, through: 7).expectPresent(in: store, "after cut")
    }

    /// The kept copy is durable before the segment is cut: a power cut right after the
    /// open that cut a torn record leaves both the copy and the store.
    @Test func keptTornTailSurvivesAPowerCutRightAfterTheOpenThatCutIt() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let fs = PowerCutFileSystem(directories: [dir.path])
        var options = StoreOptions()
        options.walSegmentBytes = 64 * 1024
        let key = try Key("rec/cut")
        do {
            let store = try TestStore.open(directory: dir.path, options: options, fileSystem: fs)
            for i in 0..<5 { try store.put(key, .int(Int64(i))) }
            try store.close()
        }
        let segment = dir.path + "/wal/00000000000000000001.wal"
        let bytes = try #require(fs.contents(of: segment))
        let last = try #require(WALSurgery.frames(bytes).last)
        // A sixth record torn after 40 bytes: the start of the fifth one, made durable.
        let partial = Array(bytes[last.offset..<(last.offset + 40)])
        let fd = try fs.open(segment, .readWrite)
        try fs.write(fd, partial, at: Int64(last.end))
        try fs.sync(fd)
        fs.close(fd)

        let reopened = try TestStore.open(directory: dir.path, options: options, fileSystem: fs)
        let torn = try #require(reopened.recovery.tornTail)
        #expect(torn.offset == Int64(last.end))
        let kept = try #require(torn.keptAt)
        let survivor = fs.powerCut(tearLastPage: false)
        // Closing fails on the dead disk; it releases the directory lock.
        try? reopened.close()
        #expect(survivor.contents(of: kept) == Self.dataExtent(partial, from: 0))
        let again = try TestStore.open(directory: dir.path, options: options, fileSystem: survivor)
        defer { try? again.close() }
        #expect(again.versionCount(key) == 5)
        #expect(again.recovery.tornTail == nil)
    }
}
