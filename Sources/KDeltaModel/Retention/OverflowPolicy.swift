/// What the store does when the disk budget (or the disk itself) is full and retention has
/// nothing left it may drop (docs/retention.md).
public enum OverflowPolicy: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Refuse new readings with an error until space is freed: nothing stored is lost, and
    /// producers see back-pressure (MQTT messages stay unacknowledged at the broker). The
    /// default: losing new data loudly beats losing old data quietly.
    case stopIngest = "stop-ingest"
    /// Drop the oldest data, even data the hub has not acknowledged, to make room: ingest
    /// goes on. Every drop is counted per series and reason and shows in `status`.
    case dropOldest = "drop-oldest"

    /// The default policy.
    public static let `default` = OverflowPolicy.stopIngest

    /// The name used in configuration: `stop-ingest`, `drop-oldest`.
    public var description: String { rawValue }
}
