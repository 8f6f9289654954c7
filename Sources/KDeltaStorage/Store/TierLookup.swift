import KDeltaCodec
import KDeltaModel

/// Reads one series across its tiers: its chunks in blocks (older versions, in seq
/// order) and its versions in memory (the newest). Used under the store's read lock.
struct TierLookup {
    let series: Series

    private var chunks: [ChunkRef] { series.chunks }

    /// True when times never decrease across chunks and memory, so the last chunk that
    /// starts at or before a time holds the answer.
    var timesSortedAcrossTiers: Bool {
        let ordered = series.chunkTimes
        if !ordered.sorted { return false }
        if let firstHot = series.firstHotTimeMs {
            if !series.timesSorted || firstHot < ordered.maxTimeMs { return false }
        }
        return true
    }

    func version(seq: UInt64) throws(StoreError) -> Version? {
        guard seq >= series.firstSeq else { return nil }
        if let i = series.index(ofSeq: seq) { return series.version(at: i) }
        guard let k = chunkIndex(holdingSeq: seq) else { return nil }
        let r = try chunks[k].reader()
        let p = Int(seq - r.layout.firstSeq)
        return try r.versions(p..<(p + 1), hasher: VersionHasher()).first
    }

    /// The first position of `e` still kept (retention may have dropped the ones before).
    private func firstLive(_ c: ChunkLayout) -> Int {
        firstLive(firstSeq: c.firstSeq)
    }

    private func firstLive(firstSeq: UInt64) -> Int {
        Int(max(firstSeq, series.firstSeq) - firstSeq)
    }

