import KDeltaModel

/// Decides, for one series at a time, what a retention pass drops (docs/retention.md):
/// the longest prefix of its versions (in seq order) that its policy lets go, never the
/// newest version, never a version still in memory, and never a version after the sync
/// cursor. Reads chunks it must look into (times, LSNs, and the values it rolls up) one
/// at a time. Runs under the store's `cutMutex`, on `SeriesView`s taken under the state
/// lock, so writers are not held up while it decodes.
struct RetentionPlanner {
    let rules: RetentionRules
    let nowMs: Int64
    let acknowledgedLSN: UInt64

    /// The policy of `s`, resolved once per series.
    func policy(of s: Series) -> RetentionPolicy? {
        if s.retentionRule == .unresolved {
            s.retentionRule = rules.ruleIndex(for: s.key).map { .rule($0) } ?? .none
        }
        if case .rule(let i) = s.retentionRule { return rules.rules[i].policy }
        return nil
    }

    /// True when the policy of `s` would drop versions that are still in memory: the
    /// pass then cuts first, so they are in blocks (and checkpointed) before they go.
    func wantsVersionsInMemory(_ s: Series) -> Bool {
        guard s.count > 0, let p = policy(of: s), !p.keepsEverything else { return false }
        let newest = s.nextSeq - 1
        if let n = p.keepLast, newest >= UInt64(n), newest + 1 - UInt64(n) > s.hotFirstSeq { return true }
        guard let cutoff = ageCutoff(p) else { return false }
        return s.time(at: 0) < cutoff && s.lsn(at: 0) <= acknowledgedLSN && s.count > 1
    }

    /// Raw versions with a time before this go (keep-for, or downsample-after aligned to
    /// whole intervals); nil when the policy has no age limit.
    private func ageCutoff(_ p: RetentionPolicy) -> Int64? {
        if let d = p.downsample { return Self.alignDown(nowMs - d.afterMs, d.everyMs) }
        if let k = p.keepForMs { return nowMs - k }
        return nil
    }

    /// The plan for `s`, or nil when nothing changes.
    func plan(_ s: SeriesView) throws(StoreError) -> SeriesRetentionPlan? {
        guard let p = policy(of: s.series), !p.keepsEverything else { return nil }
        var plan = SeriesRetentionPlan(series: s.series, floor: s.firstSeq, rollupFloorMs: s.rollupFloorMs)
        // The most that may go: versions in blocks, never the newest.
        let ceiling = min(s.hotFirstSeq, s.nextSeq - 1)
        if ceiling > s.firstSeq {
            var floor = s.firstSeq
            if let n = p.keepLast, s.nextSeq > UInt64(n) { floor = max(floor, s.nextSeq - UInt64(n)) }
            if let cutoff = ageCutoff(p) {
                floor = max(floor, try prefixEnd(s, from: s.firstSeq, limit: ceiling) { $0.maxTimeMs < cutoff } each: { (r, range) throws(StoreError) -> Int? in
                    try r.times(range).firstIndex { $0 >= cutoff }
                })
            }
            floor = min(floor, ceiling)
            if floor > s.firstSeq && acknowledgedLSN < UInt64.max {
                let ack = acknowledgedLSN
                floor = try prefixEnd(s, from: s.firstSeq, limit: floor) { $0.lastLSN <= ack } each: { (r, range) throws(StoreError) -> Int? in
                    try r.lsns(range).firstIndex { $0 > ack }
                }
            }
            if floor > s.firstSeq {
                plan.floor = floor
                let count = floor - s.firstSeq
                if let d = p.downsample {
                    try rollUp(s, upTo: floor, everyMs: d.everyMs, into: &plan)
                    plan.drops.downsampled = count - plan.drops.retention
                } else {
                    plan.drops.retention = count
                }
            }
        }
        if let d = p.downsample, let keep = d.keepRollupsForMs {
            let floorMs = Self.alignDown(nowMs - keep, d.everyMs)
            if floorMs > s.rollupFloorMs {
                plan.drops.rollupsExpired = try countRollups(s, from: s.rollupFloorMs, to: floorMs)
                plan.rollupFloorMs = floorMs
            }
            // Rollups this pass made that are already past keep-rollups-for (the store
            // was off for longer than that): counted as expired, never written.
            let stale = plan.rollups.filter { $0.startMs < plan.rollupFloorMs }.count
            if stale > 0 {
                plan.rollups.removeAll { $0.startMs < plan.rollupFloorMs }
                plan.drops.rollupsExpired += UInt64(stale)
            }
        }
        return plan.changesSomething ? plan : nil
    }

