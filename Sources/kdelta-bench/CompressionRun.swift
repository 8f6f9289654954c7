import KDeltaCodec
import SensorDatasets

/// Measures one dataset: our columns and Gorilla on every series (sizes, encode and decode
/// speed, each decode checked bit for bit), SQLite's file and zstd's CSV size.
enum CompressionRun {
    /// Passes repeat until they took this much CPU time, so small files give stable rates.
    static let timingNsMin: UInt64 = 200_000_000

    static func measure(
        _ dataset: SensorDataset, sqliteDirectory: String?, zstdLevel: Int32?, zstdCache: inout ZstdSizeCache
    ) throws -> DatasetFigures {
        var f = DatasetFigures(name: dataset.name, folder: dataset.folder, readings: dataset.readings, series: [])
        f.csvBytes = dataset.textBytes
        var timeColumns: [[UInt8]] = []
        var valueColumns: [[UInt8]] = []
        var gorilla: [GorillaReference.Encoded] = []
        for s in dataset.series {
            let t = TimeColumn.encode(s.timesMs)
            let v = DoubleColumn.encode(s.values)
            let g = GorillaReference.encode(times: s.timesMs, values: s.values)
            try check(s, t, v, g, dataset: dataset.name)
            timeColumns.append(t)
            valueColumns.append(v)
            gorilla.append(g)
            f.series.append(SeriesFigures(
                name: s.name, readings: s.count, typicalTextDecimals: s.typicalTextDecimals,
                oursTimeBytes: t.count, oursValueBytes: v.count, gorillaTimeBits: g.timeBits, gorillaValueBits: g.valueBits))
            f.oursTimeBytes += t.count
            f.oursValueBytes += v.count
            f.gorillaBytes += g.bytes.count
            f.gorillaValueBits += g.valueBits
        }
        let series = dataset.series
        f.oursEncodeNs = time {
            var n = 0
            for s in series { n &+= TimeColumn.encode(s.timesMs).count &+ DoubleColumn.encode(s.values).count }
            return n
        }
        f.oursTimeDecodeNs = time {
            var n = 0
            for (i, s) in series.enumerated() {
                n &+= timeColumns[i].withUnsafeBytes { (try? TimeColumn.decode($0, count: s.count))?.count ?? 0 }
            }
            return n
        }
        f.oursValueDecodeNs = time {
            var n = 0
            for (i, s) in series.enumerated() {
                n &+= valueColumns[i].withUnsafeBytes { (try? DoubleColumn.decode($0, count: s.count))?.count ?? 0 }
            }
            return n
        }
        f.gorillaEncodeNs = time {
            var n = 0
            for s in series { n &+= GorillaReference.encode(times: s.timesMs, values: s.values).bytes.count }
            return n
        }
        f.gorillaDecodeNs = time {
            var n = 0
            for (i, s) in series.enumerated() { n &+= GorillaReference.decode(gorilla[i].bytes, count: s.count).values.count }
            return n
        }
        if let sqliteDirectory {
            let path = sqliteDirectory + "/" + dataset.file.replacingDots() + ".db"
            let (bytes, duplicates) = try SQLiteSizeRunner.measure(series: series.map { ($0.timesMs, $0.values) }, path: path)
            BenchFiles.removeTree(path)
            f.sqliteBytes = bytes
            f.sqliteDuplicates = duplicates
        }
        if let zstdLevel {
            let (bytes, cached) = try zstdCache.size(of: dataset.text, level: zstdLevel)
            f.zstdBytes = bytes
            f.zstdCached = cached
        }
        return f
    }

    /// Both codecs must give back every time and every value's bit pattern.
    private static func check(_ s: SensorSeries, _ t: [UInt8], _ v: [UInt8], _ g: GorillaReference.Encoded, dataset: String) throws {
        let times: [Int64]
        let values: [Double]
        do {
            times = try t.withUnsafeBytes { raw throws(CodecError) in try TimeColumn.decode(raw, count: s.count) }
            values = try v.withUnsafeBytes { raw throws(CodecError) in try DoubleColumn.decode(raw, count: s.count) }
        } catch {
            throw BenchError("\(dataset) \(s.name): our decoder failed: \(error)")
        }
        guard times == s.timesMs else { throw BenchError("\(dataset) \(s.name): TimeColumn did not round-trip") }
        guard values.map(\.bitPattern) == s.values.map(\.bitPattern) else {
            throw BenchError("\(dataset) \(s.name): DoubleColumn did not round-trip")
        }
        let back = GorillaReference.decode(g.bytes, count: s.count)
        guard back.times == s.timesMs, back.values.map(\.bitPattern) == s.values.map(\.bitPattern) else {
            throw BenchError("\(dataset) \(s.name): the Gorilla reference did not round-trip")
        }
    }

    /// Nanoseconds per pass of `body`, repeated until `timingNsMin` passed.
    private static func time(_ body: () -> Int) -> Double {
        var passes = 0
        var sink = 0
        let start = ThreadCPUClock.nowNs()
        var now = start
        repeat {
            sink &+= body()
            passes += 1
            now = ThreadCPUClock.nowNs()
        } while now - start < timingNsMin
        if sink == -1 { Console.progress("") }
        return Double(now - start) / Double(passes)
    }
}

extension String {
    /// The name with dots replaced, for a file name derived from it.
    func replacingDots() -> String { String(map { $0 == "." ? "_" : $0 }) }
}
