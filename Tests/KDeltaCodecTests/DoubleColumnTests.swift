import KDeltaCodec
import KDeltaStorageTestSupport
import Testing

/// DoubleColumn: every bit pattern round-trips (NaN payloads, infinities, -0.0,
/// subnormals, float32 noise, huge magnitudes), short decimals cost a few bits, ranges
/// equal slices.
@Suite struct DoubleColumnTests {
    static let specials: [Double] = [
        .nan, -.nan, Double(nan: 0x1234, signaling: false), Double(nan: 1, signaling: true),
        Double(bitPattern: 0x7FF0_0000_0000_0001), Double(bitPattern: 0xFFFF_FFFF_FFFF_FFFF),
        .infinity, -.infinity, 0.0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
        .leastNormalMagnitude, Double(bitPattern: 0x000F_FFFF_FFFF_FFFF), .greatestFiniteMagnitude,
        -.greatestFiniteMagnitude, 1e300, -1e-300, .pi, 0.1, 1.0 / 3.0, 9.3e18, -9.3e18, 123_456_789.123,
    ]

    @Test func edgeCasesRoundTripBitForBit() {
        ColumnChecks.roundTrips(DoubleCoding.self, [], "empty")
        ColumnChecks.roundTrips(DoubleCoding.self, [21.5], "one value")
        ColumnChecks.roundTrips(DoubleCoding.self, [-0.0], "one -0.0")
        ColumnChecks.roundTrips(DoubleCoding.self, [.nan], "one NaN")
        ColumnChecks.roundTrips(DoubleCoding.self, Self.specials, "special values")
        ColumnChecks.roundTrips(DoubleCoding.self, Array(repeating: Double(nan: 7, signaling: false), count: 500), "all NaN with a payload")
        ColumnChecks.roundTrips(DoubleCoding.self, Array(repeating: 19.89, count: 1_000), "all equal")
        ColumnChecks.roundTrips(DoubleCoding.self, (0..<500).map { $0 % 2 == 0 ? 0.0 : -0.0 }, "alternating zeros")
        // Typed out: Swift 6.0.3 gave up type-checking the one-line closure on a loaded machine.
        let alternating: [Double] = (0..<500).map { (i: Int) -> Double in
            let sign: Double = i % 2 == 0 ? 1 : -1
            return sign * (12.5 + Double(i))
        }
        ColumnChecks.roundTrips(DoubleCoding.self, alternating, "alternating signs")
    }

    @Test func mixedDecimalAndNonDecimalFramesRoundTrip() {
        var random = SplitMix64(seed: 40)
        var values: [Double] = []
        for i in 0..<3_000 {
            let decimal = Double(Int.random(in: -5_000...5_000, using: &random)) / 100
            switch i % 50 {
            case 0: values.append(Self.specials[Int.random(in: 0..<Self.specials.count, using: &random)])
            case 1: values.append(Double(Float(decimal) + 0.001))
            default: values.append(decimal)
            }
        }
        ColumnChecks.roundTrips(DoubleCoding.self, values, "decimals with specials and float32 noise")
        let specialsShuffled = (0..<2_000).map { _ in Self.specials[Int.random(in: 0..<Self.specials.count, using: &random)] }
        ColumnChecks.roundTrips(DoubleCoding.self, specialsShuffled, "only specials")
        let bitsNoise = (0..<2_000).map { _ in Double(bitPattern: random.next()) }
        ColumnChecks.roundTrips(DoubleCoding.self, bitsNoise, "random bit patterns")
        let floats = (0..<2_000).map { _ in Double(Float.random(in: -1_000...1_000, using: &random)) }
        ColumnChecks.roundTrips(DoubleCoding.self, floats, "float32 values")
        let subnormals = (0..<1_000).map { _ in Double(bitPattern: random.next() & 0x000F_FFFF_FFFF_FFFF) }
        ColumnChecks.roundTrips(DoubleCoding.self, subnormals, "subnormals")
        let divisors: [Double] = [1, 10, 1e3, 1e6, 1e12, 1e15]
        let wideScales = (0..<2_000).map { i -> Double in Double(Int.random(in: -999_999...999_999, using: &random)) / divisors[i % 6] }
        ColumnChecks.roundTrips(DoubleCoding.self, wideScales, "decimals of six scales")
        let huge = (0..<1_000).map { i -> Double in Double(i) * 1e17 + Double(Int.random(in: 0...9, using: &random)) }
        ColumnChecks.roundTrips(DoubleCoding.self, huge, "huge magnitudes")
    }

    /// One frame of the household dataset's Global_reactive_power (values 169,472..<169,600):
    /// runs of zeros broken by small readings make Rice groups with a small parameter whose
    /// escapes fell where the decoder's register held fewer bits than the escape's length
    /// field; the length was read as zeros (a regression test for that).
    @Test func householdFrameWithEscapesAtTheRegisterEdgeRoundTrips() {
        let values: [Double] = [
            0.0, 0.0, 0.0, 0.084, 0.094, 0.098, 0.098, 0.098, 0.096, 0.096, 0.096, 0.098, 0.096, 0.098, 0.098,
            0.096, 0.094, 0.094, 0.094, 0.094, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.078, 0.078,
            0.078, 0.078, 0.08, 0.08, 0.08, 0.076, 0.078, 0.078, 0.078, 0.06, 0.0, 0.0, 0.0, 0.0, 0.0, 0.108,
            0.108, 0.108, 0.106, 0.112, 0.114, 0.112, 0.112, 0.11, 0.112, 0.114, 0.114, 0.114, 0.112, 0.112,
            0.112, 0.104, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.074, 0.09, 0.09, 0.09,
            0.09, 0.088, 0.092, 0.094, 0.092, 0.09, 0.09, 0.09, 0.0, 0.0, 0.104, 0.122, 0.122, 0.14, 0.248,
            0.248, 0.246, 0.246, 0.244, 0.246, 0.244, 0.246, 0.246, 0.244, 0.246, 0.246, 0.25, 0.154, 0.114,
            0.112, 0.112, 0.11, 0.112, 0.114, 0.116, 0.114, 0.112, 0.112, 0.112, 0.11, 0.108, 0.106, 0.134,
            0.214, 0.214, 0.212, 0.212, 0.216
        ]
        ColumnChecks.roundTrips(DoubleCoding.self, values, "household Global_reactive_power frame 1324")
    }

