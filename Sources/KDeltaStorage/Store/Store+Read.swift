import KDeltaCodec
import KDeltaModel

extension Store {
    /// The newest version of `key`: one hash lookup and one array read (cached per
    /// series, whichever tier the version lives in).
    public func latest(_ key: Key) -> Version? {
        state.withReadLock { hot.series(for: key)?.latest }
    }

    /// The version of `key` current at `point`: the last one at or before it. In memory a
    /// search over the time or HLC column; in blocks the per-series chunk index picks the
    /// chunk and the chunk's time model the position (docs/format/block.md), never a scan.
    /// Throws when a block it needs is damaged.
    public func get(_ key: Key, at point: TimePoint) throws(StoreError) -> Version? {
        try state.withReadLock { () throws(StoreError) -> Version? in
            guard let s = hot.series(for: key) else { return nil }
            switch point {
            case .timeMs(let t): return try TierLookup(series: s).version(atOrBeforeTime: t)
            case .hlc(let h): return try TierLookup(series: s).version(atOrBefore: h)
            }
        }
    }

    /// Version `seq` of `key` (1 is the first), if still kept.
    public func version(_ key: Key, seq: UInt64) throws(StoreError) -> Version? {
        try state.withReadLock { () throws(StoreError) -> Version? in
            guard let s = hot.series(for: key) else { return nil }
            return try TierLookup(series: s).version(seq: seq)
        }
    }

    /// Versions of `key` in a time range, ordered by time (ties by seq), from blocks and
    /// memory.
    public func history(_ key: Key, _ query: HistoryQuery = HistoryQuery()) throws(StoreError) -> [Version] {
        try state.withReadLock { () throws(StoreError) -> [Version] in
            guard let s = hot.series(for: key) else { return [] }
            return try TierLookup(series: s).history(query)
        }
    }

    /// Every key with at least one version, sorted.
    public func keys() -> [Key] {
        state.withReadLock { hot.series.filter { $0.totalCount > 0 }.map(\.key) }.sorted()
    }

    /// Number of versions of `key` kept (in blocks and in memory).
    public func versionCount(_ key: Key) -> Int {
        state.withReadLock { hot.series(for: key)?.totalCount ?? 0 }
    }

    /// The seqs of `key` still kept: older ones were dropped by retention.
    public func seqRange(_ key: Key) -> ClosedRange<UInt64>? {
        state.withReadLock {
            guard let s = hot.series(for: key), s.totalCount > 0 else { return nil }
            return s.firstSeq...(s.nextSeq - 1)
        }
    }
}
