import ArgumentParser
import KDeltaModel
import KDeltaStorage

/// `kdelta-edge get KEY [--at T]`.
struct GetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Print the last written version of a key (highest seq), or the one current at a time (--at).",
        discussion: """
            Without --at: the version written last. With --at T: the version with the greatest
            time at or before T. They differ when readings were written out of time order
            (back-filled): the last written need not have the latest time.
            """)

    @OptionGroup var location: StoreLocation

    @Argument(help: "The key.")
    var key: String

    @Option(name: .customLong("at"), parsing: .unconditional, help: "Time travel: RFC 3339, Unix milliseconds, or hlc:WALL.LOGICAL.")
    var at: String?

    /// Where a seq stands among the key's versions: "of 20", or with the range kept when
    /// retention dropped the oldest ("of 5001; 1989 kept, seq 3013-5001").
    static func seqContext(_ kept: ClosedRange<UInt64>?) -> String {
        guard let kept else { return "" }
        if kept.lowerBound <= 1 { return "of \(kept.upperBound)" }
        return "of \(kept.upperBound); \(kept.count) kept, seq \(kept.lowerBound)-\(kept.upperBound) (older ones dropped by retention)"
    }

    func run() throws {
        let k = try parseKey(key)
        let point = try at.map(TimeArgument.parsePoint)
        let store = try location.openForReading()
        if store.versionCount(k) == 0 {
            throw failure("key \(k) has no versions in \(location.directory); `kdelta-edge keys` lists the stored keys")
        }
        let found: Version?
        do throws(StoreError) {
            if let point { found = try store.get(k, at: point) } else { found = try Self.lastWritten(k, in: store) }
        } catch { throw failure(error) }
        guard let v = found else {
            guard let at else {
                throw failure("the last version of key \(k) cannot be read, though the store counts \(store.versionCount(k)); run `kdelta-edge verify --data-dir \(location.directory)` to find the damage")
            }
            if let kept = store.seqRange(k), kept.lowerBound > 1, let oldest = try? store.version(k, seq: kept.lowerBound) {
                throw failure("key \(k) has no version kept at or before \(at): its versions before seq \(kept.lowerBound) were dropped by retention (`kdelta-edge stats` counts them by reason), and the oldest kept is from \(RFC3339.format(ms: oldest.timeMs))")
            }
            throw failure("key \(k) has no version at or before \(at); `kdelta-edge log \(k) --reverse --limit 1` shows its first")
        }
        if location.json {
            try StandardOutput.line(VersionOutput.json(v).canonicalText)
        } else {
            try StandardOutput.line("\(v.key) = \(v.value)")
            try StandardOutput.line("  time  \(RFC3339.format(ms: v.timeMs))\(v.sourceTimeMs == nil ? " (write time)" : "")")
            try StandardOutput.line("  seq   \(v.seq) \(Self.seqContext(store.seqRange(k)))")
            try StandardOutput.line("  hlc   hlc:\(v.hlc)")
            try StandardOutput.line("  id    \(v.id.hex)")
            if let p = v.parent { try StandardOutput.line("  parent \(p.hex)") }
        }
    }

    /// The version with the highest seq (the last written, whatever its time). The store
    /// keeps it at hand; when it lives in a damaged block the store has none to give, and
    /// reading it by seq throws the damage (exit 3), as `log` and `query` report it.
    static func lastWritten(_ key: Key, in store: Store) throws(StoreError) -> Version? {
        if let latest = store.latest(key) { return latest }
        guard let seqs = store.seqRange(key) else { return nil }
        return try store.version(key, seq: seqs.upperBound)
    }
}
