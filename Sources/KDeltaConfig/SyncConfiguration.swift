/// The `sync` section: upstream sync to the hub (issue 5 and later add the hub's address,
/// credentials and intervals). For now it says only whether sync is on, which decides what
/// retention may drop (docs/retention.md).
public struct SyncConfiguration: Sendable, Hashable {
    /// `sync.enabled`; nil when not given, which counts as enabled.
    public var enabled: Bool?

    /// Sync as the defaults have it: not configured, so counted as enabled.
    public static let defaults = SyncConfiguration(enabled: nil)

    /// Creates the section.
    public init(enabled: Bool?) {
        self.enabled = enabled
    }

    /// True unless sync is explicitly off: then data the hub has not acknowledged is
    /// dropped only by the overflow policy, never by retention rules. With
    /// `enabled: false` there is no hub to wait for, and retention drops freely.
    public var holdsUnacknowledgedData: Bool { enabled ?? true }

    /// The keys of the section.
    static let keys = ["enabled"]

    /// Reads the section.
    init(reading node: ConfigNode) throws(ConfigError) {
        let m = try node.mapping("a mapping such as `enabled: false`", allowed: Self.keys)
        self.enabled = try m["enabled"]?.bool()
    }
}
