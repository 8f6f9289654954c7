#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import KDeltaConfig

/// `--data-dir`, `--config` and `--json`, shared by every command.
struct StoreLocation: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "The data directory (default: the configuration's data-dir, $KDELTA_DATA_DIR, else ./kdelta-data).")
    var dataDir: String?

    @Option(name: .customLong("config"), help: "The configuration file (default: $KDELTA_CONFIG; none: every default). See docs/config.md.")
    var configPath: String?

    @Flag(name: .customLong("json"), help: "Print JSON instead of text.")
    var json = false

    /// The configuration file to read, if any.
    var configFile: String? {
        if let p = configPath { return p }
        if let env = getenv("KDELTA_CONFIG"), env.pointee != 0 { return String(cString: env) }
        return nil
    }

    /// The configuration: the file's, or every default without one.
    func configuration() throws -> EdgeConfiguration {
        guard let path = configFile else { return .defaults }
        do { return try EdgeConfiguration.load(path: path) } catch { throw failure(error.description) }
    }

    /// The data directory to use: `--data-dir`, the configuration's `data-dir`,
    /// `$KDELTA_DATA_DIR`, else `./kdelta-data`.
    var directory: String {
        if let d = dataDir { return d }
        if configFile != nil, let d = (try? configuration())?.dataDir { return d }
        if let env = getenv("KDELTA_DATA_DIR") { return String(cString: env) }
        return "kdelta-data"
    }
}

/// `--fsync`, for commands that write.
struct WriteOptions: ParsableArguments {
    @Option(name: .customLong("fsync"), help: "When writes are made durable: always, interval:MS (or interval:1s) or never (default: the configuration's storage.fsync, else always). See docs/durability.md.")
    var fsync: String?
}
