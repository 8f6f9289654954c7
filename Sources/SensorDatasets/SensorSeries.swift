/// One measured series of a dataset: a value column of one CSV file, with the readings
/// that are present (missing cells, `?` or empty, are skipped).
public struct SensorSeries: Sendable {
    /// The value column's header text.
    public var name: String
    /// Reading times, Unix milliseconds, in file order.
    public var timesMs: [Int64]
    /// Reading values, parsed from the decimal text (correctly rounded).
    public var values: [Double]
    /// How many readings had each count of decimals in their text (index = digits after
    /// the point; the last entry counts 20 or more): "234.840" counts 3, "19.890000000000001"
    /// counts 15.
    public var textDecimals: [Int]
    /// Cells that were missing (`?` or empty) and skipped.
    public var missing: Int

    /// An empty series named `name`.
    public init(name: String) {
        self.name = name
        timesMs = []
        values = []
        textDecimals = Array(repeating: 0, count: SensorSeries.textDecimalsMax + 1)
        missing = 0
    }

    /// The largest decimal count `textDecimals` tells apart.
    public static let textDecimalsMax = 20

    /// Readings present.
    public var count: Int { values.count }

    /// The decimal count most readings use.
    public var typicalTextDecimals: Int {
        var best = 0
        for (d, n) in textDecimals.enumerated() where n > textDecimals[best] { best = d }
        return best
    }
}
