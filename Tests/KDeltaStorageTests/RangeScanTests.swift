import KDeltaModel
import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

/// `Store.scan` and `readings`: the readings of a range in (time, seq) order, the same as
/// `history` gives, from memory and blocks, before and after reopening; back-filled and
/// mixed-type series; ranges that cut frames; point reads without ids.
@Suite struct RangeScanTests {
    /// What `history` says a range holds, as readings.
    static func expected(_ store: Store, _ key: Key, _ from: Int64, _ to: Int64) throws -> [TimedReading] {
        try store.history(key, HistoryQuery(sinceMs: from, untilMs: to, order: .oldestFirst)).map {
            TimedReading(timeMs: $0.timeMs, value: $0.value)
        }
    }

    /// Random ranges over the key's times, and the whole line.
    static func ranges(_ store: Store, _ key: Key, seed: UInt64) throws -> [(Int64, Int64)] {
        let times = try store.history(key).map(\.timeMs)
        var g = RandomReadings(seed: seed)
        var out: [(Int64, Int64)] = [(Int64.min, Int64.max), (0, 1)]
        for _ in 0..<25 where !times.isEmpty {
            let a = times[g.next(times.count)] + Int64(g.next(3)) - 1
            let b = times[g.next(times.count)] + Int64(g.next(3)) - 1
            out.append((min(a, b), max(a, b) + 1))
        }
        return out
    }

    static func checkScans(_ store: Store, keys: [Key], seed: UInt64) throws {
        for key in keys {
            for (from, to) in try ranges(store, key, seed: seed) {
                #expect(try store.readings(key, fromMs: from, toMs: to) == expected(store, key, from, to), "\(key) [\(from), \(to))")
            }
        }
    }

    @Test func scansEqualHistoryAcrossMemoryBlocksAndReopening() throws {
        let dir = TemporaryDirectory("scan")
        defer { dir.remove() }
        let keys = RandomReadings.keys(5)
        let store = try TestStore.open(directory: dir.path, options: TieredStorageTests.options())
        _ = try StoreRoundTripTests.writeRandom(store, seed: 21, batches: 50, keys: keys)
        try Self.checkScans(store, keys: keys, seed: 1)
        _ = try store.cut()
        _ = try StoreRoundTripTests.writeRandom(store, seed: 22, batches: 50, keys: keys)
        _ = try store.cut()
        _ = try StoreRoundTripTests.writeRandom(store, seed: 23, batches: 30, keys: keys)
        try Self.checkScans(store, keys: keys, seed: 2)
        try store.close()
        let reopened = try TestStore.open(directory: dir.path, options: TieredStorageTests.options())
        defer { try? reopened.close() }
        try Self.checkScans(reopened, keys: keys, seed: 3)
    }

    @Test func inOrderDoubleSeriesStreamsUnboxedBatchesAndRangesCutFrames() throws {
        let dir = TemporaryDirectory("scan-doubles")
        defer { dir.remove() }
        let key = try Key("sensors/t")
        let store = try TestStore.open(directory: dir.path, options: TieredStorageTests.options())
        defer { try? store.close() }
        var g = RandomReadings(seed: 5)
        var written: [TimedReading] = []
        var t: Int64 = 1_700_000_000_000
        for part in 0..<4 {
            var batch: [Reading] = []
            for _ in 0..<(700 + part * 131) {
                t += Int64(g.next(3)) * 1000 + 1  // gaps and equal-step runs
                let v = Double(g.next(4000)) / 100
                batch.append(Reading(key: key, value: .double(v), sourceTimeMs: t))
                written.append(TimedReading(timeMs: t, value: .double(v)))
            }
            _ = try store.putBatch(batch)
            if part < 3 { _ = try store.cut() }
        }
        var g2 = RandomReadings(seed: 6)
        for _ in 0..<200 {
            let a = written[g2.next(written.count)].timeMs + Int64(g2.next(3)) - 1
            let b = a + Int64(g2.next(900_000))
            let want = written.filter { $0.timeMs >= a && $0.timeMs < b }
            var got: [TimedReading] = []
            var previous = Int64.min
            try store.scan(key, fromMs: a, toMs: b) { batch in
                guard case .doubles = batch.values else {
                    Issue.record("a double series gave a batch of \(batch.values)")
                    return false
                }
                for i in 0..<batch.count {
                    #expect(batch.times[i] >= previous)
                    previous = batch.times[i]
                    got.append(batch.reading(at: i))
                }
                return true
            }
            #expect(got == want, "[\(a), \(b))")
        }
    }

