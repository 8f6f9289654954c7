import KDeltaStorage
import Testing

@Suite struct AggregationTests {
    @Test func namesParseAndUnknownOnesListTheValidNames() throws {
        for a in Aggregation.allCases { #expect(try Aggregation(parsing: a.rawValue) == a) }
        do { _ = try Aggregation(parsing: "mean"); Issue.record("accepted") } catch {
            #expect(error.description == "'mean' is not an aggregation (did you mean avg?); use one of count, sum, avg, min, max, first, last")
        }
        do { _ = try Aggregation(parsing: "AVG"); Issue.record("accepted") } catch {
            #expect(error.description.contains("did you mean avg?"))
        }
        do { _ = try Aggregation(parsing: "p99"); Issue.record("accepted") } catch {
            #expect(error.description == "'p99' is not an aggregation; use one of count, sum, avg, min, max, first, last")
        }
    }

    @Test func everyAggregationReadsTheRollup() {
        var r = Rollup(startMs: 0, endMs: 60_000)
        r.add(timeMs: 10, value: 3)
        r.add(timeMs: 20, value: 1)
        r.add(timeMs: 30, value: 8)
        let expected: [(Aggregation, Double)] = [(.count, 3), (.sum, 12), (.avg, 4), (.min, 1), (.max, 8), (.first, 3), (.last, 8)]
        for (a, v) in expected { #expect(a.value(of: r) == v, "\(a)") }
        let three: Int64 = 3
        #expect(Aggregation.max.window(r) == WindowValue(startMs: 0, endMs: 60_000, value: 8, count: three))
        let empty = Rollup(startMs: 0, endMs: 1)
        for a in Aggregation.allCases where a != .count { #expect(a.value(of: empty) == nil) }
    }
}
