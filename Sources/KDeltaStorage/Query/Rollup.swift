/// The summary of the numeric readings of one key over a time range `[startMs, endMs)`:
/// count, sum, min, max, first and last. Rollups of disjoint readings merge into the
/// rollup of all of them, which is how downsampled data is stored (docs/retention.md) and
/// how `WindowAggregator` combines stored rollups with raw readings.
///
/// Values are doubles: ints (`Value.int`) arrive as `Value.number`, converted to the
/// nearest double, exact up to 2^53 in magnitude (sensor counters stay far below). Bools,
/// strings and documents are not numbers and never reach a rollup.
///
/// NaN: a NaN reading is counted in `nanCount` and otherwise skipped, so one bad sample
/// does not turn a window's sum, min and max into NaN; `count` counts the other readings,
/// and averages divide by it. Infinities are ordinary values: they set min or max, and a
/// sum of +Inf and -Inf is NaN, as arithmetic says.
///
/// First and last are by time; among readings with the same time, `first` is the one added
/// (or merged from the left) first and `last` the one added last, so `merged(with:)` is
/// associative. Sums are added in order: merging in a different grouping can change a
/// sum by rounding (ulp-level), and sums are exact while every partial sum is a double
/// exactly (integers below 2^53, say). Count, min, max, first and last are always exact.
public struct Rollup: Sendable, Equatable {
    /// The range's first millisecond.
    public var startMs: Int64
    /// The millisecond after the range.
    public var endMs: Int64
    /// Readings summarized, NaN excluded.
    public var count: Int64
    /// NaN readings seen and skipped.
    public var nanCount: Int64
    /// Sum of the readings (0 when `count` is 0).
    public var sum: Double
    /// Smallest reading; +infinity when `count` is 0 (the identity of `min`).
    public var min: Double
    /// Largest reading; -infinity when `count` is 0 (the identity of `max`).
    public var max: Double
    /// The earliest reading, or nil when `count` is 0.
    public var first: TimedValue?
    /// The latest reading, or nil when `count` is 0.
    public var last: TimedValue?

    /// An empty rollup of `[startMs, endMs)`.
    public init(startMs: Int64, endMs: Int64) {
        precondition(startMs < endMs, "a rollup's range [\(startMs), \(endMs)) is empty")
        self.startMs = startMs
        self.endMs = endMs
        self.count = 0
        self.nanCount = 0
        self.sum = 0
        self.min = .infinity
        self.max = -.infinity
        self.first = nil
        self.last = nil
    }

    /// True when no reading, NaN or not, was added.
    public var isEmpty: Bool { count == 0 && nanCount == 0 }

    /// `sum / count`, or nil when there are no readings.
    public var mean: Double? { count == 0 ? nil : sum / Double(count) }

    /// Adds one reading, which must lie in the range.
    public mutating func add(timeMs: Int64, value: Double) {
        precondition(timeMs >= startMs && timeMs < endMs, "reading at \(timeMs) is outside the rollup [\(startMs), \(endMs))")
        if value.isNaN {
            nanCount += 1
            return
        }
        count += 1
        sum += value
        if value < min { min = value }
        if value > max { max = value }
        if first == nil || timeMs < first!.timeMs { first = TimedValue(timeMs: timeMs, value: value) }
        if last == nil || timeMs >= last!.timeMs { last = TimedValue(timeMs: timeMs, value: value) }
    }

    /// Adds the readings `other` summarizes, which must be disjoint from this rollup's
    /// (readings are never counted twice; the ranges may touch, overlap or leave a gap).
    /// The range becomes the smallest one covering both. `other` counts as added after
    /// this rollup's readings for ties of first and last.
    public mutating func absorb(_ other: Rollup) {
        startMs = Swift.min(startMs, other.startMs)
        endMs = Swift.max(endMs, other.endMs)
        count += other.count
        nanCount += other.nanCount
        if other.count > 0 { sum += other.sum }
        if other.min < min { min = other.min }
        if other.max > max { max = other.max }
        if let f = other.first, first == nil || f.timeMs < first!.timeMs { first = f }
        if let l = other.last, last == nil || l.timeMs >= last!.timeMs { last = l }
    }

    /// This rollup's readings and then `other`'s, as one rollup (see `absorb`).
    public func merged(with other: Rollup) -> Rollup {
        var result = self
        result.absorb(other)
        return result
    }
}
