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
        // Rollups are written by retention's downsampling; until a store has downsampled
        // a series there are none.
        []
    }
}
