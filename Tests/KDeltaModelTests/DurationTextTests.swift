import KDeltaModel
import KDeltaStorageTestSupport
import Testing

@Suite struct DurationTextTests {
    @Test(arguments: [
        ("90s", Int64(90_000)), ("15m", 900_000), ("1h", 3_600_000), ("7d", 604_800_000),
        ("2w", 1_209_600_000), ("1y", 31_536_000_000), ("1h30m", 5_400_000), ("1d 12h", 129_600_000),
        ("250ms", 250), ("1m30s500ms", 90_500), ("0s", 0), ("1_000ms", 1000), ("7 d", 604_800_000), ("5y", 157_680_000_000),
    ])
    func durationsParseToMilliseconds(_ text: String, _ ms: Int64) throws {
        #expect(try DurationText.parseMs(text) == ms)
    }

    @Test(arguments: [
        ("", DurationTextError.Code.empty, 0), ("90", .missingUnit, 2), ("7 days", .unknownUnit, 2), ("1 2h", .missingUnit, 2), ("1.5h", .fraction, 1),
        ("30m1h", .unitOrder, 4), ("1h1h", .unitOrder, 3), ("1M", .unknownUnit, 1), ("1min", .unknownUnit, 1),
        ("h", .expectedNumber, 0), ("1h-5m", .unknownUnit, 1), ("-1h", .expectedNumber, 0),
        ("9999999999999999999s", .overflow, 0), ("300000000y", .overflow, 0),
    ])
    func badDurationsSayWhereAndWhy(_ text: String, _ code: DurationTextError.Code, _ offset: Int) {
        do {
            let ms = try DurationText.parseMs(text)
            Issue.record("\(text) parsed as \(ms)")
        } catch {
            #expect(error.code == code, "\(text): \(error)")
            #expect(error.byteOffset == offset, "\(text): \(error)")
        }
    }

    @Test func monthsAreRefusedWithAHint() {
        do { _ = try DurationText.parseMs("1M"); Issue.record("accepted") } catch {
            #expect(error.description.contains("months vary in length"), "\(error)")
        }
        do { _ = try DurationText.parseMs("5min"); Issue.record("accepted") } catch {
            #expect(error.description.contains("write m for minutes"), "\(error)")
        }
    }

    @Test func formatIsTheShortestTextThatReadsBack() throws {
        let cases: [(Int64, String)] = [(0, "0s"), (5_400_000, "1h30m"), (604_800_000, "1w"),
                                        (31_536_000_000, "1y"), (86_400_001, "1d1ms"), (90_000, "1m30s")]
        for (ms, text) in cases {
            #expect(DurationText.format(ms: ms) == text)
            #expect(try DurationText.parseMs(text) == ms)
        }
        var rng = SplitMix64(seed: 7)
        for _ in 0..<1000 {
            let ms = Int64.random(in: 0...(Int64(1) << 50), using: &rng)
            #expect(try DurationText.parseMs(DurationText.format(ms: ms)) == ms)
        }
    }
}