    @Test func backFilledTimesComeOutByTimeThenSeq() throws {
        let dir = TemporaryDirectory("scan-backfill")
        defer { dir.remove() }
        let key = try Key("sensors/backfill")
        let store = try TestStore.open(directory: dir.path, options: TieredStorageTests.options())
        defer { try? store.close() }
        let times: [Int64] = [5000, 3000, 5000, 1000, 4000, 3000, 9000, 2000, 5000, 1000]
        for (i, t) in times.enumerated() {
            _ = try store.put(key, .int(Int64(i)), sourceTimeMs: t)
            if i == 3 || i == 6 { _ = try store.cut() }
        }
        let got = try store.readings(key, fromMs: 0, toMs: 10_000)
        let order = times.enumerated().sorted { ($0.element, $0.offset) < ($1.element, $1.offset) }
        #expect(got == order.map { TimedReading(timeMs: $0.element, value: .int(Int64($0.offset))) })
        #expect(try store.readings(key, fromMs: 3000, toMs: 5000) == got.filter { $0.timeMs >= 3000 && $0.timeMs < 5000 })
        #expect(try store.readings(key, fromMs: 0, toMs: 10_000, limit: 3).map(\.timeMs) == [1000, 1000, 2000])
    }

    @Test func mixedTypeChunksScanEveryType() throws {
        let dir = TemporaryDirectory("scan-mixed")
        defer { dir.remove() }
        let key = try Key("zigbee/mixed")
        let store = try TestStore.open(directory: dir.path, options: TieredStorageTests.options())
        defer { try? store.close() }
        let values: [Value] = [.double(1.5), .int(2), .string("open"), .bool(true), .document(.object([("a", .int(1))])), .double(-0.0), .int(7)]
        var readings: [Reading] = []
        for i in 0..<140 { readings.append(Reading(key: key, value: values[i % values.count], sourceTimeMs: 1000 * Int64(i))) }
        _ = try store.putBatch(readings)
        _ = try store.cut()
        let got = try store.readings(key, fromMs: 1000 * 60, toMs: 1000 * 135)
        #expect(got == (60..<135).map { TimedReading(timeMs: 1000 * Int64($0), value: values[$0 % values.count]) })
    }

    @Test func readingAtOrBeforeAgreesWithGetAt() throws {
        let dir = TemporaryDirectory("scan-point")
        defer { dir.remove() }
        let keys = RandomReadings.keys(4)
        let store = try TestStore.open(directory: dir.path, options: TieredStorageTests.options())
        defer { try? store.close() }
        _ = try StoreRoundTripTests.writeRandom(store, seed: 31, batches: 40, keys: keys)
        _ = try store.cut()
        _ = try StoreRoundTripTests.writeRandom(store, seed: 32, batches: 20, keys: keys)
        // A regular series: exact time models.
        let regular = try Key("sensors/regular")
        _ = try store.putBatch((0..<500).map { Reading(key: regular, value: .double(Double($0) / 4), sourceTimeMs: 1_000_000 + 1000 * Int64($0)) })
        _ = try store.cut()
        // Regular series cut into blocks whose times are computed, not decoded: steps of
        // 1 ms and 7 s, and one whose chunk holds a single time.
        let steps = try [(Key("sensors/step-1ms"), Int64(1), 300), (Key("sensors/step-7s"), Int64(7000), 300), (Key("sensors/one"), Int64(5), 1)]
        for (key, step, n) in steps {
            _ = try store.putBatch((0..<n).map { Reading(key: key, value: .int(Int64($0)), sourceTimeMs: 2_000_000 + step * Int64($0)) })
        }
        _ = try store.cut()
        var g = RandomReadings(seed: 33)
        for key in keys + [regular] + steps.map(\.0) {
            let history = try store.history(key)
            let times = history.map(\.timeMs)
            var probes = (0..<100).map { _ in times[g.next(times.count)] + Int64(g.next(3)) - 1 }
            probes += [times.min()!, times.max()!, times.max()! + 1, times.max()! + 10_000]
            for t in probes {
                let v = try store.get(key, at: .timeMs(t))
                let r = try store.reading(key, atOrBefore: t)
                // The reference: the version with the greatest (time, seq) at or before t.
                let expected = history.filter { $0.timeMs <= t }.max { ($0.timeMs, $0.seq) < ($1.timeMs, $1.seq) }
                #expect(v == expected, "\(key) get(at: \(t))")
                #expect(r == v.map { TimedReading(timeMs: $0.timeMs, value: $0.value) }, "\(key) at \(t)")
            }
            #expect(try store.reading(key, atOrBefore: (times.min() ?? 0) - 1) == nil)
        }
    }

