/// Maintenance since open: block cuts, retention passes, compactions and the disk budget
/// (for `stats`).
struct MaintenanceCounters: Sendable, Equatable {
    var cuts = 0
    /// Cuts the hot tier's budget started that made a block (also counted in `cuts`).
    var budgetCuts = 0
    /// Cuts the hot tier's budget started that failed (also counted in `failures`).
    var cutFailures = 0
    var retentionPasses = 0
    var compactions = 0
    var overflowDrops: UInt64 = 0
    var failures = 0
    var lastError: String? = nil
}
