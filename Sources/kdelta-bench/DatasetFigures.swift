/// What `kdelta-bench compress` measured for one CSV file (or, summed, one folder).
struct DatasetFigures {
    /// "folder/file", or "folder/ (all files)" for a folder's sum.
    var name: String
    var folder: String
    /// Readings present in all series.
    var readings: Int
    var series: [SeriesFigures]
    /// Our columns' bytes.
    var oursTimeBytes = 0
    var oursValueBytes = 0
    /// Gorilla's stream bytes and the bits of it that code values.
    var gorillaBytes = 0
    var gorillaValueBits = 0
    /// The SQLite file's bytes (nil when skipped) and rows that duplicated a (series, time)
    /// key and were not stored.
    var sqliteBytes: Int? = nil
    var sqliteDuplicates = 0
    /// The CSV text's bytes, and compressed by zstd (nil when skipped).
    var csvBytes = 0
    var zstdBytes: Int? = nil
    var zstdCached = false
    /// Nanoseconds of one pass: our encode (both columns), our decode of the time and of the
    /// value columns, Gorilla's encode and decode.
    var oursEncodeNs: Double = 0
    var oursTimeDecodeNs: Double = 0
    var oursValueDecodeNs: Double = 0
    var gorillaEncodeNs: Double = 0
    var gorillaDecodeNs: Double = 0

    private func per(_ bytes: Int) -> Double { Double(bytes) / Double(max(1, readings)) }
    private func rate(_ ns: Double) -> Double { ns > 0 ? Double(readings) / ns * 1e9 : .nan }

    var oursPerReading: Double { per(oursTimeBytes + oursValueBytes) }
    var oursValuesPerReading: Double { per(oursValueBytes) }
    var gorillaPerReading: Double { per(gorillaBytes) }
    var gorillaValuesPerReading: Double { Double(gorillaValueBits) / 8 / Double(max(1, readings)) }
    var sqlitePerReading: Double? { sqliteBytes.map(per) }
    var zstdPerReading: Double? { zstdBytes.map(per) }
    var oursEncodeRate: Double { rate(oursEncodeNs) }
    var oursDecodeRate: Double { rate(oursTimeDecodeNs + oursValueDecodeNs) }
    /// Values per second of each column's decode alone.
    var oursTimeDecodeRate: Double { rate(oursTimeDecodeNs) }
    var oursValueDecodeRate: Double { rate(oursValueDecodeNs) }
    var gorillaEncodeRate: Double { rate(gorillaEncodeNs) }
    var gorillaDecodeRate: Double { rate(gorillaDecodeNs) }

    /// The sum of `parts` (a folder): sizes add up, times add up.
    static func sum(name: String, folder: String, _ parts: [DatasetFigures]) -> DatasetFigures {
        var s = DatasetFigures(name: name, folder: folder, readings: 0, series: [])
        var sqliteComplete = true
        var zstdComplete = true
        var sqlite = 0
        var zstd = 0
        for p in parts {
            s.readings += p.readings
            s.oursTimeBytes += p.oursTimeBytes
            s.oursValueBytes += p.oursValueBytes
            s.gorillaBytes += p.gorillaBytes
            s.gorillaValueBits += p.gorillaValueBits
            s.csvBytes += p.csvBytes
            s.sqliteDuplicates += p.sqliteDuplicates
            if let b = p.sqliteBytes { sqlite += b } else { sqliteComplete = false }
            if let b = p.zstdBytes { zstd += b } else { zstdComplete = false }
            s.zstdCached = s.zstdCached || p.zstdCached
            s.oursEncodeNs += p.oursEncodeNs
            s.oursTimeDecodeNs += p.oursTimeDecodeNs
            s.oursValueDecodeNs += p.oursValueDecodeNs
            s.gorillaEncodeNs += p.gorillaEncodeNs
            s.gorillaDecodeNs += p.gorillaDecodeNs
        }
        s.sqliteBytes = sqliteComplete ? sqlite : nil
        s.zstdBytes = zstdComplete ? zstd : nil
        return s
    }
}
