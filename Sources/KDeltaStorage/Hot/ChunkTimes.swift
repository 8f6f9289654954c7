/// How a series' chunks are ordered in time, and the series' point-read index over them:
/// whether each chunk's times ascend and each chunk starts at or after the previous one's
/// greatest time, and the greatest time of all. Then the last chunk starting at or before
/// a time holds the version current at it (`TierLookup`), and a range scan can stream
/// chunk by chunk (`RangeScan`). (`@unchecked Sendable`: `entries` points into `table`,
/// which this value holds and nothing mutates.)
struct ChunkTimes: @unchecked Sendable {
    /// True when times never decrease across the chunks (true for none).
    let sorted: Bool
    /// The greatest time in any chunk (`Int64.min` for none).
    let maxTimeMs: Int64
    /// Chunks in the series.
    let count: Int
    /// The point-read index: one entry per chunk, in chunk order (`ChunkPoint`), and the
    /// first and last chunk's least time, which every search compares first, copied here
    /// (inside the `Series` object) so that a search reads only the entries it narrows to.
    private let table: ChunkPointTable
    private let entries: UnsafePointer<ChunkPoint>
    private let firstStartMs: Int64
    private let lastStartMs: Int64

    /// Computes the order of `chunks`, in seq order.
    init(_ chunks: [ChunkRef]) {
        var previousMax = Int64.min
        var sorted = true
        for c in chunks {
            if !c.timesSorted || c.minTimeMs < previousMax { sorted = false }
            previousMax = max(previousMax, c.maxTimeMs)
        }
        self.sorted = sorted
        self.maxTimeMs = previousMax
        table = ChunkPointTable(chunks)
        entries = UnsafePointer(table.entries)
        count = chunks.count
        firstStartMs = chunks.first?.minTimeMs ?? .max
        lastStartMs = chunks.last?.minTimeMs ?? .max
    }

    /// Chunk `i`'s entry (`0 ..< count`).
    @inline(__always)
    func point(_ i: Int) -> ChunkPoint {
        precondition(i >= 0 && i < count, "chunk \(i) of \(count)")
        return entries[i]
    }

    /// The last chunk whose least time is at or before `t`, nil when none is (for sorted
    /// chunks: the one holding the version current at `t`).
    func lastChunk(startingAtOrBefore t: Int64) -> Int? {
        let e = entries
        return Self.lastIndex(atOrBefore: t, count: count, first: firstStartMs, last: lastStartMs) { e[$0].minTimeMs }
    }

    /// The last index `i` of `0 ..< count` with `start(i) <= t`, for starts that never
    /// decrease, the first and last given; nil when `first > t`. The first guess interpolates between the first
    /// and last start, as a steady series' chunks span about equal times, so it usually
    /// reads two or three starts; a wrong guess narrows a binary search.
    @inline(__always)
    static func lastIndex(atOrBefore t: Int64, count n: Int, first: Int64, last: Int64, start: (Int) -> Int64) -> Int? {
        guard n > 0, first <= t else { return nil }
        if t >= last { return n - 1 }
        // Here first <= t < last, so n >= 2 and the guess lies in 0 ... n - 2.
        let share = (Double(t) - Double(first)) / (Double(last) - Double(first))
        let guess = min(n - 2, max(0, Int(share * Double(n - 1))))
        // The answer is the first index whose start is after t, minus one.
        var lo: Int, hi: Int
        if start(guess) <= t {
            if start(guess + 1) > t { return guess }
            lo = guess + 2
            hi = n - 1
        } else {
            lo = 1
            hi = guess
        }
        while lo < hi {
            let mid = (lo + hi) >> 1
            if start(mid) <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo - 1
    }
}
