import KDeltaModel
import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

/// `get(at:)`, `history` and `diff` against brute-force references over random data,
/// including back-filled source times and versions without a source time.
@Suite struct StoreReadTests {
    /// Writes random readings with a clock that steps (and sometimes stands still), some
    /// keys in time order and some back-filled; returns the clock.
    static func populate(_ store: Store, clock: ManualClock, seed: UInt64, keys: [Key], readings: Int) throws {
        var g = RandomReadings(seed: seed)
        var last: [Key: Int64] = [:]
        for i in 0..<readings {
            let k = g.next(keys.count)
            let key = keys[k]
            var time: Int64? = nil
            switch k % 3 {
            case 0: time = nil  // the HLC's wall time is the series time
            case 1:
                let t = (last[key] ?? 1_000_000) + Int64(g.next(3))  // in order, with ties
                last[key] = t
                time = t
            default:
                time = 1_000_000 + Int64(g.next(400))  // back-filled, ties and out of order
            }
            if g.chance(5) && i > 0 { time = (last[key] ?? 1_000_000) }  // a repeat
            try store.put(key, .int(Int64(i)), sourceTimeMs: time)
            if g.chance(60) { clock.advance(Int64(g.next(4))) }
        }
    }

    static func all(_ store: Store, _ key: Key) throws -> [Version] {
        try (1...UInt64(store.versionCount(key))).compactMap { try store.version(key, seq: $0) }
    }

    /// The version with the greatest (time, seq) at or before `t`.
    static func referenceAt(time t: Int64, _ versions: [Version]) -> Version? {
        versions.filter { $0.timeMs <= t }.max { ($0.timeMs, $0.seq) < ($1.timeMs, $1.seq) }
    }

    static func referenceAt(hlc h: HLC, _ versions: [Version]) -> Version? {
        versions.filter { $0.hlc <= h }.max { $0.seq < $1.seq }
    }

    static func referenceHistory(_ versions: [Version], _ q: HistoryQuery) -> [UInt64] {
        var out = versions
            .filter { $0.timeMs >= (q.sinceMs ?? .min) && $0.timeMs < (q.untilMs ?? .max) }
            .sorted { ($0.timeMs, $0.seq) < ($1.timeMs, $1.seq) }
        if q.order == .newestFirst { out.reverse() }
        if let limit = q.limit { out = Array(out.prefix(limit)) }
        return out.map(\.seq)
    }

    static func expectReadsMatchReference(_ store: Store, keys: [Key], seed: UInt64, _ context: String) throws {
        var g = RandomReadings(seed: seed)
        for key in keys {
            let versions = try all(store, key)
            #expect(!versions.isEmpty)
            let times = versions.map(\.timeMs)
            var probes: [Int64] = [Int64.min, Int64.max, 0, (times.min() ?? 0) - 1, (times.max() ?? 0) + 1]
            for t in times.prefix(120) { probes += [t - 1, t, t + 1] }
            for t in probes {
                let got = try store.get(key, at: .timeMs(t))
                let want = referenceAt(time: t, versions)
                #expect(got?.seq == want?.seq, "\(context) \(key) at time \(t): got seq \(String(describing: got?.seq)), want \(String(describing: want?.seq))")
                if let got, let want { #expect(got == want) }
            }
            var hlcProbes: [HLC] = [HLC(rawValue: 0), HLC(rawValue: .max)]
            for v in versions.prefix(120) {
                hlcProbes += [HLC(rawValue: v.hlc.rawValue - 1), v.hlc, HLC(rawValue: v.hlc.rawValue + 1)]
            }
            for h in hlcProbes {
                #expect(try store.get(key, at: .hlc(h))?.seq == referenceAt(hlc: h, versions)?.seq, "\(context) \(key) at hlc \(h)")
            }
            for _ in 0..<60 {
                let lo = (times.min() ?? 0) - 2 + Int64(g.next(420))
                let q = HistoryQuery(
                    sinceMs: g.chance(70) ? lo : nil,
                    untilMs: g.chance(70) ? lo + Int64(g.next(300)) : nil,
                    limit: g.chance(50) ? g.next(versions.count + 2) : nil,
                    order: g.chance(50) ? .newestFirst : .oldestFirst)
                #expect(try store.history(key, q).map(\.seq) == referenceHistory(versions, q), "\(context) \(key) history \(q)")
            }
        }
    }

    @Test(arguments: [7, 8] as [UInt64])
    func getAtTimeAndHLCMatchBruteForceIncludingBackfill(seed: UInt64) throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let clock = ManualClock(1_000_000)
        var options = StoreOptions()
        options.clock = clock
        options.fsync = .never
        let keys = RandomReadings.keys(6, prefix: "read")
        do {
            let store = try TestStore.open(directory: dir.path, options: options)
            try Self.populate(store, clock: clock, seed: seed, keys: keys, readings: 900)
            try Self.expectReadsMatchReference(store, keys: keys, seed: seed, "live")
            try store.close()
        }
        let store = try TestStore.open(directory: dir.path, options: options)
        defer { try? store.close() }
        try Self.expectReadsMatchReference(store, keys: keys, seed: seed, "reopened")
    }

