/// Where a time falls in a chunk's sorted time column, predicted without reading it: a
/// straight line through the first and last (position, time) points and the largest
/// distance, in positions, between the prediction and the truth.
///
/// Sensor times are near-linear in position (a reading every N seconds), so for a regular
/// series the error is 0 and the position is computed, not searched; a series with gaps
/// has a small error and the search reads only the few frames within it. Fitted when the
/// block is written, stored in its directory (docs/format/block.md).
public struct TimeModel: Sendable, Equatable {
    /// Time of position 0.
    public var firstTimeMs: Int64
    /// Milliseconds per position (0 for a chunk of one version or all-equal times).
    public var stepMs: Double
    /// Largest |predicted position - actual position| over the chunk.
    public var maxError: UInt32

    public init(firstTimeMs: Int64, stepMs: Double, maxError: UInt32) {
        self.firstTimeMs = firstTimeMs
        self.stepMs = stepMs
        self.maxError = maxError
    }

    /// Fits the model to an ascending time column.
    public init(fitting times: [Int64]) {
        precondition(!times.isEmpty, "a time model needs at least one time")
        let first = times[0], last = times[times.count - 1]
        let step = times.count > 1 ? (Double(last) - Double(first)) / Double(times.count - 1) : 0
        var model = TimeModel(firstTimeMs: first, stepMs: step, maxError: 0)
        var worst = 0
        for (i, t) in times.enumerated() {
            let guess = model.predictedPosition(t, count: times.count)
            worst = max(worst, abs(guess - i))
        }
        model.maxError = UInt32(clamping: worst)
        self = model
    }

    /// The predicted position of time `t` in a chunk of `count` versions, clamped.
    @inline(__always)
    public func predictedPosition(_ t: Int64, count: Int) -> Int {
        guard stepMs > 0 else { return 0 }
        let p = (Double(t) - Double(firstTimeMs)) / stepMs
        if p <= 0 { return 0 }
        if p >= Double(count - 1) { return count - 1 }
        return Int(p.rounded())
    }

    /// Positions around the last time at or before `t`: for `t` between the times at `i`
    /// and `i + 1`, the (monotone) prediction lies within `i - maxError ... i + 1 +
    /// maxError`, so `i` and `i + 1` lie in the window returned. The caller checks the
    /// window's ends and falls back to a binary search should the data disagree.
    public func searchWindow(_ t: Int64, count: Int) -> Range<Int> {
        let p = predictedPosition(t, count: count)
        let e = Int(maxError) + 1
        return max(0, p - e)..<min(count, p + e + 1)
    }
}
