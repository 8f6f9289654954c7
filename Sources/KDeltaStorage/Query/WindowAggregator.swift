/// Groups a key's numeric readings, and stored rollups, into fixed windows of `everyMs`
/// and summarizes each window as a `Rollup`, from which an `Aggregation` takes its value.
///
/// Windows are aligned to the Unix epoch plus `offsetMs`: window `n` is
/// `[n × everyMs + offsetMs, (n + 1) × everyMs + offsetMs)`. With no offset, `1h` windows
/// start on the hour and `1d` windows at midnight UTC; an offset of `-1h` (normalized to
/// `23h` for `1d`) makes days start at midnight UTC+1. The offset is normalized into
/// `0..<everyMs`.
///
/// Input is in time order: readings and rollups may come in any order within the window
/// being filled, but nothing may fall into a window that is already closed (a reading in a
/// later window closes the current one), or `add` throws `.outOfOrder`. A query feeds
/// stored rollups for old ranges and raw readings for recent ones: a rollup must lie in
/// one window (every window a multiple of the rollup interval, both epoch-aligned), or
/// `add` throws `.rollupStraddlesWindows`, and the caller must not feed both a rollup and
/// raw readings it already covers. The results are then the same as from raw readings
/// alone: exact for count, min, max, first and last, and for sum and avg up to the rounding
/// that adding in a different grouping brings (see `Rollup`).
///
/// Only windows that received something are produced (no empty windows). Memory is one
/// open window plus the closed ones not yet taken: `takeCompleted()` drains them while
/// streaming.
public struct WindowAggregator: Sendable {
    /// The window length.
    public let everyMs: Int64
    /// The alignment offset, in `0..<everyMs`.
    public let offsetMs: Int64
    var open: Rollup?
    /// Nothing before this time may be added: the end of the last closed window.
    var closedBeforeMs = Int64.min
    var completed: [Rollup] = []

    /// Windows of `everyMs` (1 ms to 2^53 ms) aligned to the epoch plus `offsetMs`.
    public init(everyMs: Int64, offsetMs: Int64 = 0) {
        precondition(everyMs > 0 && everyMs <= 1 << 53, "window length \(everyMs) ms is outside 1 ms to 2^53 ms")
        self.everyMs = everyMs
        let r = offsetMs % everyMs
        self.offsetMs = r < 0 ? r + everyMs : r
    }

    /// The start of the window that contains `timeMs`.
    public func windowStart(containing timeMs: Int64) -> Int64 {
        let shifted = timeMs - offsetMs
        var q = shifted / everyMs
        if shifted % everyMs < 0 { q -= 1 }
        return q * everyMs + offsetMs
    }

    /// Adds one reading (NaN is counted apart, see `Rollup`).
    public mutating func add(timeMs: Int64, value: Double) throws(WindowAggregatorError) {
        if let o = open, timeMs >= o.startMs, timeMs < o.endMs {
            open!.add(timeMs: timeMs, value: value)
            return
        }
        try moveTo(timeMs, what: "a reading at \(timeMs)")
        open!.add(timeMs: timeMs, value: value)
    }

    /// Adds a stored rollup, which must lie within one window. Empty rollups are ignored.
    public mutating func add(_ rollup: Rollup) throws(WindowAggregatorError) {
        if rollup.isEmpty { return }
        let start = windowStart(containing: rollup.startMs)
        if windowStart(containing: rollup.endMs - 1) != start {
            throw WindowAggregatorError(
                .rollupStraddlesWindows,
                "a rollup of [\(rollup.startMs), \(rollup.endMs)) spans two windows of \(everyMs) ms; choose a window that is a multiple of the rollup interval (\(rollup.endMs - rollup.startMs) ms), or query raw data only")
        }
        try moveTo(rollup.startMs, what: "a rollup starting at \(rollup.startMs)")
        let window = open!
        open!.absorb(rollup)
        // The window keeps its own bounds: the rollup lies inside them.
        open!.startMs = window.startMs
        open!.endMs = window.endMs
    }

    /// Makes the window containing `timeMs` the open one, closing the previous.
    private mutating func moveTo(_ timeMs: Int64, what: @autoclosure () -> String) throws(WindowAggregatorError) {
        let start = windowStart(containing: timeMs)
        if let o = open {
            if start == o.startMs { return }
            if start < o.startMs {
                throw WindowAggregatorError(.outOfOrder, "\(what()) comes after the window starting at \(o.startMs) was opened; feed readings in time order")
            }
            completed.append(o)
            closedBeforeMs = o.endMs
        } else if timeMs < closedBeforeMs {
            throw WindowAggregatorError(.outOfOrder, "\(what()) falls in a window that is already closed (before \(closedBeforeMs)); feed readings in time order")
        }
        open = Rollup(startMs: start, endMs: start + everyMs)
    }

    /// Takes the windows closed so far, oldest first.
    public mutating func takeCompleted() -> [Rollup] {
        defer { completed.removeAll(keepingCapacity: true) }
        return completed
    }

    /// Closes the open window and takes every window not yet taken, oldest first. The
    /// aggregator can go on afterwards, from the end of that window.
    public mutating func finish() -> [Rollup] {
        if let o = open {
            completed.append(o)
            closedBeforeMs = o.endMs
            open = nil
        }
        return takeCompleted()
    }
}
