/// One cell's outcome: ours, SQLite's and the ratio.
struct IngestCellResult: Sendable {
    /// The cell.
    var cell: IngestCell
    /// Our store's run.
    var ours: IngestMeasurement
    /// Our store's group-commit and fsync counters for that run.
    var counters: StoreCounters
    /// SQLite's run; nil with --skip-sqlite.
    var sqlite: IngestMeasurement?

    /// Our readings/s over SQLite's; nil without a SQLite run.
    var ratio: Double? {
        guard let s = sqlite?.readingsPerSecond, s > 0 else { return nil }
        return ours.readingsPerSecond / s
    }
}
