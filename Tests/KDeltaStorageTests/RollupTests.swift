import KDeltaModel
import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

@Suite struct RollupTests {
    @Test func readingsSetCountSumMinMaxFirstAndLast() {
        var r = Rollup(startMs: 0, endMs: 1000)
        #expect(r.isEmpty)
        #expect(r.mean == nil)
        r.add(timeMs: 500, value: 2)
        r.add(timeMs: 100, value: 5)
        r.add(timeMs: 900, value: -1)
        let three: Int64 = 3
        #expect(r.count == three)
        #expect(r.sum == 6)
        #expect(r.min == -1)
        #expect(r.max == 5)
        #expect(r.first == TimedValue(timeMs: 100, value: 5))
        #expect(r.last == TimedValue(timeMs: 900, value: -1))
        #expect(r.mean == 2)
    }

    @Test func nanIsCountedApartAndSkipped() {
        var r = Rollup(startMs: 0, endMs: 10)
        r.add(timeMs: 1, value: .nan)
        #expect(!r.isEmpty)
        let zero: Int64 = 0
        #expect(r.count == zero)
        #expect(Aggregation.avg.value(of: r) == nil)
        #expect(Aggregation.count.value(of: r) == 0)
        r.add(timeMs: 2, value: 4)
        r.add(timeMs: 3, value: Double(nan: 7, signaling: false))
        let one: Int64 = 1
        let two: Int64 = 2
        #expect(r.count == one)
        #expect(r.nanCount == two)
        #expect(r.sum == 4)
        #expect(r.min == 4 && r.max == 4)
    }

    @Test func infinitiesAreOrdinaryValues() {
        var r = Rollup(startMs: 0, endMs: 10)
        r.add(timeMs: 1, value: .infinity)
        r.add(timeMs: 2, value: -.infinity)
        #expect(r.max == .infinity)
        #expect(r.min == -.infinity)
        #expect(r.sum.isNaN)
    }

    @Test func tiesOfTimeKeepTheFirstAddedAsFirstAndTheLastAddedAsLast() {
        var r = Rollup(startMs: 0, endMs: 10)
        r.add(timeMs: 5, value: 1)
        r.add(timeMs: 5, value: 2)
        r.add(timeMs: 5, value: 3)
        #expect(r.first?.value == 1)
        #expect(r.last?.value == 3)
    }

    @Test func mergingCoversBothRangesAndIsTheRollupOfAllReadings() {
        var a = Rollup(startMs: 0, endMs: 10)
        var b = Rollup(startMs: 10, endMs: 20)
        var all = Rollup(startMs: 0, endMs: 20)
        for t in Int64(0)..<20 {
            let v = Double((t * 7) % 11)
            if t < 10 { a.add(timeMs: t, value: v) } else { b.add(timeMs: t, value: v) }
            all.add(timeMs: t, value: v)
        }
        #expect(a.merged(with: b) == all)
        // Order of arguments does not change anything but tie-breaking, and there are no ties.
        #expect(b.merged(with: a) == all)
        // An empty rollup is an identity (the range aside).
        #expect(a.merged(with: Rollup(startMs: 0, endMs: 10)) == a)
        // Overlapping ranges and a gap: the hull.
        let overlapping = Rollup(startMs: 5, endMs: 30).merged(with: Rollup(startMs: 40, endMs: 50))
        #expect(overlapping.startMs == 5 && overlapping.endMs == 50)
    }

    /// Random rollups of integer-valued readings (so sums are exact in any grouping), with
    /// repeated times across rollups (ties), NaN and infinities left out of the sum check.
    @Test func mergeIsAssociative() {
        var rng = SplitMix64(seed: 0x5EED)
        func randomRollup() -> Rollup {
            let start = Int64(rng.next(below: 100))
            var r = Rollup(startMs: start, endMs: start + 50)
            for _ in 0..<Int(rng.next(below: 6)) {
                let t = start + Int64(rng.next(below: 50))
                let kind = rng.next(below: 20)
                let v: Double = kind == 0 ? .nan : Double(Int64(rng.next(below: 2001)) - 1000)
                r.add(timeMs: t, value: v)
            }
            return r
        }
        for _ in 0..<2000 {
            let a = randomRollup(), b = randomRollup(), c = randomRollup()
            let left = a.merged(with: b).merged(with: c)
            let right = a.merged(with: b.merged(with: c))
            #expect(left == right, "\(a) \(b) \(c)")
        }
    }

    @Test func sumsOfDecimalsAgreeAcrossGroupingsToRounding() {
        var rng = SplitMix64(seed: 99)
        for _ in 0..<500 {
            var parts = [Rollup(startMs: 0, endMs: 100), Rollup(startMs: 0, endMs: 100), Rollup(startMs: 0, endMs: 100)]
            for i in 0..<3 {
                for _ in 0..<20 { parts[i].add(timeMs: Int64(rng.next(below: 100)), value: Double(rng.next(below: 10_000)) / 100) }
            }
            let left = parts[0].merged(with: parts[1]).merged(with: parts[2])
            let right = parts[0].merged(with: parts[1].merged(with: parts[2]))
            #expect(abs(left.sum - right.sum) <= 1e-9 * max(1, abs(left.sum)))
            #expect(left.count == right.count && left.min == right.min && left.max == right.max)
            #expect(left.first == right.first && left.last == right.last)
        }
    }
}
