import KDeltaCodec
import KDeltaStorageTestSupport
import Testing

/// IntColumn: counters, noise, constants and extremes round-trip; ranges equal slices.
@Suite struct IntColumnTests {
    @Test func edgeCasesRoundTrip() {
        ColumnChecks.roundTrips(IntCoding.self, [], "empty")
        ColumnChecks.roundTrips(IntCoding.self, [-7], "one value")
        ColumnChecks.roundTrips(IntCoding.self, Array(repeating: 12, count: 1_000), "all equal")
        ColumnChecks.roundTrips(IntCoding.self, [.min, .max, 0, .min, -1, .max, 1], "Int64 extremes")
        ColumnChecks.roundTrips(IntCoding.self, (0..<500).map { $0 % 2 == 0 ? Int64($0) : -Int64($0) }, "alternating signs")
        ColumnChecks.roundTrips(IntCoding.self, (0..<500).map { Int64($0) * 1_000 }, "multiples of 1000")
    }

    @Test func randomWalksAndNoiseRoundTrip() {
        var random = SplitMix64(seed: 10)
        var walk: [Int64] = []
        var x: Int64 = 0
        for _ in 0..<10_000 {
            x += Int64.random(in: -100...100, using: &random)
            walk.append(x)
        }
        ColumnChecks.roundTrips(IntCoding.self, walk, "random walk")
        let noise = (0..<3_000).map { _ in Int64(bitPattern: random.next()) }
        ColumnChecks.roundTrips(IntCoding.self, noise, "64-bit noise")
        let spikeMax: Int64 = 1_000_000_000
        let spiky = (0..<3_000).map { i -> Int64 in i % 97 == 0 ? Int64.random(in: -spikeMax...spikeMax, using: &random) : 3 }
        ColumnChecks.roundTrips(IntCoding.self, spiky, "rare spikes")
    }

    /// Small residuals with an outlier in most groups: Rice groups with a small parameter
    /// and escapes at many bit offsets of the decoder's register.
    @Test func outliersAmongSmallValuesEscapeAtEveryBitOffset() {
        var random = SplitMix64(seed: 13)
        let spike: Int64 = 1 << 40
        for gap in 13...40 {
            var x: Int64 = 0
            let values = (0..<3_000).map { i -> Int64 in
                x += i % gap == 0 ? Int64.random(in: -spike...spike, using: &random) : Int64.random(in: -1...1, using: &random)
                return x
            }
            ColumnChecks.roundTrips(IntCoding.self, values, "outliers every \(gap) values")
        }
    }

    @Test func constantColumnCostsAboutABitPer16Values() throws {
        let values = Array(repeating: Int64(20), count: 128 * 100)
        let (_, bytes) = try IntCoding.roundTrip(values)
        #expect(bytes.count < 600, "\(bytes.count) bytes for \(values.count) equal values")
    }

    @Test func rangesEqualSlicesOfTheWholeDecode() {
        var random = SplitMix64(seed: 11)
        let values = (0..<777).map { _ in Int64.random(in: -1_000...1_000, using: &random) }
        ColumnChecks.rangesMatch(IntCoding.self, values, ranges: ColumnChecks.ranges(count: values.count, random: &random))
    }

    @Test func corruptAndTruncatedColumnsThrowOrDecodeButNeverCrash() {
        var random = SplitMix64(seed: 12)
        let values = (0..<300).map { _ in Int64.random(in: -50...50, using: &random) }
        ColumnChecks.corruptionIsCaught(IntCoding.self, values)
    }
}
