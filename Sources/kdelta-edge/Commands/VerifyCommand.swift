import ArgumentParser
import KDeltaModel
import KDeltaStorage

/// `kdelta-edge verify`.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute every version id and check each key's hash chain; exit 1 naming the first broken link, 3 naming a damaged block.")

    @OptionGroup var location: StoreLocation

    func run() throws {
        let store = try location.openForReading()
        let report = store.verify()
        if location.json {
            try StandardOutput.line(JSONValue.object([
                ("intact", .bool(report.isIntact)), ("keys", .int(Int64(report.keys))),
                ("versions", .int(Int64(report.versions))),
                ("brokenLinks", .array(report.brokenLinks.map { b in
                    .object([
                        ("key", .string(b.key.rawValue)), ("seq", .int(Int64(b.seq))),
                        ("storedID", .string(b.storedID.hex)), ("computedID", .string(b.computedID.hex)),
                    ])
                })),
                ("unreadable", .array(report.unreadable.map { .string($0) })),
                ("walTail", store.recovery.tornTail.map { t in
                    .object([("file", .string(t.file)), ("offset", .int(t.offset)), ("dataBytes", .int(t.dataBytes))])
                } ?? .null),
                ("writerLive", .bool(store.recovery.writerWasLive)),
            ]).canonicalText)
        } else if report.isIntact {
            // A torn last WAL record (left in place by a read-only open) is not a version,
            // so it is not verified: say so rather than "intact" alone.
            let tail = store.recovery.tornTail.map { "; the WAL's torn last record (offset \($0.offset) of \($0.file)) was not verified: the next write keeps its bytes under repair/ and cuts it off" } ?? ""
            // Alongside a writer, verify checks the store as it was when it read it.
            let writer = store.recovery.writerWasLive ? " (a writer was writing: what it wrote after verify read the store was not verified)" : ""
            try StandardOutput.line("verified \(counted(report.versions, "version")) of \(counted(report.keys, "key")): every hash chain is intact\(tail)\(writer)")
        } else {
            for b in report.brokenLinks { try StandardOutput.line("BROKEN \(b)") }
            for u in report.unreadable { try StandardOutput.line("UNREADABLE \(u)") }
        }
        if let message = Self.failureMessage(report) { throw failure(message, code: Self.exitCode(report)) }
    }

    /// 3 when a block file could not be read (damaged data, `repair` territory, as every
    /// command exits on it), else 1: a broken hash chain in files that all read well.
    static func exitCode(_ report: VerifyReport) -> Int32 {
        report.unreadable.isEmpty ? 1 : 3
    }

    /// What `verify` exits with when the report is not intact: the first broken link, else
    /// the first block that could not be read; nil when intact.
    static func failureMessage(_ report: VerifyReport) -> String? {
        var problems: [String] = []
        if let first = report.brokenLinks.first {
            problems.append("\(report.brokenLinks.count) of \(counted(report.keys, "key")) \(report.brokenLinks.count == 1 ? "has" : "have") a broken hash chain (first: \(first.key) version \(first.seq)); the data was changed after it was written")
        }
        if let first = report.unreadable.first {
            problems.append(report.unreadable.count == 1
                ? "1 block chunk could not be read, so its versions were not checked: \(first)"
                : "\(report.unreadable.count) block chunks could not be read, so their versions were not checked (the first: \(first))")
        }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }
}
