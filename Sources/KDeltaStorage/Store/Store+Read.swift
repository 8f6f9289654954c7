import KDeltaModel

extension Store {
    /// The newest version of `key`: one hash lookup and one array read.
    public func latest(_ key: Key) -> Version? {
        state.withReadLock { hot.series(for: key)?.latest }
    }

    /// The version of `key` current at `point`: the last one at or before it, found by a
    /// binary search over the series' time or HLC column, never a scan.
    public func get(_ key: Key, at point: TimePoint) -> Version? {
        state.withReadLock {
            guard let s = hot.series(for: key) else { return nil }
            let i: Int?
            switch point {
            case .timeMs(let t): i = s.index(atOrBeforeTime: t)
            case .hlc(let h): i = s.index(atOrBefore: h)
            }
            return i.map { s.version(at: $0) }
        }
    }

    /// Version `seq` of `key` (1 is the first).
    public func version(_ key: Key, seq: UInt64) -> Version? {
        state.withReadLock {
            guard let s = hot.series(for: key), let i = s.index(ofSeq: seq) else { return nil }
            return s.version(at: i)
        }
    }

    /// Versions of `key` in a time range, ordered by time (ties by seq).
    public func history(_ key: Key, _ query: HistoryQuery = HistoryQuery()) -> [Version] {
        state.withReadLock {
            guard let s = hot.series(for: key) else { return [] }
            var positions = s.indices(timeFrom: query.sinceMs ?? Int64.min + 1, to: query.untilMs ?? Int64.max)
            if query.order == .newestFirst { positions.reverse() }
            if let limit = query.limit, positions.count > max(0, limit) { positions.removeLast(positions.count - max(0, limit)) }
            return positions.map { s.version(at: $0) }
        }
    }

    /// Every key with at least one version, sorted.
    public func keys() -> [Key] {
        state.withReadLock { hot.series.map(\.key) }.sorted()
    }

    /// Number of versions of `key`.
    public func versionCount(_ key: Key) -> Int {
        state.withReadLock { hot.series(for: key)?.count ?? 0 }
    }
}
