/// How a series' chunks are ordered in time: whether each chunk's times ascend and each
/// chunk starts at or after the previous one's greatest time, and the greatest time of
/// all. Then the last chunk starting at or before a time holds the version current at it
/// (`TierLookup`), and a range scan can stream chunk by chunk (`RangeScan`).
struct ChunkTimes: Sendable, Equatable {
    /// True when times never decrease across the chunks (true for none).
    let sorted: Bool
    /// The greatest time in any chunk (`Int64.min` for none).
    let maxTimeMs: Int64
    /// Each chunk's least time, in chunk order: what a point read searches (eight bytes a
    /// chunk, where `ChunkRef`s are a cache line or more each).
    let minTimes: [Int64]

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
        self.minTimes = chunks.map(\.minTimeMs)
    }
}