    /// Averages of three two-decimal readings printed with 15 significant digits, as in the
    /// appliances dataset ("46.6933333333333" = 140.08 / 3): rational frames code their
    /// numerators, a few bits each instead of the 40 their scale-13 integers would need.
    @Test func averagesPrintedWithFifteenDigitsCostFewBytes() throws {
        var random = SplitMix64(seed: 44)
        var sum = 14_000
        var values: [Double] = []
        for i in 0..<6_400 {
            sum += Int.random(in: -3...3, using: &random)
            // 15 significant digits of sum / 300, as printf("%.15g") shows it.
            let text = i % 7 == 0 ? "\(Double(sum / 3) / 100)" : Self.fifteenDigits(sum, over: 300)
            values.append(Double(text)!)
        }
        let (decoded, bytes) = try DoubleCoding.roundTrip(values)
        #expect(DoubleCoding.same(decoded, values))
        let perValue = Double(bytes.count) / Double(values.count)
        #expect(perValue < 1.5, "\(perValue) bytes per value")
        var mixed = values
        for i in stride(from: 5, to: mixed.count, by: 11) {
            let replacements: [Double] = [-mixed[i], Double.nan, 0.1 + 0.2, mixed[i] / 10]
            mixed[i] = replacements[i % 4]
        }
        ColumnChecks.roundTrips(DoubleCoding.self, mixed, "averages mixed with other values")
        ColumnChecks.rangesMatch(DoubleCoding.self, Array(mixed.prefix(700)), ranges: ColumnChecks.ranges(count: 700, random: &random))
        ColumnChecks.corruptionIsCaught(DoubleCoding.self, Array(values.prefix(160)))
    }

    /// `n / q` (1 <= n / q < 100) with 15 significant digits, as text.
    static func fifteenDigits(_ n: Int, over q: Int) -> String {
        let decimals = n / q >= 10 ? 13 : 14
        var power = 1
        for _ in 0..<decimals { power *= 10 }
        let scaled = (n * power * 2 + q) / (2 * q) // n / q x 10^decimals, rounded half up
        let digits = String(scaled)
        return String(digits.dropLast(decimals)) + "." + String(digits.suffix(decimals))
    }

    /// The same averages around 10, where the printed decimals change from 14 to 13:
    /// significant-digit frames give each value its own scale.
    @Test func averagesCrossingAPowerOfTenCostFewBytes() throws {
        var random = SplitMix64(seed: 45)
        var sum = 3_000
        let values = (0..<3_200).map { _ -> Double in
            sum = min(3_250, max(2_750, sum + Int.random(in: -4...4, using: &random)))
            return Double(Self.fifteenDigits(sum, over: 300))!
        }
        let (decoded, bytes) = try DoubleCoding.roundTrip(values)
        #expect(DoubleCoding.same(decoded, values))
        let perValue = Double(bytes.count) / Double(values.count)
        #expect(perValue < 1.5, "\(perValue) bytes per value")
        ColumnChecks.rangesMatch(DoubleCoding.self, Array(values.prefix(600)), ranges: ColumnChecks.ranges(count: 600, random: &random))
    }

    @Test func shortDecimalSeriesCostFewBitsPerValue() throws {
        var random = SplitMix64(seed: 41)
        var t = 2_150
        let values = (0..<12_800).map { _ -> Double in
            t += Int.random(in: -2...2, using: &random)
            return Double(t) / 100
        }
        let (decoded, bytes) = try DoubleCoding.roundTrip(values)
        #expect(DoubleCoding.same(decoded, values))
        let bits = Double(bytes.count * 8) / Double(values.count)
        #expect(bits < 4, "\(bits) bits per value for a slow two-decimal walk")
    }

    @Test func rangesEqualSlicesOfTheWholeDecode() {
        var random = SplitMix64(seed: 42)
        let values = (0..<900).map { i -> Double in
            i % 200 < 100 ? Double(Int.random(in: 0...3_000, using: &random)) / 10 : Double(bitPattern: random.next())
        }
        ColumnChecks.rangesMatch(DoubleCoding.self, values, ranges: ColumnChecks.ranges(count: values.count, random: &random))
    }

    @Test func corruptAndTruncatedColumnsThrowOrDecodeButNeverCrash() {
        var random = SplitMix64(seed: 43)
        let decimals = (0..<300).map { i -> Double in i == 100 ? .nan : Double(Int.random(in: 0...500, using: &random)) / 10 }
        ColumnChecks.corruptionIsCaught(DoubleCoding.self, decimals)
        let noise = (0..<150).map { _ in Double(bitPattern: random.next()) }
        ColumnChecks.corruptionIsCaught(DoubleCoding.self, noise)
    }
}
