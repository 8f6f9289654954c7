/// What a retention pass decided for one series: its new first kept seq, the rollups of
/// the versions it downsamples, its new rollup floor and what the change drops.
struct SeriesRetentionPlan {
    let series: Series
    /// The new `firstSeq` (unchanged when only rollups expire).
    var floor: UInt64
    /// Rollups of the versions below `floor`, when the policy downsamples.
    var rollups: [Rollup] = []
    /// The LSN range of the versions rolled up.
    var rolledLSNs: ClosedRange<UInt64>? = nil
    /// The new rollup floor.
    var rollupFloorMs: Int64
    /// What this change drops.
    var drops = DropCounts()

    var changesSomething: Bool { floor != series.firstSeq || rollupFloorMs != series.rollupFloorMs || !rollups.isEmpty }
}
