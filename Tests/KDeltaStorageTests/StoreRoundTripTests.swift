import KDeltaModel
import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

/// Seeded random readings written, the store closed and reopened: every field of every
/// version comes back exactly (seq, HLC, source time, value bit for bit, parent, id, LSN).
@Suite struct StoreRoundTripTests {
    /// Writes random batches; returns what was acknowledged.
    static func writeRandom(_ store: Store, seed: UInt64, batches: Int, keys: [Key], batchMax: Int = 40) throws -> AcknowledgedWrites {
        var g = RandomReadings(seed: seed)
        var acked = AcknowledgedWrites()
        var times: [Key: Int64] = [:]
        for _ in 0..<batches {
            var readings: [Reading] = []
            for _ in 0..<(1 + g.next(batchMax)) {
                let key = keys[g.next(keys.count)]
                var time: Int64? = nil
                if !g.chance(30) {
                    // Mostly forward, sometimes repeated, sometimes back-filled.
                    let last = times[key] ?? 1_700_000_000_000
                    let step = g.chance(15) ? -Int64(g.next(3_600_000)) : Int64(g.next(120_000))
                    time = max(0, last + step)
                    times[key] = time
                }
                readings.append(Reading(key: key, value: g.value(), sourceTimeMs: time))
            }
            acked.record(readings, try store.putBatch(readings))
        }
        return acked
    }

    /// Every version of every key, by seq.
    static func snapshot(_ store: Store) throws -> [Key: [Version]] {
        var out: [Key: [Version]] = [:]
        for key in store.keys() {
            out[key] = try (1...UInt64(store.versionCount(key))).compactMap { try store.version(key, seq: $0) }
        }
        return out
    }

