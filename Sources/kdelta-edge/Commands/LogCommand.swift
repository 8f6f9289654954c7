import ArgumentParser
import KDeltaModel
import KDeltaStorage

/// `kdelta-edge log KEY [--since T] [--until T] [--limit N]`.
struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Print the history of a key, newest first (time marked * is the write time).")

    @OptionGroup var location: StoreLocation

    @Argument(help: "The key.")
    var key: String

    @Option(name: .customLong("since"), parsing: .unconditional, help: "Versions at or after this time.")
    var since: String?

    @Option(name: .customLong("until"), parsing: .unconditional, help: "Versions before this time.")
    var until: String?

    @Option(name: .customLong("limit"), parsing: .unconditional, help: "At most this many versions.")
    var limit: Int?

    @Flag(name: .customLong("reverse"), help: "Oldest first.")
    var reverse = false

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let k = try parseKey(key)
        let sinceMs = try since.map { try TimeArgument.parseMs($0, option: "--since") }
        let untilMs = try until.map { try TimeArgument.parseMs($0, option: "--until") }
        if let sinceMs, let untilMs, sinceMs >= untilMs {
            throw failure("--since \(since!) is not before --until \(until!): the range [since, until) is empty")
        }
        let query = HistoryQuery(sinceMs: sinceMs, untilMs: untilMs, limit: limit, order: reverse ? .oldestFirst : .newestFirst)
        let store = try location.openForReading()
        if store.versionCount(k) == 0 {
            throw failure("key \(k) has no versions in \(location.directory); `kdelta-edge keys` lists the stored keys")
        }
        let versions: [Version]
        do { versions = try store.history(k, query) } catch { throw failure(error) }
        if location.json {
            try StandardOutput.line(JSONValue.array(versions.map(VersionOutput.json)).canonicalText)
            return
        }
        try StandardOutput.line(VersionOutput.header)
        for v in versions { try StandardOutput.line(VersionOutput.line(v)) }
    }
}
