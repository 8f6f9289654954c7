import KDeltaCodec
import KDeltaStorageTestSupport
import Testing

/// TimeColumn: regular, jittery, irregular, out-of-order and extreme series round-trip
/// exactly; ranges equal slices; a regular series costs well under a bit per value.
@Suite struct TimeColumnTests {
    static func regular(_ n: Int, start: Int64 = 1_700_000_000_000, step: Int64 = 60_000) -> [Int64] {
        (0..<n).map { start + Int64($0) * step }
    }

    @Test func emptyAndSingleValuesRoundTrip() {
        ColumnChecks.roundTrips(TimeCoding.self, [], "empty")
        ColumnChecks.roundTrips(TimeCoding.self, [42], "one value")
        ColumnChecks.roundTrips(TimeCoding.self, [.min], "Int64.min")
        ColumnChecks.roundTrips(TimeCoding.self, [5, 5], "two equal")
    }

    @Test func regularMinuteSeriesCostsWellUnderOneBitPerValue() throws {
        let values = Self.regular(100_000)
        let (decoded, bytes) = try TimeCoding.roundTrip(values)
        #expect(decoded == values)
        let bitsPerValue = Double(bytes.count * 8) / Double(values.count)
        #expect(bitsPerValue < 0.5, "\(bitsPerValue) bits per value")
    }

    @Test func extremesRoundTrip() {
        let extremes: [Int64] = [.min, .max, .min, 0, .max, -1, 1, .min + 1, .max - 1, .max, .max, .min, .min]
        ColumnChecks.roundTrips(TimeCoding.self, extremes, "Int64 extremes")
        ColumnChecks.roundTrips(TimeCoding.self, Array(repeating: Int64.max, count: 300), "all Int64.max")
        ColumnChecks.roundTrips(TimeCoding.self, (0..<300).map { $0 % 2 == 0 ? Int64.min : Int64.max }, "alternating extremes")
    }

    @Test func irregularAndOutOfOrderSeriesRoundTrip() {
        var random = SplitMix64(seed: 1)
        var jitter: [Int64] = []
        var t: Int64 = 1_600_000_000_000
        for _ in 0..<5_000 {
            t += 1_000 + Int64.random(in: -30...30, using: &random)
            jitter.append(t)
        }
        ColumnChecks.roundTrips(TimeCoding.self, jitter, "jittered seconds")
        var gaps = Self.regular(3_000)
        for i in stride(from: 100, to: gaps.count, by: 250) {
            for j in i..<gaps.count { gaps[j] += 86_400_000 * 40 }
        }
        ColumnChecks.roundTrips(TimeCoding.self, gaps, "huge gaps")
        var backwards = Self.regular(2_000)
        for i in stride(from: 7, to: backwards.count, by: 13) { backwards[i] -= 3_600_000 }
        ColumnChecks.roundTrips(TimeCoding.self, backwards, "out of order")
        let randomValues = (0..<2_000).map { _ in Int64(bitPattern: random.next()) }
        ColumnChecks.roundTrips(TimeCoding.self, randomValues, "uniformly random 64-bit")
        let descending = (0..<1_000).map { Int64(5_000_000 - $0 * 17) }
        ColumnChecks.roundTrips(TimeCoding.self, descending, "descending")
    }

    @Test func rangesEqualSlicesOfTheWholeDecode() {
        var random = SplitMix64(seed: 2)
        var values = Self.regular(1_000)
        for i in stride(from: 0, to: values.count, by: 37) { values[i] += Int64.random(in: -5_000...5_000, using: &random) }
        ColumnChecks.rangesMatch(TimeCoding.self, values, ranges: ColumnChecks.ranges(count: values.count, random: &random))
    }

    @Test func corruptAndTruncatedColumnsThrowOrDecodeButNeverCrash() {
        var random = SplitMix64(seed: 3)
        let values = (0..<300).map { Int64($0) * 1_000 + Int64.random(in: -9...9, using: &random) }
        ColumnChecks.corruptionIsCaught(TimeCoding.self, values)
    }

    @Test func anotherColumnsSchemeIsRefusedByName() {
        let bytes = IntColumn.encode([1, 2, 3])
        do {
            _ = try TimeCoding.decode(bytes, count: 3)
            Issue.record("an IntColumn decoded as a TimeColumn")
        } catch {
            #expect(error.message.contains("IntColumn"), "\(error)")
            #expect(error.message.contains("scheme byte"), "\(error)")
        }
    }
}
