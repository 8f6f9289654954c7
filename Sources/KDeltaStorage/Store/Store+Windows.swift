import KDeltaModel

extension Store {
    /// The windows of `key` over the query's range (docs/retention.md, "Queries over raw
    /// data and rollups"): stored rollups where retention downsampled, raw readings where
    /// they are kept, read under one read lock so that both come from one state, and fed to
    /// a `WindowAggregator` in time order. Bools, text and documents are skipped and
    /// counted (`WindowQueryResult.nonNumericSkipped`); NaN is counted apart, as `Rollup`
    /// says.
    ///
    /// Throws `.invalidArgument` when a stored rollup does not fit the windows (the message
    /// names a window length that works) or is cut by the range's start or end, and what
    /// `scan` throws.
    public func windows(_ key: Key, _ query: WindowQuery) throws(StoreError) -> WindowQueryResult {
        precondition(query.everyMs > 0 && query.everyMs <= WindowQuery.everyMsMax, "window length \(query.everyMs) ms is outside 1 ms to 2^53 ms")
        let aggregator = WindowAggregator(everyMs: query.everyMs, offsetMs: query.offsetMs)
        guard query.fromMs < query.toMs else { return WindowQueryResult(windows: [], nonNumericSkipped: 0) }
        return try state.withReadLock { () throws(StoreError) -> WindowQueryResult in
            guard let s = hot.series(for: key) else { return WindowQueryResult(windows: [], nonNumericSkipped: 0) }
            // A rollup that fits a window starts at or after the start of the first one.
            let first = aggregator.windowStart(containing: query.fromMs)
            let rollups = try storedRollups(of: s, fromMs: first, toMs: query.toMs).filter { $0.endMs > query.fromMs }
            for r in rollups where r.startMs < query.fromMs || r.endMs > query.toMs {
                throw StoreError(
                    .invalidArgument,
                    "the stored rollup of \(key) over \(RFC3339.format(ms: r.startMs)) ..< \(RFC3339.format(ms: r.endMs)) is cut by the query's \(r.startMs < query.fromMs ? "start" : "end"); start and end the query on multiples of the rollup interval (\(DurationText.format(ms: r.endMs - r.startMs)))")
            }
            var feed = WindowFeed(aggregator: aggregator, rollups: rollups, key: key, windowsMax: query.windowsMax)
            _ = try RangeScan(series: s, fromMs: query.fromMs, toMs: query.toMs).run { feed.add($0) }
            return try feed.finish()
        }
    }
}
