/// How far the hub has acknowledged this store's versions: an input of retention
/// (docs/retention.md, rule 2). Retention drops a version only when its LSN is at or below
/// `acknowledgedLSN`; the overflow policy `drop-oldest` is the one exception.
///
/// Sync (a later issue) supplies a cursor that moves as the hub acknowledges; until then
/// `FixedSyncCursor.nothingAcknowledged` holds everything back, and
/// `FixedSyncCursor.syncDisabled` (configuration `sync.enabled: false`) lets retention drop
/// freely.
public protocol SyncCursor: Sendable {
    /// Every version with an LSN at or below this one is safe at the hub.
    var acknowledgedLSN: UInt64 { get }
}

/// A cursor that does not move.
public struct FixedSyncCursor: SyncCursor {
    public let acknowledgedLSN: UInt64

    public init(acknowledgedLSN: UInt64) {
        self.acknowledgedLSN = acknowledgedLSN
    }

    /// Sync is on but nothing was acknowledged yet: retention drops nothing (the default).
    public static let nothingAcknowledged = FixedSyncCursor(acknowledgedLSN: 0)
    /// There is no hub: every version counts as acknowledged.
    public static let syncDisabled = FixedSyncCursor(acknowledgedLSN: .max)
}
