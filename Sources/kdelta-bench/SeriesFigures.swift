/// What `kdelta-bench compress` measured for one series.
struct SeriesFigures {
    /// The value column's name.
    var name: String
    /// Readings present.
    var readings: Int
    /// The decimal count most of its readings' text uses.
    var typicalTextDecimals: Int
    /// Bytes of our TimeColumn and DoubleColumn.
    var oursTimeBytes: Int
    var oursValueBytes: Int
    /// Bits of the Gorilla stream spent on times and on values.
    var gorillaTimeBits: Int
    var gorillaValueBits: Int

    /// Our bytes per reading, times and values.
    var oursPerReading: Double { Double(oursTimeBytes + oursValueBytes) / Double(max(1, readings)) }
    /// Our value bytes per reading.
    var oursValuesPerReading: Double { Double(oursValueBytes) / Double(max(1, readings)) }
    /// Gorilla's value bytes per reading.
    var gorillaValuesPerReading: Double { Double(gorillaValueBits) / 8 / Double(max(1, readings)) }
}
