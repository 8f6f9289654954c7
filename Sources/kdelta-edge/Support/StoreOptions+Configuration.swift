import KDeltaConfig
import KDeltaStorage

extension StoreOptions {
    /// The storage engine's options as the configuration file sets them (docs/config.md):
    /// fsync, the hot-tier budget, retention rules, the disk budget and its overflow
    /// policy, and the sync cursor (nothing acknowledged while sync is on, since there is
    /// no hub yet; everything with `sync.enabled: false`).
    init(configuration c: EdgeConfiguration) throws(StoreError) {
        self.init()
        fsync = try FsyncPolicy(parsing: c.storage.fsync.description)
        hotMemoryBudgetBytes = Int(c.storage.hotMemoryBudget.bytes)
        diskBudget = c.storage.disk
        retention = c.storage.retention
        syncCursor = c.sync.holdsUnacknowledgedData ? FixedSyncCursor.nothingAcknowledged : FixedSyncCursor.syncDisabled
    }
}
