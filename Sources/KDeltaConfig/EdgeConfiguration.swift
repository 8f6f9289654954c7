import KDeltaModel
import KDeltaYAML

/// The configuration of `kdelta-edge`, read from a YAML file (docs/config.md).
///
/// The file is a mapping of sections. This version reads `data-dir`, `storage` and `sync`
/// (`sync.enabled` only); later issues add `mqtt`, `gpio`, `sync` settings and `control`,
/// each as a type with its own `init(reading:)` and a line in `sections` below. Unknown
/// keys anywhere are errors naming them with line and column (and a did-you-mean), since a
/// misspelt key silently ignored is a setting silently not applied.
public struct EdgeConfiguration: Sendable, Hashable {
    /// `data-dir`: where the store keeps its files; nil when not given (the command line's
    /// `--data-dir`, `$KDELTA_DATA_DIR` or `./kdelta-data` then decide). `load(path:)`
    /// makes a relative path relative to the file's folder.
    public var dataDir: String?
    /// `storage`.
    public var storage: StorageConfiguration
    /// `sync`.
    public var sync: SyncConfiguration

    /// Every default: what an empty file means.
    public static let defaults = EdgeConfiguration(dataDir: nil, storage: .defaults, sync: .defaults)

    /// Creates a configuration.
    public init(dataDir: String?, storage: StorageConfiguration, sync: SyncConfiguration) {
        self.dataDir = dataDir
        self.storage = storage
        self.sync = sync
    }

    /// The top-level keys this version reads.
    static let keys = ["data-dir", "storage", "sync"]
    /// Sections that later versions read: named in the error instead of a did-you-mean.
    static let laterSections = ["mqtt", "gpio", "control", "sensors", "hub", "logging", "metrics"]

    /// Reads the configuration file at `path`: at most `ConfigLimits.fileBytesMax` bytes of
    /// UTF-8 YAML. A relative `data-dir` is taken relative to the file's folder, so the
    /// daemon's working directory does not matter.
    public static func load(path: String) throws(ConfigError) -> EdgeConfiguration {
        let text = try ConfigFile.read(path: path)
        var config = try parse(text: text, source: path)
        if let dir = config.dataDir, !dir.hasPrefix("/"), let slash = path.lastIndex(of: "/") {
            let folder = path[..<slash]
            config.dataDir = (folder.isEmpty ? "" : String(folder)) + "/" + dir
        }
        return config
    }

    /// Reads configuration text; `source` names it in errors (a path, or a name such as
    /// `<default configuration>`). An empty text or one with only comments gives the
    /// defaults.
    public static func parse(text: String, source: String) throws(ConfigError) -> EdgeConfiguration {
        let src = ConfigSource(name: source, text: text)
        let root: YAMLNode?
        do {
            root = try YAMLDocument.compose(text)
        } catch {
            throw src.syntaxError(error)
        }
        guard let root else { return .defaults }
        return try EdgeConfiguration(reading: ConfigNode(node: root, path: "", source: src))
    }

    /// Reads the document's top-level mapping.
    init(reading node: ConfigNode) throws(ConfigError) {
        var elsewhere: [String: String] = [:]
        for key in StorageConfiguration.keys { elsewhere[key] = "(it belongs under storage:)" }
        for key in RetentionRule.keys { elsewhere[key] = "(it belongs in a rule under storage: retention:)" }
        for key in Self.laterSections {
            elsewhere[key] = "(the \(key) section is not read by this version of kdelta-edge yet)"
        }
        let m = try node.mapping("a mapping of sections such as `storage:`", allowed: Self.keys, elsewhere: elsewhere)
        self = .defaults
        if let v = m["data-dir"] {
            let dir = try v.text("a folder such as /var/lib/kdelta")
            if dir.hasPrefix("~") {
                throw v.error(.invalidValue, "data-dir '\(dir)' starts with ~, which is not expanded here; write the full path, such as /home/pi/kdelta")
            }
            if dir.utf8.count > ConfigLimits.dataDirBytesMax || dir.utf8.contains(0) || dir.contains("\n") {
                throw v.error(.invalidValue, "data-dir is not a usable path (longer than \(ConfigLimits.dataDirBytesMax) bytes, or with a NUL or a line break)")
            }
            dataDir = dir
        }
        if let v = m["storage"] { storage = try StorageConfiguration(reading: v) }
        if let v = m["sync"] { sync = try SyncConfiguration(reading: v) }
    }
}
