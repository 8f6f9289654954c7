import KDeltaModel
import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

@Suite struct WindowAggregatorTests {
    /// Readings in time order with repeated times, NaN now and then, integer-valued so that
    /// sums are exact whatever the grouping.
    static func readings(seed: UInt64, count: Int, startMs: Int64 = 1_714_564_800_000) -> [(Int64, Double)] {
        var rng = SplitMix64(seed: seed)
        var t = startMs + Int64(rng.next(below: 100_000))
        var out: [(Int64, Double)] = []
        for _ in 0..<count {
            t += Int64(rng.next(below: 4)) == 0 ? 0 : Int64(rng.next(below: 90_000))
            let v: Double = rng.next(below: 50) == 0 ? .nan : Double(Int64(rng.next(below: 4001)) - 2000) / 4
            out.append((t, v))
        }
        return out
    }

    /// The naive reference: each reading's window start by a floor division of its own,
    /// readings grouped by it, windows sorted.
    static func reference(_ readings: [(Int64, Double)], everyMs: Int64, offsetMs: Int64) -> [Rollup] {
        var groups: [Int64: Rollup] = [:]
        for (t, v) in readings {
            var s = t - ((t - offsetMs) % everyMs + everyMs) % everyMs
            if s > t { s -= everyMs }
            groups[s, default: Rollup(startMs: s, endMs: s + everyMs)].add(timeMs: t, value: v)
        }
        return groups.keys.sorted().map { groups[$0]! }
    }

    @Test(arguments: [(Int64(60_000), Int64(0)), (3_600_000, 0), (86_400_000, 0), (86_400_000, -3_600_000), (7_000, 1_234), (1, 0)])
    func windowsMatchANaiveReferenceOnSeededRandomData(_ every: Int64, _ offset: Int64) throws {
        for seed in UInt64(1)...5 {
            let data = Self.readings(seed: seed, count: 3000)
            var agg = WindowAggregator(everyMs: every, offsetMs: offset)
            var got: [Rollup] = []
            for (i, (t, v)) in data.enumerated() {
                try agg.add(timeMs: t, value: v)
                if i % 97 == 0 { got += agg.takeCompleted() }
            }
            got += agg.finish()
            let expected = Self.reference(data, everyMs: every, offsetMs: offset)
            #expect(got == expected, "seed \(seed), every \(every), offset \(offset)")
            for a in Aggregation.allCases {
                #expect(got.map { a.value(of: $0) } == expected.map { a.value(of: $0) })
            }
        }
    }

    @Test func windowsAlignToTheEpochAndOffsetsNormalize() {
        let hour: Int64 = 3_600_000
        let a = WindowAggregator(everyMs: hour)
        #expect(a.windowStart(containing: 1_714_566_123_456) == 1_714_564_800_000)
        #expect(a.windowStart(containing: 0) == 0)
        let day = WindowAggregator(everyMs: 24 * hour, offsetMs: -hour)
        let twentyThree = 23 * hour
        #expect(day.offsetMs == twentyThree)
        // 2024-05-01T22:30Z is in the UTC+1 day that started at 2024-04-30T23:00Z.
        #expect(day.windowStart(containing: 1_714_602_600_000) == 1_714_518_000_000)
        #expect(WindowAggregator(everyMs: hour, offsetMs: 5 * hour + 7).offsetMs == 7)
    }

    /// Old data from stored rollups of 1 minute, recent data raw, aggregated to 1 hour: the
    /// same windows as from raw readings alone.
    @Test func rollupsForOldRangesAndRawForRecentGiveTheRawResults() throws {
        for seed in UInt64(10)...14 {
            let data = Self.readings(seed: seed, count: 4000)
            let cut = data[data.count / 2].0 - data[data.count / 2].0 % 60_000
            var minute = WindowAggregator(everyMs: 60_000)
            for (t, v) in data where t < cut { try minute.add(timeMs: t, value: v) }
            let stored = minute.finish()

            var mixed = WindowAggregator(everyMs: 3_600_000)
            for r in stored { try mixed.add(r) }
            for (t, v) in data where t >= cut { try mixed.add(timeMs: t, value: v) }
            var raw = WindowAggregator(everyMs: 3_600_000)
            for (t, v) in data { try raw.add(timeMs: t, value: v) }
            #expect(mixed.finish() == raw.finish(), "seed \(seed)")
        }
    }

    @Test func decimalSumsFromRollupsAgreeToRounding() throws {
        var rng = SplitMix64(seed: 3)
        var raw = WindowAggregator(everyMs: 3_600_000)
        var minute = WindowAggregator(everyMs: 60_000)
        for i in 0..<10_000 {
            let t = Int64(i) * 1_000
            let v = Double(rng.next(below: 100_000)) / 100
            try raw.add(timeMs: t, value: v)
            try minute.add(timeMs: t, value: v)
        }
        var fromRollups = WindowAggregator(everyMs: 3_600_000)
        for r in minute.finish() { try fromRollups.add(r) }
        let a = raw.finish(), b = fromRollups.finish()
        #expect(a.count == b.count)
        for (x, y) in zip(a, b) {
            #expect(x.count == y.count && x.min == y.min && x.max == y.max && x.first == y.first && x.last == y.last)
            #expect(abs(x.sum - y.sum) <= 1e-9 * abs(x.sum))
        }
    }

    @Test func readingsInAClosedWindowAreRefused() throws {
        var agg = WindowAggregator(everyMs: 1000)
        try agg.add(timeMs: 1500, value: 1)
        try agg.add(timeMs: 1100, value: 1)  // same window, earlier: fine
        try agg.add(timeMs: 2500, value: 1)
        #expect(throws: WindowAggregatorError.self) { try agg.add(timeMs: 1999, value: 1) }
        _ = agg.finish()
        do { try agg.add(timeMs: 2999, value: 1); Issue.record("accepted") } catch {
            #expect(error.code == .outOfOrder)
        }
        try agg.add(timeMs: 3000, value: 1)
    }

    @Test func aRollupAcrossTwoWindowsIsRefusedWithAHint() throws {
        var agg = WindowAggregator(everyMs: 90_000)
        var r = Rollup(startMs: 60_000, endMs: 120_000)
        r.add(timeMs: 60_000, value: 1)
        do { try agg.add(r); Issue.record("accepted") } catch {
            #expect(error.code == .rollupStraddlesWindows)
            #expect(error.message.contains("multiple of the rollup interval (60000 ms)"), "\(error)")
        }
        // Empty rollups are ignored altogether.
        try agg.add(Rollup(startMs: 0, endMs: 200_000))
        #expect(agg.finish().isEmpty)
    }

    @Test func windowsHoldTheirOwnBoundsAfterAbsorbingRollups() throws {
        var agg = WindowAggregator(everyMs: 3_600_000)
        var r = Rollup(startMs: 60_000, endMs: 120_000)
        r.add(timeMs: 61_000, value: 2)
        try agg.add(r)
        let out = agg.finish()
        let one: Int64 = 1
        #expect(out.count == 1)
        #expect(out[0].startMs == 0 && out[0].endMs == 3_600_000)
        #expect(out[0].count == one)
    }
}
