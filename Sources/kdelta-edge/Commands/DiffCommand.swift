import ArgumentParser
import KDeltaModel
import KDeltaStorage

/// `kdelta-edge diff KEY [V1 [V2]]`.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what changed between two versions of a key (default: the last two).")

    @OptionGroup var location: StoreLocation

    @Argument(help: "The key.")
    var key: String

    @Argument(help: "The older version's seq (default: the one before V2).")
    var v1: UInt64?

    @Argument(help: "The newer version's seq (default: the latest).")
    var v2: UInt64?

    func run() throws {
        let k = try parseKey(key)
        let store = try location.openForReading()
        let d: VersionDiff
        do { d = try store.diff(k, from: v1, to: v2) } catch { throw failure(error) }
        if location.json {
            try StandardOutput.line(Self.json(d).canonicalText)
            return
        }
        let seconds = Double(d.elapsedMs) / 1000
        try StandardOutput.line("\(k): seq \(d.from.seq) -> \(d.to.seq) (\(seconds >= 0 ? "+" : "")\(seconds) s, \(RFC3339.format(ms: d.from.timeMs)) -> \(RFC3339.format(ms: d.to.timeMs)))")
        switch d.change {
        case .unchanged:
            try StandardOutput.line("  unchanged: \(d.to.value)")
        case .numeric(let delta):
            try StandardOutput.line("  \(d.from.value) -> \(d.to.value) (\(DeltaFormatting.text(from: d.from.value, to: d.to.value, delta: delta)))")
        case .replaced:
            try StandardOutput.line("  - \(d.from.value)")
            try StandardOutput.line("  + \(d.to.value)")
        case .document(let changes):
            for c in changes {
                switch c.kind {
                case .added: try StandardOutput.line("  + \(c.path): \(c.new!.canonicalText)")
                case .removed: try StandardOutput.line("  - \(c.path): \(c.old!.canonicalText)")
                case .changed: try StandardOutput.line("  ~ \(c.path): \(c.old!.canonicalText) -> \(c.new!.canonicalText)")
                }
            }
        }
    }

    static func json(_ d: VersionDiff) -> JSONValue {
        var change: [(String, JSONValue)] = []
        switch d.change {
        case .unchanged: change.append(("kind", .string("unchanged")))
        case .numeric(let delta):
            change.append(("kind", .string("numeric")))
            change.append(("delta", delta.isFinite ? .double(delta) : .string(Value.formatDouble(delta))))
        case .replaced: change.append(("kind", .string("replaced")))
        case .document(let fields):
            change.append(("kind", .string("document")))
            change.append(("fields", .array(fields.map { f in
                .object([
                    ("path", .string(f.path)), ("change", .string(f.kind.rawValue)),
                    ("old", f.old ?? .null), ("new", f.new ?? .null),
                ])
            })))
        }
        return .object([
            ("key", .string(d.from.key.rawValue)),
            ("from", VersionOutput.json(d.from)), ("to", VersionOutput.json(d.to)),
            ("elapsedMs", .int(d.elapsedMs)), ("change", .object(change)),
        ])
    }
}