    /// A regular series cut into many chunks of very different sizes, steps and gaps, so
    /// that the interpolated first guess of the chunk search is often wrong: every point
    /// read still finds the version `history` says is current, read twice (the first
    /// read of a chunk checks its checksum, later ones take the series' own index).
    @Test func pointReadsFindTheRightChunkAmongManyUnevenOnes() throws {
        let dir = TemporaryDirectory("scan-uneven")
        defer { dir.remove() }
        let key = try Key("sensors/uneven")
        let store = try TestStore.open(directory: dir.path, options: TieredStorageTests.options())
        defer { try? store.close() }
        var g = RandomReadings(seed: 41)
        var t: Int64 = 5_000_000
        var n = 0
        for round in 0..<40 {
            let size = [1, 2, 7, 64, 129, 300][g.next(6)]
            let step = Int64([1, 10, 1000, 60_000][g.next(4)])
            _ = try store.putBatch((0..<size).map { i in
                Reading(key: key, value: .double(Double(n + i) / 8), sourceTimeMs: t + step * Int64(i))
            })
            n += size
            t += step * Int64(size) + (round % 5 == 0 ? 86_400_000 : 0)
            _ = try store.cut()
        }
        let history = try store.history(key, HistoryQuery(order: .oldestFirst))
        #expect(history.count == n)
        let times = history.map(\.timeMs)
        var probes = times + times.map { $0 - 1 } + times.map { $0 + 1 }
        probes += (0..<500).map { _ in times[0] + Int64(g.next(Int(times[times.count - 1] - times[0]) + 1)) }
        probes += [times[0] - 1, times[times.count - 1] + 1_000_000]
        for _ in 0..<2 {
            for t in probes {
                let expected = history.last { $0.timeMs <= t }.map { TimedReading(timeMs: $0.timeMs, value: $0.value) }
                #expect(try store.reading(key, atOrBefore: t) == expected, "at \(t)")
            }
        }
    }

    @Test func emptyRangesUnknownKeysAndStoppingGiveNoMore() throws {
        let dir = TemporaryDirectory("scan-edges")
        defer { dir.remove() }
        let key = try Key("sensors/e")
        let store = try TestStore.open(directory: dir.path, options: TieredStorageTests.options())
        defer { try? store.close() }
        _ = try store.putBatch((0..<300).map { Reading(key: key, value: .double(Double($0)), sourceTimeMs: 1000 * Int64($0)) })
        _ = try store.cut()
        _ = try store.putBatch((300..<400).map { Reading(key: key, value: .double(Double($0)), sourceTimeMs: 1000 * Int64($0)) })
        #expect(try store.readings(key, fromMs: 5000, toMs: 5000).isEmpty)
        #expect(try store.readings(key, fromMs: 9000, toMs: 1000).isEmpty)
        #expect(try store.readings(try Key("sensors/none"), fromMs: 0, toMs: 1 << 50).isEmpty)
        var calls = 0
        try store.scan(key, fromMs: 0, toMs: 1 << 50) { _ in
            calls += 1
            return false
        }
        #expect(calls == 1)
        #expect(try store.readings(key, fromMs: 299_000, toMs: 301_000).map(\.timeMs) == [299_000, 300_000])
    }
}