    private func chunkIndex(holdingSeq seq: UInt64) -> Int? {
        var lo = 0, hi = chunks.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            let c = chunks[mid]
            if seq < c.firstSeq { hi = mid } else if seq > c.lastSeq { lo = mid + 1 } else { return mid }
        }
        return nil
    }

    /// Where a version lives: a position in memory, or in a chunk.
    private enum Place {
        case hot(Int)
        /// The chunk, the position, and the version's time (found by the search).
        case chunk(ChunkReader, Int, Int64)
        /// Chunk `i` of the series, whose times are regular: the position and its time,
        /// computed from the chunk's `ChunkPoint` alone.
        case regular(Int, Int, Int64)
    }

    /// What the series' point index says of the version current at `t`, for sorted
    /// times (`timesSortedAcrossTiers`) and `t` before the oldest version in memory: none
    /// (before the first chunk, or dropped by retention), a position in a regular chunk,
    /// or chunk `i`, to be searched. Small, unlike `Place` (which holds a reader), so
    /// the point read's fast path copies a few words.
    private enum Indexed {
        case none
        case regular(Int, ChunkPoint, Int, Int64)
        case search(Int)
    }

    private func indexed(atOrBefore t: Int64) -> Indexed {
        let index = series.chunkTimes
        guard let i = index.lastChunk(startingAtOrBefore: t) else { return .none }
        let point = index.point(i)
        guard let found = point.regularPosition(atOrBefore: t) else { return .search(i) }
        // Times ascend, so nothing before the answer is live when the answer is not.
        guard point.firstSeq + UInt64(found.position) >= series.firstSeq else { return .none }
        return .regular(i, point, found.position, found.timeMs)
    }

    /// True when the version current at `t` is in a chunk and the point index finds it.
    private func usesIndex(_ t: Int64) -> Bool {
        guard timesSortedAcrossTiers else { return false }
        if let firstHot = series.firstHotTimeMs, firstHot <= t { return false }
        return true
    }

    /// The version with the greatest (time, seq) at or before `t`.
    private func place(atOrBeforeTime t: Int64) throws(StoreError) -> Place? {
        if timesSortedAcrossTiers {
            if let firstHot = series.firstHotTimeMs, firstHot <= t {
                return series.index(atOrBeforeTime: t).map { .hot($0) }
            }
            let i: Int
            switch indexed(atOrBefore: t) {
            case .none: return nil
            case .regular(let c, _, let p, let time): return .regular(c, p, time)
            case .search(let c): i = c
            }
            let r = try chunks[i].reader()
            r.ref.prefetchValue(near: t, layout: r.layout)
            if r.layout.timesSorted {
                guard let found = try r.lastAtOrBefore(time: t), found.position >= firstLive(r.layout) else { return nil }
                return .chunk(r, found.position, found.timeMs)
            }
            guard let p = try r.indexAtOrBeforeTime(t), p >= firstLive(r.layout) else { return nil }
            return .chunk(r, p, try r.time(at: p))
        }
        // Back-filled times: the greatest (time, seq) at or before t over every tier.
        var best: (time: Int64, seq: UInt64, place: Place)? = nil
        if let i = series.index(atOrBeforeTime: t) {
            best = (series.time(at: i), series.hotFirstSeq + UInt64(i), .hot(i))
        }
        for c in chunks.reversed() where c.minTimeMs <= t {
            if let b = best, c.maxTimeMs < b.time { continue }
            let r = try c.reader()
            guard var p = try r.indexAtOrBeforeTime(t) else { continue }
            let live = firstLive(r.layout)
            if p < live {
                // The answer was dropped by retention: the best live one in this chunk.
                let times = try r.times(live..<r.count)
                guard let k = times.indices.filter({ times[$0] <= t }).max(by: { (times[$0], $0) < (times[$1], $1) }) else { continue }
                p = live + k
            }
            let time = try r.time(at: p)
            let seq = r.layout.firstSeq + UInt64(p)
            if let b = best, (time, seq) <= (b.time, b.seq) { continue }
            best = (time, seq, .chunk(r, p, time))
        }
        return best?.place
    }

    func version(atOrBeforeTime t: Int64) throws(StoreError) -> Version? {
        if usesIndex(t) {
            // The point index's answer in a regular chunk, without going through `Place`
            // (a 160-byte reader copied on the way out).
            switch indexed(atOrBefore: t) {
            case .none: return nil
            case .regular(let i, _, let p, _): return try chunks[i].reader().versions(p..<(p + 1), hasher: VersionHasher()).first
            case .search: break
            }
        }
        switch try place(atOrBeforeTime: t) {
        case .hot(let i): return series.version(at: i)
        case .chunk(let r, let p, _): return try r.versions(p..<(p + 1), hasher: VersionHasher()).first
        case .regular(let i, let p, _): return try chunks[i].reader().versions(p..<(p + 1), hasher: VersionHasher()).first
        case nil: return nil
        }
    }

    /// The time and value of the version `version(atOrBeforeTime:)` finds, read without
    /// recomputing its id.
    func reading(atOrBeforeTime t: Int64) throws(StoreError) -> TimedReading? {
        if usesIndex(t) {
            switch indexed(atOrBefore: t) {
            case .none: return nil
            case .regular(let i, let point, let p, let time): return try regularReading(i, point, p, time)
            case .search: break
            }
        }
        switch try place(atOrBeforeTime: t) {
        case .hot(let i): return TimedReading(timeMs: series.time(at: i), value: series.value(at: i))
        case .chunk(let r, let p, let time): return TimedReading(timeMs: time, value: try r.value(at: p))
        case .regular(let i, let p, let time): return try regularReading(i, series.chunkTimes.point(i), p, time)
        case nil: return nil
        }
    }

    /// The reading at position `p` (time `time`) of regular chunk `i`: for a checked
    /// chunk of numbers, its value column alone through the point index; anything else
    /// through the chunk's reader (which checks the chunk).
    private func regularReading(_ i: Int, _ point: ChunkPoint, _ p: Int, _ time: Int64) throws(StoreError) -> TimedReading {
        if point.isVerified {
            point.prefetchValue(at: p)
            let value: Value?
            do throws(CodecError) { value = try point.value(at: p) } catch {
                throw chunks[i].block.undecodable(chunks[i].index, point.valueColumn, error)
            }
            if let value { return TimedReading(timeMs: time, value: value) }
        }
        return TimedReading(timeMs: time, value: try chunks[i].reader().value(at: p))
    }

    func version(atOrBefore hlc: HLC) throws(StoreError) -> Version? {
        if series.count > 0 && series.hlc(at: 0) <= hlc {
            return series.index(atOrBefore: hlc).map { series.version(at: $0) }
        }
        // HLCs increase store-wide, so chunks are in HLC order too.
        var lo = 0, hi = chunks.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if chunks[mid].firstHLC <= hlc { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return nil }
        let r = try chunks[lo - 1].reader()
        guard let p = try r.indexAtOrBefore(hlc), p >= firstLive(r.layout) else { return nil }
        return try r.versions(p..<(p + 1), hasher: VersionHasher()).first
    }

    /// Versions with time in the query's range, ordered by (time, seq), limited.
    func history(_ query: HistoryQuery) throws(StoreError) -> [Version] {
        let from = query.sinceMs ?? Int64.min + 1
        let to = query.untilMs ?? Int64.max
        let hasher = VersionHasher()
        var out: [Version] = []
        for c in chunks where c.maxTimeMs >= from && c.minTimeMs < to {
            let r = try c.reader()
            let times = try r.times(0..<r.count)
            var lo = r.count, hi = 0
            for (p, t) in times.enumerated() where t >= from && t < to {
                lo = min(lo, p)
                hi = max(hi, p + 1)
            }
            lo = max(lo, firstLive(firstSeq: c.firstSeq))
            if lo < hi {
                out.append(contentsOf: try r.versions(lo..<hi, hasher: hasher).filter { $0.timeMs >= from && $0.timeMs < to })
            }
        }
        out.append(contentsOf: series.indices(timeFrom: from, to: to).map { series.version(at: $0) })
        if !timesSortedAcrossTiers {
            out.sort { ($0.timeMs, $0.seq) < ($1.timeMs, $1.seq) }
        }
        if query.order == .newestFirst { out.reverse() }
        if let limit = query.limit, out.count > max(0, limit) { out.removeLast(out.count - max(0, limit)) }
        return out
    }
}
