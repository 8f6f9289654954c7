/// What a window of readings is reduced to (`kdelta-edge query --agg NAME`).
///
/// Every aggregation is computed from a `Rollup`, so windows built from raw readings and
/// from stored rollups give the same answers (see `Rollup` for NaN and rounding).
public enum Aggregation: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Number of numeric readings (NaN excluded).
    case count
    /// Sum of the readings.
    case sum
    /// Mean: sum / count.
    case avg
    /// Smallest reading.
    case min
    /// Largest reading.
    case max
    /// The earliest reading's value.
    case first
    /// The latest reading's value.
    case last

    /// Parses a name (lower case, as listed); the error lists the valid names.
    public init(parsing text: String) throws(AggregationError) {
        guard let a = Aggregation(rawValue: text) else { throw AggregationError(text: text) }
        self = a
    }

    /// The aggregation's name.
    public var description: String { rawValue }

    /// The aggregate of `rollup`; nil when it has no numeric readings, except for `count`,
    /// which is then 0.
    public func value(of rollup: Rollup) -> Double? {
        if self == .count { return Double(rollup.count) }
        guard rollup.count > 0 else { return nil }
        switch self {
        case .count: return Double(rollup.count)
        case .sum: return rollup.sum
        case .avg: return rollup.sum / Double(rollup.count)
        case .min: return rollup.min
        case .max: return rollup.max
        case .first: return rollup.first?.value
        case .last: return rollup.last?.value
        }
    }

    /// One output row for a window: its range, this aggregate and its count.
    public func window(_ rollup: Rollup) -> WindowValue {
        WindowValue(startMs: rollup.startMs, endMs: rollup.endMs, value: value(of: rollup), count: rollup.count)
    }
}
