import KDeltaCodec
import KDeltaModel

/// Range scans and point reads of a chunk without building `Version`s: the time and value
/// columns decoded in bulk over the frames a range needs (`Store.scan`), or one value at
/// a time without allocating (`value(at:)` of each codec, docs/format/columns.md).
extension ChunkReader {
    /// The position and time of the last version at or before `t`, in a chunk whose times
    /// are sorted: the time model predicts a window of a few positions
    /// (docs/format/block.md, "Time index"), only the frames under it are decoded, and
    /// should the window not bracket `t` (a model that disagrees with the data) the whole
    /// column is searched.
    func lastAtOrBefore(time t: Int64) throws(StoreError) -> (position: Int, timeMs: Int64)? {
        precondition(layout.timesSorted, "lastAtOrBefore(time:) of the unsorted chunk of \(entry.key)")
        if t < layout.minTimeMs { return nil }
        if t >= layout.maxTimeMs { return (count - 1, layout.maxTimeMs) }
        let model = layout.timeModel
        if let step = layout.regularStepMs {
            // Times are first + i * step exactly: the position is a division.
            return ChunkLayout.regularPosition(atOrBefore: t, first: model.firstTimeMs, step: step, count: count)
        }
        if model.maxError == 0 && model.stepMs > 0 {
            // An exact model: every stored time predicts its own position, so the times
            // strictly increase, and since predictions are monotone the answer is the
            // predicted position p when its time is at or before t (p + 1's time predicts
            // p + 1, after t's), else p - 1. One or two values decoded, nothing allocated.
            let p = model.predictedPosition(t, count: count)
            let tp = try time(at: p)
            if tp <= t { return (p, tp) }
            if p > 0 { return (p - 1, try time(at: p - 1)) }
        }
        let window = model.searchWindow(t, count: count)
        var ts = try times(window)
        var base = window.lowerBound
        let bracketed = (window.lowerBound == 0 || ts[0] <= t) && (window.upperBound == count || ts[ts.count - 1] > t)
        if !bracketed {
            ts = try times(0..<count)
            base = 0
        }
        let i = Self.upperBound(ts, t)
        return i > 0 ? (base + i - 1, ts[i - 1]) : nil
    }

    /// First position whose time is after `t`, in a chunk whose times are sorted.
    func upperBound(time t: Int64) throws(StoreError) -> Int {
        (try lastAtOrBefore(time: t)).map { $0.position + 1 } ?? 0
    }

    /// First index of an ascending array whose value is after `t`.
    static func upperBound(_ times: [Int64], _ t: Int64) -> Int {
        var lo = 0, hi = times.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if times[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Positions of a sorted chunk whose time is in `from ..< to`.
    func positions(timeFrom from: Int64, to: Int64) throws(StoreError) -> Range<Int> {
        let lo = from <= layout.minTimeMs ? 0 : try upperBound(time: from - 1)
        let hi = to > layout.maxTimeMs ? count : try upperBound(time: to - 1)
        return lo < hi ? lo..<hi : lo..<lo
    }

    /// Times and values of `range`, decoded column by column: doubles and ints unboxed,
    /// other and mixed types as `Value`s.
    func batch(_ range: Range<Int>) throws(StoreError) -> ReadingBatch {
        let times = try self.times(range)
        let n = count
        switch layout.valueTag {
        case ValueTag.double.rawValue:
            let col = column(.doubles)
            let d = try check(.doubles) { () throws(CodecError) in try DoubleColumn.decode(col, count: n, range: range) }
            return ReadingBatch(times: times, values: .doubles(d))
        case ValueTag.int.rawValue:
            let col = column(.ints)
            let i = try check(.ints) { () throws(CodecError) in try IntColumn.decode(col, count: n, range: range) }
            return ReadingBatch(times: times, values: .ints(i))
        default:
            return ReadingBatch(times: times, values: .values(try values(range)))
        }
    }

    /// The time of position `p` alone, without allocating: computed for a chunk whose
    /// times are regular, as `times(_:)`.
    func time(at p: Int) throws(StoreError) -> Int64 {
        if let step = layout.regularStepMs { return layout.regularTime(at: p, step: step) }
        let col = column(.times), n = count
        return try check(.times) { () throws(CodecError) in try TimeColumn.value(col, count: n, at: p) }
    }

    /// The value of position `p` alone: without allocating for a chunk of doubles, ints or
    /// bools; through `values(_:)` for text, documents and mixed chunks.
    func value(at p: Int) throws(StoreError) -> Value {
        let n = count
        switch layout.valueTag {
        case ValueTag.double.rawValue:
            let col = column(.doubles)
            return .double(try check(.doubles) { () throws(CodecError) in try DoubleColumn.value(col, count: n, at: p) })
        case ValueTag.int.rawValue:
            let col = column(.ints)
            return .int(try check(.ints) { () throws(CodecError) in try IntColumn.value(col, count: n, at: p) })
        case ValueTag.bool.rawValue:
            let col = column(.bools)
            return .bool(try check(.bools) { () throws(CodecError) in try BoolColumn.value(col, count: n, at: p) })
        default:
            return try values(p..<(p + 1))[0]
        }
    }
}
