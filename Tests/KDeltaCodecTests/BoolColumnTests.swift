import KDeltaCodec
import KDeltaStorageTestSupport
import Testing

/// BoolColumn: runs and noise round-trip; ranges equal slices; a rarely changing state
/// costs a few bytes per frame.
@Suite struct BoolColumnTests {
    @Test func edgeCasesRoundTrip() {
        ColumnChecks.roundTrips(BoolCoding.self, [], "empty")
        ColumnChecks.roundTrips(BoolCoding.self, [true], "one true")
        ColumnChecks.roundTrips(BoolCoding.self, [false], "one false")
        ColumnChecks.roundTrips(BoolCoding.self, Array(repeating: true, count: 1_000), "all true")
        ColumnChecks.roundTrips(BoolCoding.self, (0..<1_000).map { $0 % 2 == 0 }, "alternating")
    }

    @Test func randomRunsAndNoiseRoundTrip() {
        var random = SplitMix64(seed: 20)
        var runs: [Bool] = []
        var v = false
        while runs.count < 10_000 {
            runs += Array(repeating: v, count: Int.random(in: 1...300, using: &random))
            v.toggle()
        }
        ColumnChecks.roundTrips(BoolCoding.self, runs, "random runs")
        let noise = (0..<5_000).map { _ in Bool.random(using: &random) }
        ColumnChecks.roundTrips(BoolCoding.self, noise, "noise")
    }

    @Test func aDoorThatRarelyMovesCostsLittle() throws {
        let values = (0..<12_800).map { ($0 / 1_000) % 2 == 0 }
        let (_, bytes) = try BoolCoding.roundTrip(values)
        #expect(bytes.count < 800, "\(bytes.count) bytes for \(values.count) values in 13 runs")
    }

    @Test func rangesEqualSlicesOfTheWholeDecode() {
        var random = SplitMix64(seed: 21)
        let values = (0..<700).map { i in i % 50 < 20 ? true : Bool.random(using: &random) }
        ColumnChecks.rangesMatch(BoolCoding.self, values, ranges: ColumnChecks.ranges(count: values.count, random: &random))
    }

    @Test func corruptAndTruncatedColumnsThrowOrDecodeButNeverCrash() {
        let values = (0..<300).map { ($0 / 7) % 3 == 0 }
        ColumnChecks.corruptionIsCaught(BoolCoding.self, values)
        var random = SplitMix64(seed: 22)
        ColumnChecks.corruptionIsCaught(BoolCoding.self, (0..<200).map { _ in Bool.random(using: &random) })
    }
}
