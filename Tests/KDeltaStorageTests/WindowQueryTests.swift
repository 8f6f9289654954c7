import KDeltaModel
import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

/// `Store.windows`: windows over memory and blocks equal a naive computation over every
/// reading; non-numeric readings are skipped and counted; `windowsMax` bounds the result.
@Suite struct WindowQueryTests {
    /// The windows computed the slow way: every numeric reading in range, grouped by its
    /// window, summarized with `Rollup.add` in (time, seq) order.
    static func naive(_ readings: [TimedReading], from: Int64, to: Int64, every: Int64, offset: Int64) -> [Rollup] {
        let grouper = WindowAggregator(everyMs: every, offsetMs: offset)
        var windows: [Int64: Rollup] = [:]
        for r in readings where r.timeMs >= from && r.timeMs < to {
            guard let v = r.value.number else { continue }
            let s = grouper.windowStart(containing: r.timeMs)
            windows[s, default: Rollup(startMs: s, endMs: s + every)].add(timeMs: r.timeMs, value: v)
        }
        return windows.keys.sorted().map { windows[$0]! }
    }

    @Test func windowsEqualANaiveComputationOverSeededRandomData() throws {
        let dir = TemporaryDirectory("windows")
        defer { dir.remove() }
        let keys = RandomReadings.keys(4)
        let store = try TestStore.open(directory: dir.path, options: TieredStorageTests.options())
        defer { try? store.close() }
        _ = try StoreRoundTripTests.writeRandom(store, seed: 41, batches: 60, keys: keys)
        _ = try store.cut()
        _ = try StoreRoundTripTests.writeRandom(store, seed: 42, batches: 40, keys: keys)
        var g = RandomReadings(seed: 43)
        for key in keys {
            let all = try store.readings(key, fromMs: Int64.min, toMs: Int64.max)
            let times = all.map(\.timeMs)
            for every: Int64 in [1, 60_000, 3_600_000, 86_400_000] {
                for _ in 0..<4 {
                    let a = times[g.next(times.count)], b = times[g.next(times.count)]
                    let from = min(a, b), to = max(a, b) + 1
                    let offset = Int64(g.next(7_200_001)) - 3_600_000
                    let got = try store.windows(key, WindowQuery(fromMs: from, toMs: to, everyMs: every, offsetMs: offset))
                    let want = Self.naive(all, from: from, to: to, every: every, offset: offset)
                    #expect(got.windows.count == want.count, "\(key) every \(every)")
                    for (w, n) in zip(got.windows, want) {
                        #expect(w.startMs == n.startMs && w.endMs == n.endMs && w.count == n.count && w.nanCount == n.nanCount)
                        #expect(w.min.bitPattern == n.min.bitPattern && w.max.bitPattern == n.max.bitPattern)
                        #expect(w.first == n.first && w.last == n.last)
                        #expect(w.sum.bitPattern == n.sum.bitPattern || (w.sum.isNaN && n.sum.isNaN))
                    }
                    let nonNumeric = all.filter { $0.timeMs >= from && $0.timeMs < to && $0.value.number == nil }.count
                    #expect(got.nonNumericSkipped == nonNumeric)
                }
            }
        }
    }

    @Test func windowsMaxStopsEarlyAndAvgIsTheMean() throws {
        let dir = TemporaryDirectory("windows-max")
        defer { dir.remove() }
        let key = try Key("sensors/w")
        let store = try TestStore.open(directory: dir.path, options: TieredStorageTests.options())
        defer { try? store.close() }
        _ = try store.putBatch((0..<600).map { Reading(key: key, value: .int(Int64($0)), sourceTimeMs: 10_000 * Int64($0)) })
        _ = try store.cut()
        _ = try store.putBatch([Reading(key: key, value: .string("offline"), sourceTimeMs: 6_000_000)])
        let all = try store.windows(key, WindowQuery(fromMs: 0, toMs: 10_000_000, everyMs: 60_000))
        #expect(all.windows.count == 100)
        #expect(all.nonNumericSkipped == 1)
        #expect(Aggregation.avg.window(all.windows[0]).value == 2.5)
        #expect(Aggregation.count.window(all.windows[99]).value == 6)
        let three = try store.windows(key, WindowQuery(fromMs: 0, toMs: 10_000_000, everyMs: 60_000, windowsMax: 3))
        #expect(three.windows == Array(all.windows.prefix(3)))
    }
}
