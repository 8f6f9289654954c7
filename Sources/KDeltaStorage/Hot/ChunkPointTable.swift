/// A series' `ChunkPoint`s, one per chunk in chunk order, in memory of their own that
/// `ChunkTimes` reads through a plain pointer: a point read then touches only the entries
/// it compares, not an array's header. Immutable once built; the series replaces it
/// whenever its chunks change (under the store's write lock, so no reader holds the old
/// pointer then).
final class ChunkPointTable: @unchecked Sendable {
    let entries: UnsafeMutablePointer<ChunkPoint>
    let count: Int

    init(_ chunks: [ChunkRef]) {
        count = chunks.count
        entries = .allocate(capacity: max(1, count))
        for (i, c) in chunks.enumerated() { (entries + i).initialize(to: ChunkPoint(c)) }
    }

    deinit {
        entries.deinitialize(count: count)
        entries.deallocate()
    }
}
