import KDeltaModel

extension Store {
    /// The difference between versions `fromSeq` and `toSeq` of `key`. Without seqs: the
    /// previous version against the newest; with only `fromSeq`: it against the newest.
    public func diff(_ key: Key, from fromSeq: UInt64? = nil, to toSeq: UInt64? = nil) throws(StoreError) -> VersionDiff {
        guard let kept = seqRange(key) else { throw StoreError(.notFound, "key \(key) has no versions; `kdelta-edge log` lists what is stored") }
        let count = kept.upperBound
        let toSeqResolved = toSeq ?? count
        let fromSeqResolved = fromSeq ?? (toSeqResolved > 1 ? toSeqResolved - 1 : toSeqResolved)
        guard let a = try version(key, seq: fromSeqResolved) else {
            throw StoreError(.notFound, "key \(key) has no version \(fromSeqResolved); it has versions \(kept.lowerBound) to \(count)")
        }
        guard let b = try version(key, seq: toSeqResolved) else {
            throw StoreError(.notFound, "key \(key) has no version \(toSeqResolved); it has versions \(kept.lowerBound) to \(count)")
        }
        return VersionDiff(from: a, to: b, change: Self.change(from: a.value, to: b.value))
    }

    static func change(from a: Value, to b: Value) -> VersionDiff.Change {
        if a == b { return .unchanged }
        switch (a, b) {
        case (.int(let x), .int(let y)):
            return .numeric(delta: Double(y) - Double(x))
        case (.double, .double), (.double, .int), (.int, .double):
            return .numeric(delta: b.number! - a.number!)
        case (.document(let x), .document(let y)):
            return .document(JSONDiff.changes(from: x, to: y))
        default:
            return .replaced
        }
    }
}
