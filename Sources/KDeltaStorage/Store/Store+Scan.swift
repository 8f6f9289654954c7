import KDeltaModel

extension Store {
    /// Reads the readings of `key` with time in `fromMs ..< toMs` in time order (ties in
    /// seq order), handing them to `body` batch by batch until it returns false: the fast
    /// path of range queries. Only the time and value columns of the frames under the range
    /// are decoded (docs/format/block.md); no `Version`s are built and nothing is hashed.
    /// A series whose readings are back-filled (out of time order) is gathered and sorted
    /// first, so its batch holds the whole range.
    ///
    /// `body` runs under the store's read lock, which holds writers back: keep it short,
    /// and do not call the store from it. Throws when a block it needs is damaged.
    public func scan(_ key: Key, fromMs: Int64, toMs: Int64, _ body: (ReadingBatch) -> Bool) throws(StoreError) {
        try state.withReadLock { () throws(StoreError) in
            guard let s = hot.series(for: key) else { return }
            _ = try RangeScan(series: s, fromMs: fromMs, toMs: toMs).run(body)
        }
    }

    /// The readings of `key` with time in `fromMs ..< toMs`, in time order (ties in seq
    /// order), the first `limit` of them when a limit is given (`scan` collected).
    public func readings(_ key: Key, fromMs: Int64, toMs: Int64, limit: Int? = nil) throws(StoreError) -> [TimedReading] {
        var out: [TimedReading] = []
        let cap = max(0, limit ?? Int.max)
        guard cap > 0 else { return out }
        try scan(key, fromMs: fromMs, toMs: toMs) { batch in
            for i in 0..<min(batch.count, cap - out.count) { out.append(batch.reading(at: i)) }
            return out.count < cap
        }
        return out
    }

    /// The reading of `key` current at `timeMs`: the one with the greatest time at or
    /// before it (the later one on ties), as `get(_:at:)` finds it, without its version's
    /// id, so a block gives it by a chunk search, the time model and one decode per column
    /// (no hash chain to recompute).
    public func reading(_ key: Key, atOrBefore timeMs: Int64) throws(StoreError) -> TimedReading? {
        try state.withReadLock { () throws(StoreError) -> TimedReading? in
            guard let s = hot.series(for: key) else { return nil }
            return try TierLookup(series: s).reading(atOrBeforeTime: timeMs)
        }
    }
}
