#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser

/// `--data-dir` and `--json`, shared by every command.
struct StoreLocation: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "The data directory (default: $KDELTA_DATA_DIR, else ./kdelta-data).")
    var dataDir: String?

    @Flag(name: .customLong("json"), help: "Print JSON instead of text.")
    var json = false

    /// The data directory to use.
    var directory: String {
        if let d = dataDir { return d }
        if let env = getenv("KDELTA_DATA_DIR") { return String(cString: env) }
        return "kdelta-data"
    }
}

/// `--fsync`, for commands that write.
struct WriteOptions: ParsableArguments {
    @Option(name: .customLong("fsync"), help: "When writes are made durable: always, interval:MS or never (default: always). See docs/durability.md.")
    var fsync: String = "always"
}