    /// The invariants of a key's history: seqs dense from 1, each parent the previous id,
    /// the first without parent, HLCs increasing.
    static func expectChains(_ snapshot: [Key: [Version]], sourceLocation: SourceLocation = #_sourceLocation) {
        for (key, versions) in snapshot {
            for (i, v) in versions.enumerated() {
                #expect(v.key == key, sourceLocation: sourceLocation)
                #expect(v.seq == UInt64(i + 1), sourceLocation: sourceLocation)
                #expect(v.parent == (i == 0 ? nil : versions[i - 1].id), "\(key) seq \(v.seq) does not link to its parent", sourceLocation: sourceLocation)
                if i > 0 { #expect(v.hlc > versions[i - 1].hlc, sourceLocation: sourceLocation) }
            }
        }
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func randomReadingsOfEveryKindSurviveCloseAndReopenBitExact(seed: UInt64) throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let keys = RandomReadings.keys(24)
        let before: [Key: [Version]]
        let acked: AcknowledgedWrites
        do {
            let store = try TestStore.open(directory: dir.path)
            acked = try Self.writeRandom(store, seed: seed, batches: 120, keys: keys)
            before = try Self.snapshot(store)
            try acked.expectPresent(in: store, "before close")
            try store.close()
        }
        let store = try TestStore.open(directory: dir.path)
        defer { try? store.close() }
        #expect(store.recovery.tornTail == nil)
        #expect(store.recovery.versions == acked.count)
        let after = try Self.snapshot(store)
        #expect(after.count == before.count)
        for (key, versions) in before {
            let reopened = after[key] ?? []
            #expect(reopened.count == versions.count, "\(key)")
            for (a, b) in zip(versions, reopened) where a != b {
                Issue.record("\(key) seq \(a.seq) changed across reopen: \(a) became \(b)")
            }
        }
        try acked.expectPresent(in: store, "after reopen")
        Self.expectChains(after)
        // HLCs increase store-wide in LSN order, not only per key.
        let byLSN = try AcknowledgedWrites.versionsByLSN(store).sorted { $0.key < $1.key }.map(\.value)
        for (a, b) in zip(byLSN, byLSN.dropFirst()) { #expect(a.hlc < b.hlc, "LSN \(a.lsn) → \(b.lsn)") }
        #expect(store.verify().isIntact)
        #expect(store.verify().versions == acked.count)
    }

    @Test func doubleEdgesKeepTheirBitPatterns() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let key = try Key("edge/double")
        let values: [Double] = [
            .nan, -.nan, Double(nan: 0x3_FFFF, signaling: false), Double(nan: 7, signaling: true),
            Double(bitPattern: 0x7FF0_0000_0000_0001), Double(bitPattern: 0xFFFF_FFFF_FFFF_FFFF),
            .infinity, -.infinity, 0.0, -0.0, .leastNonzeroMagnitude, -.leastNormalMagnitude,
            .greatestFiniteMagnitude, 0.1, -1e-300,
        ]
        do {
            let store = try TestStore.open(directory: dir.path)
            for d in values { try store.put(key, .double(d)) }
            try store.close()
        }
        let store = try TestStore.open(directory: dir.path)
        defer { try? store.close() }
        for (i, d) in values.enumerated() {
            let v = try #require(try store.version(key, seq: UInt64(i + 1)))
            guard case .double(let back) = v.value else { Issue.record("seq \(i + 1) is \(v.value)"); continue }
            #expect(back.bitPattern == d.bitPattern, "seq \(i + 1): \(String(back.bitPattern, radix: 16)) != \(String(d.bitPattern, radix: 16))")
        }
    }

    @Test func segmentsRotateManyTimesAndReopenInOrder() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var options = StoreOptions()
        options.walSegmentBytes = 64 * 1024
        options.fsync = .never
        let keys = RandomReadings.keys(10, prefix: "rot")
        let acked: AcknowledgedWrites
        do {
            let store = try TestStore.open(directory: dir.path, options: options)
            acked = try StoreRoundTripTests.writeRandom(store, seed: 42, batches: 600, keys: keys, batchMax: 60)
            #expect(store.stats().walSegments >= 10)
            try store.close()
        }
        let segments = WALSurgery.segments(dir.path)
        #expect(segments.count >= 10)
        let store = try TestStore.open(directory: dir.path, options: options)
        defer { try? store.close() }
        #expect(store.recovery.segments == segments.count)
        #expect(store.recovery.tornTail == nil)
        #expect(store.recovery.versions == acked.count)
        try acked.expectPresent(in: store, "after reopen")
        #expect(store.verify().isIntact)
        // Writing goes on in the last segment and rotates further.
        let more = try StoreRoundTripTests.writeRandom(store, seed: 43, batches: 100, keys: keys, batchMax: 60)
        try store.close()
        let again = try TestStore.open(directory: dir.path, options: options)
        defer { try? again.close() }
        var all = acked
        all.merge(more)
        try all.expectPresent(in: again, "after second reopen")
        #expect(again.recovery.segments > segments.count)
    }

    @Test func recordLargerThanASegmentIsWrittenAndRecovered() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var options = StoreOptions()
        options.walSegmentBytes = 64 * 1024
        let key = try Key("big/batch")
        let readings = (0..<3000).map { Reading(key: key, value: .int(Int64($0) * 1_000_003)) }
        var acked = AcknowledgedWrites()
        do {
            let store = try TestStore.open(directory: dir.path, options: options)
            acked.record(readings, try store.putBatch(readings))
            acked.record([readings[0]], try store.putBatch([readings[0]]))
            try store.close()
        }
        let store = try TestStore.open(directory: dir.path, options: options)
        defer { try? store.close() }
        try acked.expectPresent(in: store, "after reopen")
        #expect(store.versionCount(key) == 3001)
        #expect(store.verify().isIntact)
    }

    @Test func emptyStoreReopensEmpty() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        try TestStore.open(directory: dir.path).close()
        let store = try TestStore.open(directory: dir.path)
        defer { try? store.close() }
        #expect(store.keys().isEmpty)
        #expect(store.recovery.versions == 0)
        #expect(store.verify().isIntact)
        try store.put(Key("first/one"), .bool(true))
        #expect(store.latest(try Key("first/one"))?.lsn == 1)
    }
}
