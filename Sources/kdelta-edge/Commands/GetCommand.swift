import ArgumentParser
import KDeltaModel
import KDeltaStorage

/// `kdelta-edge get KEY [--at T]`.
struct GetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Print the latest version of a key, or the one current at a time (--at).")

    @OptionGroup var location: StoreLocation

    @Argument(help: "The key.")
    var key: String

    @Option(name: .customLong("at"), help: "Time travel: RFC 3339, Unix milliseconds, or hlc:WALL.LOGICAL.")
    var at: String?

    func run() throws {
        let k = try parseKey(key)
        let point = try at.map(TimeArgument.parsePoint)
        let store = try location.openForReading()
        let found: Version?
        if let point {
            do { found = try store.get(k, at: point) } catch { throw failure(error) }
        } else {
            found = store.latest(k)
        }
        guard let v = found else {
            if store.versionCount(k) == 0 {
                throw failure("key \(k) has no versions in \(location.directory); `kdelta-edge keys` lists the stored keys")
            }
            throw failure("key \(k) has no version at or before \(at ?? "")")
        }
        if location.json {
            print(VersionOutput.json(v).canonicalText)
        } else {
            print("\(v.key) = \(v.value)")
            print("  time  \(RFC3339.format(ms: v.timeMs))\(v.sourceTimeMs == nil ? " (write time)" : "")")
            print("  seq   \(v.seq) of \(store.versionCount(k))")
            print("  hlc   hlc:\(v.hlc)")
            print("  id    \(v.id.hex)")
            if let p = v.parent { print("  parent \(p.hex)") }
        }
    }
}
