/// How long one run of a cell goes on: until `durationNs` has passed or `readingsMax`
/// readings were written, whichever comes first. Fsync-bound cells (always, batch 1) end
/// by time; fast ones may end by count.
struct CellBudget: Sendable {
    /// Wall time of one run.
    var durationNs: UInt64
    /// Readings of one run at most (all producers together).
    var readingsMax: Int
}
