import KDeltaCodec
import KDeltaModel

/// Reads one series' readings with time in `fromMs ..< toMs` across its tiers, in time
/// order (ties in seq order), as batches of times and values (`Store.scan`). Used under
/// the store's read lock.
///
/// Chunks that miss the range are skipped by their directory entry's min and max time; in
/// the others only the frames under the range are decoded (the time model finds its ends,
/// `ChunkReader.positions`), two columns of them, with no `Version` built and nothing
/// hashed. Versions older than the series' first kept seq (dropped by retention, still in
/// a block until compaction rewrites it) are skipped.
///
/// When the series' times are sorted across tiers (a sensor reporting in order), batches
/// stream chunk by chunk and memory is one batch. Otherwise (back-filled readings) the
/// readings in range are gathered from every tier and sorted by (time, seq) before the
/// one batch is handed out: memory then grows with the range.
struct RangeScan {
    let series: Series
    let fromMs: Int64
    let toMs: Int64

    /// Readings per batch at most when streaming: a multiple of the column frame size
    /// (128), so splitting a chunk's range decodes no frame twice but at the seams, and
    /// 1 MiB of times and doubles.
    static let batchReadingsMax = 65_536

    /// Calls `body` with each batch in time order until it returns false; false when it
    /// stopped the scan.
    func run(_ body: (ReadingBatch) -> Bool) throws(StoreError) -> Bool {
        guard fromMs < toMs else { return true }
        if TierLookup(series: series).timesSortedAcrossTiers {
            return try streamSorted(body)
        }
        let all = try gatherUnsorted()
        guard all.count > 0 else { return true }
        let times = all.times
        let order = (0..<all.count).sorted { a, b in times[a] != times[b] ? times[a] < times[b] : a < b }
        return body(all.gathered(order))
    }

    /// Positions of chunk `e` before the series' first kept seq.
    private func droppedPrefix(_ e: ChunkEntry) -> Int {
        series.firstSeq > e.firstSeq ? Int(min(series.firstSeq - e.firstSeq, UInt64(e.count))) : 0
    }

    /// Chunks that may hold readings in range and versions still kept.
    private var overlappingChunks: [ChunkRef] {
        series.chunks.filter { c in c.maxTimeMs >= fromMs && c.minTimeMs < toMs && c.lastSeq >= series.firstSeq }
    }

    /// In-memory positions before the series' first kept seq.
    private var hotDroppedPrefix: Int {
        series.firstSeq > series.hotFirstSeq ? Int(min(series.firstSeq - series.hotFirstSeq, UInt64(series.count))) : 0
    }

    private func streamSorted(_ body: (ReadingBatch) -> Bool) throws(StoreError) -> Bool {
        for c in overlappingChunks {
            let r = try c.reader()
            let found = try r.positions(timeFrom: fromMs, to: toMs)
            var start = max(found.lowerBound, droppedPrefix(r.entry))
            while start < found.upperBound {
                let end = min(found.upperBound, start + Self.batchReadingsMax)
                if !body(try r.batch(start..<end)) { return false }
                start = end
            }
        }
        if series.count > 0 {
            let found = series.positions(timeFrom: fromMs, to: toMs)
            var start = max(found.lowerBound, hotDroppedPrefix)
            while start < found.upperBound {
                let end = min(found.upperBound, start + Self.batchReadingsMax)
                if !body(series.batch(start..<end)) { return false }
                start = end
            }
        }
        return true
    }

    /// Every reading in range, tier by tier in seq order (each chunk's in position order,
    /// memory's in time order), in one batch to be sorted.
    private func gatherUnsorted() throws(StoreError) -> ReadingBatch {
        var parts: [ReadingBatch] = []
        for c in overlappingChunks {
            let r = try c.reader()
            let skip = droppedPrefix(r.entry)
            if r.layout.timesSorted {
                let found = try r.positions(timeFrom: fromMs, to: toMs)
                let range = max(found.lowerBound, skip)..<max(found.upperBound, skip)
                if !range.isEmpty { parts.append(try r.batch(range)) }
                continue
            }
            let times = try r.times(0..<r.count)
            var selected: [Int] = []
            for p in skip..<r.count where times[p] >= fromMs && times[p] < toMs { selected.append(p) }
            guard let lo = selected.first, let hi = selected.last else { continue }
            let span = try r.batch(lo..<(hi + 1))
            parts.append(span.gathered(selected.map { $0 - lo }))
        }
        let skip = hotDroppedPrefix
        let hot = series.indices(timeFrom: fromMs, to: toMs).filter { $0 >= skip }
        if !hot.isEmpty { parts.append(series.batch(hot)) }
        return ReadingBatch.concatenated(parts)
    }
}
