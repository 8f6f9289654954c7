import KDeltaModel

/// Readings of one key as a range scan hands them out (`Store.scan`): times and values in
/// parallel arrays, in time order, decoded in bulk from one chunk or from memory. Numeric
/// series stay unboxed (`[Double]`, `[Int64]`), so a scan of a double series never builds
/// a `Value` per reading.
public struct ReadingBatch: Sendable, Equatable {
    /// The values of a batch: one array of the series' type, or `Value`s when the batch
    /// holds bools, text, documents or more than one type.
    public enum Values: Sendable, Equatable {
        /// Every reading is a double.
        case doubles([Double])
        /// Every reading is an int.
        case ints([Int64])
        /// Anything else, or mixed types.
        case values([Value])

        var isDoubles: Bool {
            if case .doubles = self { return true }
            return false
        }

        var isInts: Bool {
            if case .ints = self { return true }
            return false
        }

        /// Number of values.
        public var count: Int {
            switch self {
            case .doubles(let d): return d.count
            case .ints(let i): return i.count
            case .values(let v): return v.count
            }
        }
    }

    /// The readings' times (Unix ms), ascending (ties in seq order).
    public var times: [Int64]
    /// The readings' values, one per time.
    public var values: Values

    /// A batch; `times` and `values` must have the same length.
    public init(times: [Int64], values: Values) {
        precondition(times.count == values.count, "a batch of \(times.count) times and \(values.count) values")
        self.times = times
        self.values = values
    }

    /// Number of readings.
    public var count: Int { times.count }

    /// The value of reading `i`.
    public func value(at i: Int) -> Value {
        switch values {
        case .doubles(let d): return .double(d[i])
        case .ints(let n): return .int(n[i])
        case .values(let v): return v[i]
        }
    }

    /// Reading `i` as a number (ints converted to the nearest double), or nil when it is a
    /// bool, text or a document.
    public func number(at i: Int) -> Double? {
        switch values {
        case .doubles(let d): return d[i]
        case .ints(let n): return Double(n[i])
        case .values(let v): return v[i].number
        }
    }

    /// Reading `i`.
    public func reading(at i: Int) -> TimedReading {
        TimedReading(timeMs: times[i], value: value(at: i))
    }

    /// The readings at `positions`, in that order (the gather of a sort).
    func gathered(_ positions: [Int]) -> ReadingBatch {
        let t = positions.map { times[$0] }
        switch values {
        case .doubles(let d): return ReadingBatch(times: t, values: .doubles(positions.map { d[$0] }))
        case .ints(let n): return ReadingBatch(times: t, values: .ints(positions.map { n[$0] }))
        case .values(let v): return ReadingBatch(times: t, values: .values(positions.map { v[$0] }))
        }
    }

    /// The readings of `batches` one after the other, in one batch: unboxed when every
    /// batch has the same numeric type.
    static func concatenated(_ batches: [ReadingBatch]) -> ReadingBatch {
        var times: [Int64] = []
        times.reserveCapacity(batches.reduce(0) { $0 + $1.count })
        for b in batches { times.append(contentsOf: b.times) }
        if batches.allSatisfy({ $0.values.isDoubles }) {
            var d: [Double] = []
            d.reserveCapacity(times.count)
            for b in batches { if case .doubles(let x) = b.values { d.append(contentsOf: x) } }
            return ReadingBatch(times: times, values: .doubles(d))
        }
        if batches.allSatisfy({ $0.values.isInts }) {
            var n: [Int64] = []
            n.reserveCapacity(times.count)
            for b in batches { if case .ints(let x) = b.values { n.append(contentsOf: x) } }
            return ReadingBatch(times: times, values: .ints(n))
        }
        var v: [Value] = []
        v.reserveCapacity(times.count)
        for b in batches { for i in 0..<b.count { v.append(b.value(at: i)) } }
        return ReadingBatch(times: times, values: .values(v))
    }
}
