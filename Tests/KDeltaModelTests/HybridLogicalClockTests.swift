import KDeltaModel
import Testing

@Suite struct HybridLogicalClockTests {
    @Test func timestampsIncreaseWhenTheWallClockJumpsBackwards() {
        var clock = HybridLogicalClock()
        // A Pi without RTC: boots at 2024, NTP moves it forward, a bad fix moves it back a day.
        let walls: [Int64] = [1_714_564_800_000, 1_714_564_800_000, 1_714_564_800_001, 1_714_478_400_000,
                              1_714_478_400_000, 1_714_564_800_500, 0, 1_714_564_800_500]
        var last = HLC(rawValue: 0)
        for w in walls {
            let t = clock.now(wallMs: w)
            #expect(t > last)
            last = t
        }
        #expect(last.wallMs == 1_714_564_800_500)
    }

    @Test func logicalCounterCarriesIntoTheWallFieldInsteadOfOverflowing() {
        var clock = HybridLogicalClock()
        var last = clock.now(wallMs: 1000)
        for _ in 0..<70_000 {
            let t = clock.now(wallMs: 1000)
            #expect(t > last)
            last = t
        }
        #expect(last.wallMs == 1001)
    }

    @Test func observingARemoteTimestampMovesTheClockPastIt() {
        var clock = HybridLogicalClock()
        _ = clock.now(wallMs: 1000)
        clock.observe(HLC(wallMs: 5000, logical: 7))
        let t = clock.now(wallMs: 1001)
        #expect(t == HLC(wallMs: 5000, logical: 8))
    }

    @Test func packingKeepsWallAndLogicalParts() {
        let h = HLC(wallMs: 1_714_564_800_123, logical: 65_535)
        #expect(h.wallMs == 1_714_564_800_123)
        #expect(h.logical == 65_535)
        #expect(h.description == "1714564800123.65535")
        #expect(HLC(wallMs: 2, logical: 0) > HLC(wallMs: 1, logical: 65_535))
    }
}
