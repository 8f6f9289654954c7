import ArgumentParser
import KDeltaModel
import KDeltaStorage

/// `kdelta-edge verify`.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute every version id and check each key's hash chain; exit 1 naming the first broken link.")

    @OptionGroup var location: StoreLocation

    func run() throws {
        let store = try location.openForReading()
        let report = store.verify()
        if location.json {
            print(JSONValue.object([
                ("intact", .bool(report.isIntact)), ("keys", .int(Int64(report.keys))),
                ("versions", .int(Int64(report.versions))),
                ("brokenLinks", .array(report.brokenLinks.map { b in
                    .object([
                        ("key", .string(b.key.rawValue)), ("seq", .int(Int64(b.seq))),
                        ("storedID", .string(b.storedID.hex)), ("computedID", .string(b.computedID.hex)),
                    ])
                })),
            ]).canonicalText)
        } else if report.isIntact {
            print("verified \(report.versions) versions of \(report.keys) keys: every hash chain is intact")
        } else {
            for b in report.brokenLinks { print("BROKEN \(b)") }
        }
        if !report.isIntact {
            throw failure("\(report.brokenLinks.count) of \(report.keys) keys have a broken hash chain (first: \(report.brokenLinks[0].key) version \(report.brokenLinks[0].seq)); the data was changed after it was written")
        }
    }
}
