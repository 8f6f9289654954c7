/// One CSV file of sensor data, read into series (one per measured value column).
public struct SensorDataset: Sendable {
    /// The folder under the data directory, e.g. "uci-household-power".
    public var folder: String
    /// The file name, e.g. "minute_household_power.csv.xz".
    public var file: String
    /// The full path read.
    public var path: String
    /// Data rows (header and blank lines excluded).
    public var rows: Int
    /// The uncompressed CSV text, when it was kept (for comparing with general-purpose
    /// compressors); empty otherwise.
    public var text: [UInt8]
    /// Bytes of uncompressed CSV text.
    public var textBytes: Int
    /// The measured series, in column order. Computed columns are left out (see
    /// `SensorDatasets.isComputedColumn`).
    public var series: [SensorSeries]
    /// Value columns left out as computed, not measured.
    public var skippedColumns: [String]

    /// Readings in all series.
    public var readings: Int { series.reduce(0) { $0 + $1.count } }

    /// "folder/file".
    public var name: String { folder + "/" + file }
}
