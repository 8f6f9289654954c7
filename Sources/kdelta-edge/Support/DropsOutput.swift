import KDeltaModel
import KDeltaStorage

/// Drop counts as `stats` and `compact` print them (docs/cli.md).
enum DropsOutput {
    /// `90 by retention, 354 downsampled, 0 by overflow, 2 rollups expired`.
    static func text(_ d: DropCounts) -> String {
        "\(d.retention) by retention, \(d.downsampled) downsampled, \(d.overflow) by overflow, \(d.rollupsExpired) rollups expired"
    }

    /// `{"retention":…,"downsampled":…,"overflow":…,"rollupsExpired":…}` plus `extra`.
    static func json(_ d: DropCounts, extra: [(String, JSONValue)] = []) -> JSONValue {
        .object([
            ("retention", .int(Int64(d.retention))), ("downsampled", .int(Int64(d.downsampled))),
            ("overflow", .int(Int64(d.overflow))), ("rollupsExpired", .int(Int64(d.rollupsExpired))),
        ] + extra)
    }
}
