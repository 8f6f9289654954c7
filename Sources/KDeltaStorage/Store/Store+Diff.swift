import KDeltaModel

extension Store {
    /// The difference between versions `fromSeq` and `toSeq` of `key`. Without seqs: the
    /// previous version against the newest; with only `fromSeq`: it against the newest.
    public func diff(_ key: Key, from fromSeq: UInt64? = nil, to toSeq: UInt64? = nil) throws(StoreError) -> VersionDiff {
        guard let kept = seqRange(key) else { throw StoreError(.notFound, "key \(key) has no versions; `kdelta-edge log` lists what is stored") }
        let count = kept.upperBound
        if fromSeq == nil && toSeq == nil && kept.count == 1 {
            let why = kept.lowerBound > 1 ? " (retention dropped the \(kept.lowerBound - 1) before it)" : ""
            throw StoreError(.notFound, "key \(key) has one version kept, seq \(count)\(why): there is no earlier one to compare it with")
        }
        let toSeqResolved = toSeq ?? count
        let fromSeqResolved = fromSeq ?? (toSeqResolved > 1 ? toSeqResolved - 1 : toSeqResolved)
        func missing(_ seq: UInt64) -> StoreError {
            let why = seq >= 1 && seq < kept.lowerBound ? " (dropped by retention)" : ""
            return StoreError(.notFound, "key \(key) has no version \(seq)\(why); it has versions \(kept.lowerBound) to \(count)")
        }
        guard let a = try version(key, seq: fromSeqResolved) else { throw missing(fromSeqResolved) }
        guard let b = try version(key, seq: toSeqResolved) else { throw missing(toSeqResolved) }
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
