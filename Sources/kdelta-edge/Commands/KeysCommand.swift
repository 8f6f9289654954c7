import ArgumentParser
import KDeltaModel
import KDeltaStorage

/// `kdelta-edge keys [PREFIX]`.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "List the stored keys with their number of versions and latest value.")

    @OptionGroup var location: StoreLocation

    @Argument(help: "Only keys starting with this prefix.")
    var prefix: String?

    func run() throws {
        let store = try location.openForReading()
        let keys = store.keys().filter { prefix == nil || $0.rawValue.hasPrefix(prefix!) }
        if location.json {
            try StandardOutput.line(JSONValue.array(keys.map { k in
                .object([
                    ("key", .string(k.rawValue)), ("versions", .int(Int64(store.versionCount(k)))),
                    ("latest", store.latest(k).map(VersionOutput.json) ?? .null),
                ])
            }).canonicalText)
            return
        }
        if keys.isEmpty {
            let total = store.keys().count
            let what = prefix.map { "no stored key starts with '\($0)' (\(counted(total, "key")) stored; run `kdelta-edge keys` for all)" }
                ?? "the store in \(location.directory) holds no keys yet"
            printError("kdelta-edge: note: \(what)")
        }
        for k in keys {
            let latest = store.latest(k)
            try StandardOutput.line(VersionOutput.pad(k.rawValue, 40) + "  " + VersionOutput.pad(counted(store.versionCount(k), "version"), 16)
                  + "  " + (latest.map { "\($0.value) at \(RFC3339.format(ms: $0.timeMs))" } ?? ""))
        }
    }
}
