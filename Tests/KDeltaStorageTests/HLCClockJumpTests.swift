import KDeltaModel
import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

/// A Pi's wall clock jumps (backwards when NTP corrects a clock restored from a saved time);
/// the store's HLCs must keep increasing across the jump and across reopening.
@Suite struct HLCClockJumpTests {
    static let day: Int64 = 86_400_000

    @Test func hlcNeverGoesBackwardsWhenTheClockJumpsBackADay() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let clock = ManualClock(1_750_000_000_000)
        var options = StoreOptions()
        options.clock = clock
        let key = try Key("clock/jump")
        let other = try Key("clock/other")
        var written: [Version] = []
        do {
            let store = try TestStore.open(directory: dir.path, options: options)
            for i in 0..<5 {
                try store.put(key, .int(Int64(i)))
                clock.advance(1)
            }
            clock.set(1_750_000_000_000 - Self.day)
            for i in 5..<10 { try store.putBatch([Reading(key: key, value: .int(Int64(i))), Reading(key: other, value: .int(Int64(i)))]) }
            written = try (1...10).compactMap { try store.version(key, seq: $0) }
            try store.close()
        }
        #expect(written.count == 10)
        for (a, b) in zip(written, written.dropFirst()) { #expect(a.hlc < b.hlc, "seq \(a.seq) → \(b.seq)") }
        #expect(written[9].hlc.wallMs >= 1_750_000_000_004)

        // Reopen with the clock still a day behind: new versions go after the recovered ones.
        let store = try TestStore.open(directory: dir.path, options: options)
        defer { try? store.close() }
        for i in 10..<15 { try store.put(key, .int(Int64(i))) }
        let all = try (1...15).compactMap { try store.version(key, seq: $0) }
        #expect(all.count == 15)
        for (a, b) in zip(all, all.dropFirst()) { #expect(a.hlc < b.hlc, "seq \(a.seq) → \(b.seq) after reopen") }
        #expect(Array(all.prefix(10)) == written)
        let everything = try AcknowledgedWrites.versionsByLSN(store).sorted { $0.key < $1.key }.map(\.value)
        for (a, b) in zip(everything, everything.dropFirst()) { #expect(a.hlc < b.hlc, "LSN \(a.lsn) → \(b.lsn)") }

        // get(at: .hlc) finds each version by its own HLC, and the one before just below it.
        for (i, v) in all.enumerated() {
            #expect(try store.get(key, at: .hlc(v.hlc)) == v)
            let below = try store.get(key, at: .hlc(HLC(rawValue: v.hlc.rawValue - 1)))
            #expect(below?.seq == (i == 0 ? nil : v.seq - 1))
        }
        // Without source times the series time is the HLC's wall part, so it stays ordered.
        #expect(try store.get(key, at: .timeMs(all[14].timeMs))?.seq == 15)
        #expect(store.verify().isIntact)
    }

    @Test func manyWritesInOneMillisecondKeepDistinctIncreasingHLCs() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var options = StoreOptions()
        options.clock = ManualClock(1_000)
        options.fsync = .never
        let store = try TestStore.open(directory: dir.path, options: options)
        defer { try? store.close() }
        let key = try Key("clock/still")
        let batch = (0..<70_000).map { Reading(key: key, value: .int(Int64($0))) }
        try store.putBatch(batch)
        let first = try #require(try store.version(key, seq: 1))
        let last = try #require(try store.version(key, seq: 70_000))
        // 70,000 > 65,536 logical values: the wall part moved on by itself.
        #expect(last.hlc.wallMs > first.hlc.wallMs)
        #expect(try store.get(key, at: .hlc(last.hlc))?.seq == 70_000)
        #expect(try store.get(key, at: .hlc(first.hlc))?.seq == 1)
    }
}