    /// The first seq in `from ..< limit` whose version fails the test, or `limit`: chunks
    /// that pass `whole` as a whole are skipped unread; in the first that does not, `each`
    /// finds the first failing position of a range (nil: none fails).
    private func prefixEnd(
        _ s: SeriesView, from: UInt64, limit: UInt64,
        whole: (ChunkEntry) -> Bool,
        each: (ChunkReader, Range<Int>) throws(StoreError) -> Int?
    ) throws(StoreError) -> UInt64 {
        var seq = from
        for c in s.chunks where c.entry.lastSeq >= seq {
            if seq >= limit { return limit }
            let e = c.entry
            if whole(e) {
                seq = e.lastSeq + 1
                continue
            }
            let lo = Int(seq - e.firstSeq)
            let hi = Int(min(limit, e.lastSeq + 1) - e.firstSeq)
            if let i = try each(try c.reader(), lo..<hi) { return min(limit, e.firstSeq + UInt64(lo + i)) }
            seq = e.firstSeq + UInt64(hi)
        }
        return min(seq, limit)
    }

    /// Rolls the versions `s.firstSeq ..< floor` into rollups of `everyMs`; versions that
    /// are not numbers are counted as retention drops (no rollup can hold them).
    private func rollUp(_ s: SeriesView, upTo floor: UInt64, everyMs: Int64, into plan: inout SeriesRetentionPlan) throws(StoreError) {
        var byStart: [Int64: Rollup] = [:]
        var lsnLow = UInt64.max, lsnHigh = UInt64(0)
        for c in s.chunks where c.entry.lastSeq >= s.firstSeq && c.entry.firstSeq < floor {
            let e = c.entry
            let lo = Int(max(s.firstSeq, e.firstSeq) - e.firstSeq)
            let hi = Int(min(floor, e.lastSeq + 1) - e.firstSeq)
            let r = try c.reader()
            let times = try r.times(lo..<hi)
            let values = try r.values(lo..<hi)
            let lsns = try r.lsns(lo..<hi)
            lsnLow = min(lsnLow, lsns.min() ?? lsnLow)
            lsnHigh = max(lsnHigh, lsns.max() ?? lsnHigh)
            for (t, v) in zip(times, values) {
                let x: Double
                switch v {
                case .double(let d): x = d
                case .int(let i): x = Double(i)
                case .bool, .string, .document:
                    plan.drops.retention += 1
                    continue
                }
                let start = Self.alignDown(t, everyMs)
                byStart[start, default: Rollup(startMs: start, endMs: start + everyMs)].add(timeMs: t, value: x)
            }
        }
        plan.rollups = byStart.values.sorted { $0.startMs < $1.startMs }
        if lsnLow <= lsnHigh { plan.rolledLSNs = lsnLow...lsnHigh }
    }

    /// Stored rollups of `s` starting in `from ..< to`.
    private func countRollups(_ s: SeriesView, from: Int64, to: Int64) throws(StoreError) -> UInt64 {
        var n: UInt64 = 0
        for c in s.rollupChunks where c.entry.minTimeMs < to && c.entry.maxTimeMs >= from {
            for r in try RollupChunk.decode(try c.reader()) where r.startMs >= from && r.startMs < to { n += 1 }
        }
        return n
    }

    /// `t` rounded down to a multiple of `step` (towards minus infinity).
    static func alignDown(_ t: Int64, _ step: Int64) -> Int64 {
        var q = t / step
        if t % step < 0 { q -= 1 }
        return q * step
    }
}
