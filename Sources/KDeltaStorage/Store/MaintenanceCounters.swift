/// Background maintenance since open: retention passes, compactions and the disk budget
/// (for `stats`).
struct MaintenanceCounters: Sendable, Equatable {
    var retentionPasses = 0
    var compactions = 0
    var overflowDrops: UInt64 = 0
    var failures = 0
    var lastError: String? = nil
}
