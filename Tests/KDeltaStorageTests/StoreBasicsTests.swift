import KDeltaModel
import KDeltaStorage
import KDeltaStorageTestSupport
import Testing

@Suite struct StoreBasicsTests {
    @Test func putThenReopenKeepsHistoryInOrder() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let key = try Key("sensors/greenhouse/temp1")
        do {
            let store = try Store.open(directory: dir.path)
            for i in 0..<100 {
                try store.put(key, .double(20 + Double(i) / 10), sourceTimeMs: 1_700_000_000_000 + Int64(i) * 60_000)
            }
            #expect(store.latest(key)?.seq == 100)
            try store.close()
        }
        let store = try Store.open(directory: dir.path)
        defer { try? store.close() }
        #expect(store.recovery.versions == 100)
        let latest = try #require(store.latest(key))
        #expect(latest.seq == 100)
        #expect(latest.value == .double(20 + 99.0 / 10))
        // Typed out: Swift 6.0.3 infers the literal as Int inside #require.
        let atMs: Int64 = 1_700_000_000_000 + 10 * 60_000 + 5
        let found = try store.get(key, at: .timeMs(atMs))
        let at = try #require(found)
        #expect(at.seq == 11)
        let history = try store.history(key, HistoryQuery(limit: 3))
        #expect(history.map(\.seq) == [100, 99, 98])
        #expect(history[0].parent == history[1].id)
        #expect(store.verify().isIntact)
        let diff = try store.diff(key)
        if case .numeric(let delta) = diff.change { #expect(abs(delta - 0.1) < 1e-9) } else { Issue.record("not numeric") }
    }
}
