@testable import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

/// `ChunkTimes.lastIndex`: the interpolated chunk search gives what a linear pass gives,
/// on starts that are even, skewed, repeated, or one.
@Suite struct ChunkSearchTests {
    /// The last index whose start is at or before `t`, by a pass over all of them.
    static func reference(_ starts: [Int64], _ t: Int64) -> Int? {
        starts.lastIndex { $0 <= t }
    }

    @Test func interpolatedSearchAgreesWithALinearPass() {
        var g = SplitMix64(seed: 77)
        for trial in 0..<300 {
            let n = 1 + Int(g.next() % 40)
            var starts: [Int64] = []
            var s = Int64(g.next() % 1000) - 500
            for _ in 0..<n {
                starts.append(s)
                // Even steps, repeats, and now and then a jump of a million.
                switch g.next() % 4 {
                case 0: s += 0
                case 1: s += 1_000_000
                default: s += 100 + Int64(g.next() % 50)
                }
            }
            var probes = starts + starts.map { $0 - 1 } + starts.map { $0 + 1 }
            probes += [Int64.min, Int64.max, starts[0] - 1_000_000, starts[n - 1] + 1_000_000]
            for t in probes {
                let got = ChunkTimes.lastIndex(atOrBefore: t, count: n, first: starts[0], last: starts[n - 1]) { starts[$0] }
                #expect(got == Self.reference(starts, t), "trial \(trial), t \(t), starts \(starts)")
            }
        }
        #expect(ChunkTimes.lastIndex(atOrBefore: 5, count: 0, first: .max, last: .max) { _ in 0 } == nil)
    }
}
