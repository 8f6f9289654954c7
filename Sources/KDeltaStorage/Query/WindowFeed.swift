import KDeltaModel

/// Feeds one key's stored rollups and raw readings to a `WindowAggregator` in time order
/// (`Store.windows`): before each reading, every rollup starting at or before it. Stops
/// taking readings once `windowsMax` windows are complete.
struct WindowFeed {
    private var aggregator: WindowAggregator
    private let rollups: [Rollup]
    private var nextRollup = 0
    private let key: Key
    private let windowsMax: Int?
    private var windows: [Rollup] = []
    private var nonNumeric = 0
    private var failure: StoreError? = nil

    /// A feed of `rollups` (in start order) and then readings.
    init(aggregator: WindowAggregator, rollups: [Rollup], key: Key, windowsMax: Int?) {
        self.aggregator = aggregator
        self.rollups = rollups
        self.key = key
        self.windowsMax = windowsMax
    }

    /// True while more windows are wanted.
    private var wantsMore: Bool { failure == nil && windows.count < (windowsMax ?? Int.max) }

    /// Adds a batch of readings in time order; false once no more are wanted.
    mutating func add(_ batch: ReadingBatch) -> Bool {
        let times = batch.times
        for i in 0..<batch.count {
            let t = times[i]
            feedRollups(startingAtOrBefore: t)
            guard let v = batch.number(at: i) else {
                nonNumeric += 1
                continue
            }
            do throws(WindowAggregatorError) { try aggregator.add(timeMs: t, value: v) } catch {
                failure = translated(error)
            }
            windows.append(contentsOf: aggregator.takeCompleted())
            if !wantsMore { return false }
        }
        return true
    }

    /// Adds the rollups up to `t` (all of them for `Int64.max`).
    private mutating func feedRollups(startingAtOrBefore t: Int64) {
        while failure == nil, nextRollup < rollups.count, rollups[nextRollup].startMs <= t {
            do throws(WindowAggregatorError) { try aggregator.add(rollups[nextRollup]) } catch {
                failure = translated(error)
            }
            nextRollup += 1
            windows.append(contentsOf: aggregator.takeCompleted())
        }
    }

    /// The windows, at most `windowsMax`, or the error that stopped the feed.
    mutating func finish() throws(StoreError) -> WindowQueryResult {
        if wantsMore { feedRollups(startingAtOrBefore: Int64.max) }
        if let failure { throw failure }
        windows.append(contentsOf: aggregator.finish())
        if let m = windowsMax, windows.count > m { windows.removeLast(windows.count - m) }
        return WindowQueryResult(windows: windows, nonNumericSkipped: nonNumeric)
    }

    /// The aggregator's refusal as the store's error, naming a window length that works.
    private func translated(_ error: WindowAggregatorError) -> StoreError {
        switch error.code {
        case .rollupStraddlesWindows:
            let r = rollups[min(nextRollup, rollups.count - 1)]
            let interval = r.endMs - r.startMs
            let every = aggregator.everyMs
            let suggestion = max(interval, (every + interval - 1) / interval * interval)
            return StoreError(
                .invalidArgument,
                "\(key) has readings downsampled to rollups of \(DurationText.format(ms: interval)) (the raw readings are dropped), and windows of \(DurationText.format(ms: every)) would split them; use windows that are a multiple of \(DurationText.format(ms: interval)), such as \(DurationText.format(ms: suggestion)), aligned with them (docs/retention.md)")
        case .outOfOrder:
            // RangeScan hands readings out in time order and rollups are fed before them.
            preconditionFailure("window feed of \(key) out of time order: \(error.message)")
        }
    }
}
