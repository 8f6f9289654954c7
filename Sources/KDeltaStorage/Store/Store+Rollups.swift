import KDeltaModel

extension Store {
    /// The stored rollups of `key` (docs/retention.md, "Downsampling to rollups") whose
    /// interval starts in `fromMs ..< toMs`, in start order. Rollups summarize readings that
    /// retention has dropped: they never overlap the raw versions still kept, so a windowed
    /// query adds both.
    public func rollups(_ key: Key, fromMs: Int64, toMs: Int64) throws(StoreError) -> [Rollup] {
        try state.withReadLock { () throws(StoreError) -> [Rollup] in
            guard let s = hot.series(for: key) else { return [] }
            return try storedRollups(of: s, fromMs: fromMs, toMs: toMs)
        }
    }

    /// `rollups(_:fromMs:toMs:)` for a series, called under the state lock (read or
    /// write), so that a query reads rollups and raw versions from one consistent state.
    func storedRollups(of series: Series, fromMs: Int64, toMs: Int64) throws(StoreError) -> [Rollup] {
        var out: [Rollup] = []
        let from = max(fromMs, series.rollupFloorMs)
        for c in series.rollupChunks where c.entry.maxTimeMs >= from && c.entry.minTimeMs < toMs {
            for r in try RollupChunk.decode(try c.reader()) where r.startMs >= from && r.startMs < toMs {
                out.append(r)
            }
        }
        // Intervals rolled up in more than one pass (late readings) come back as one.
        out.sort { ($0.startMs, $0.endMs) < ($1.startMs, $1.endMs) }
        var merged: [Rollup] = []
        for r in out {
            if let last = merged.last, last.startMs == r.startMs, last.endMs == r.endMs {
                merged[merged.count - 1].absorb(r)
            } else {
                merged.append(r)
            }
        }
        return merged
    }
}