    @Test func unknownKeyReadsNothing() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let store = try TestStore.open(directory: dir.path)
        defer { try? store.close() }
        let key = try Key("no/such/key")
        #expect(store.latest(key) == nil)
        #expect(try store.get(key, at: .timeMs(.max)) == nil)
        #expect(try store.get(key, at: .hlc(HLC(rawValue: .max))) == nil)
        #expect(try store.history(key).isEmpty)
        #expect(try store.version(key, seq: 1) == nil)
        #expect(store.versionCount(key) == 0)
        #expect(throws: StoreError.self) { try store.diff(key) }
        // A key with one version: nothing to compare, said plainly (not "unchanged").
        let single = try Key("one/version")
        try store.put(single, .double(1))
        #expect {
            try store.diff(single)
        } throws: { error in
            (error as? StoreError)?.message == "key one/version has one version kept, seq 1: there is no earlier one to compare it with"
        }
    }

    @Test func historyReturnsRangesInOrderWithLimit() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let store = try TestStore.open(directory: dir.path)
        defer { try? store.close() }
        let key = try Key("hist/k")
        for i in 0..<10 { try store.put(key, .int(Int64(i)), sourceTimeMs: 1000 + Int64(i) * 10) }
        #expect(try store.history(key).map(\.seq) == Array((1...10).reversed()))
        #expect(try store.history(key, HistoryQuery(order: .oldestFirst)).map(\.seq) == Array(1...10))
        // since is inclusive, until exclusive.
        #expect(try store.history(key, HistoryQuery(sinceMs: 1020, untilMs: 1050, order: .oldestFirst)).map(\.seq) == [3, 4, 5])
        #expect(try store.history(key, HistoryQuery(sinceMs: 1020, untilMs: 1050, limit: 2)).map(\.seq) == [5, 4])
        #expect(try store.history(key, HistoryQuery(sinceMs: 1020, limit: 2, order: .oldestFirst)).map(\.seq) == [3, 4])
        #expect(try store.history(key, HistoryQuery(limit: 0)).isEmpty)
        #expect(try store.history(key, HistoryQuery(sinceMs: 2000)).isEmpty)
        #expect(try store.history(key, HistoryQuery(untilMs: 1000)).isEmpty)
    }

    @Test func diffOfNumbersGivesTheDelta() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let store = try TestStore.open(directory: dir.path)
        defer { try? store.close() }
        let key = try Key("diff/num")
        try store.put(key, .double(20.5), sourceTimeMs: 1000)
        try store.put(key, .double(21.75), sourceTimeMs: 61_000)
        try store.put(key, .int(40), sourceTimeMs: 62_000)
        try store.put(key, .int(-2), sourceTimeMs: 63_000)
        let latest = try store.diff(key)
        #expect(latest.from.seq == 3)
        #expect(latest.to.seq == 4)
        #expect(latest.change == .numeric(delta: -42))
        let d12 = try store.diff(key, from: 1, to: 2)
        #expect(d12.change == .numeric(delta: 1.25))
        #expect(d12.elapsedMs == 60_000)
        #expect(try store.diff(key, from: 2, to: 3).change == .numeric(delta: 18.25))
        // From only: against the newest.
        #expect(try store.diff(key, from: 1).change == .numeric(delta: -22.5))
        #expect(try store.diff(key, from: 2, to: 1).change == .numeric(delta: -1.25))
        #expect(try store.diff(key, from: 3, to: 3).change == .unchanged)
        #expect(throws: StoreError.self) { try store.diff(key, from: 9) }
        #expect(throws: StoreError.self) { try store.diff(key, from: 1, to: 5) }
    }

    @Test func diffOfDocumentsNamesAddedRemovedAndChangedFields() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let key = try Key("diff/doc")
        let a = try JSONParser.parse(#"{"battery":97,"state":"ON","update":{"state":"idle","v":1},"a/b":1,"m~n":true,"list":[1,2]}"#)
        let b = try JSONParser.parse(#"{"battery":96,"state":"ON","update":{"state":"available","v":1},"m~n":true,"linkquality":120,"list":[1,2,3]}"#)
        do {
            let store = try TestStore.open(directory: dir.path)
            try store.put(key, .document(a))
            try store.put(key, .document(b))
            try store.put(key, .document(b))
            try store.close()
        }
        // Diff after a reopen: the documents come back from their canonical text.
        let store = try TestStore.open(directory: dir.path)
        defer { try? store.close() }
        let diff = try store.diff(key, from: 1, to: 2)
        guard case .document(let changes) = diff.change else {
            Issue.record("not a document diff: \(diff.change)")
            return
        }
        let byPath = Dictionary(uniqueKeysWithValues: changes.map { ($0.path, $0) })
        #expect(Set(byPath.keys) == ["/battery", "/update/state", "/a~1b", "/linkquality", "/list"])
        #expect(byPath["/battery"]?.kind == .changed)
        #expect(byPath["/battery"]?.old == .int(97))
        #expect(byPath["/battery"]?.new == .int(96))
        #expect(byPath["/update/state"]?.kind == .changed)
        #expect(byPath["/update/state"]?.new == .string("available"))
        #expect(byPath["/a~1b"]?.kind == .removed)
        #expect(byPath["/a~1b"]?.old == .int(1))
        #expect(byPath["/a~1b"]?.new == nil)
        #expect(byPath["/linkquality"]?.kind == .added)
        #expect(byPath["/linkquality"]?.old == nil)
        #expect(byPath["/linkquality"]?.new == .int(120))
        #expect(byPath["/list"]?.kind == .changed)
        #expect(try store.diff(key).change == .unchanged)
    }

    @Test func diffOfOtherKindsIsReplaced() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let store = try TestStore.open(directory: dir.path)
        defer { try? store.close() }
        let key = try Key("diff/other")
        try store.put(key, .string("open"))
        try store.put(key, .string("closed"))
        try store.put(key, .bool(true))
        try store.put(key, .double(1))
        try store.put(key, .double(.nan))
        try store.put(key, .double(.nan))
        #expect(try store.diff(key, from: 1, to: 2).change == .replaced)
        #expect(try store.diff(key, from: 2, to: 3).change == .replaced)
        #expect(try store.diff(key, from: 3, to: 4).change == .replaced)
        // The same NaN is the same value: unchanged.
        #expect(try store.diff(key, from: 5, to: 6).change == .unchanged)
    }
}
