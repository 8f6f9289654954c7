import ArgumentParser
import KDeltaCodec
import SensorDatasets

/// `kdelta-bench compress`: our column codecs against Gorilla, SQLite and zstd on every
/// series of the real datasets, sizes and speeds measured in the same run.
struct CompressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compress",
        abstract: "Bytes per reading and encode/decode speed of TimeColumn + DoubleColumn against Gorilla, SQLite and zstd -19 of the CSV, on every dataset of shared/data.")

    @Option(help: "The datasets folder (default: ../shared/data, as the repository sits beside shared/).")
    var data: String = "../shared/data"

    @Flag(help: "Print one JSON object (every file, folder and series); progress goes to stderr.")
    var json = false

    @Option(name: .customLong("json-file"), help: "Also write the JSON report to this file.")
    var jsonFile: String?

    @Flag(help: "List every series in the text report, not only the costliest.")
    var series = false

    @Option(name: .customLong("only"), help: "Only files whose \"folder/file\" contains this text; repeatable.")
    var only: [String] = []

    @Option(name: .customLong("zstd-level"), help: "zstd level for the CSV text (default 19; 0 skips zstd).")
    var zstdLevel: Int32 = 19

    @Option(name: .customLong("zstd-cache"), help: "File that keeps zstd sizes by content checksum, so reruns skip minutes of zstd -19 (default /var/tmp/kdelta-bench-zstd-sizes.tsv; \"\" disables).")
    var zstdCache: String = "/var/tmp/kdelta-bench-zstd-sizes.tsv"

    @Flag(name: .customLong("skip-sqlite"), help: "Skip building the SQLite files.")
    var skipSQLite = false

    @Option(help: "Parent of the run's directory for the SQLite files (default /var/tmp).")
    var dir: String?

    /// Point decodes timed for the single-value figure.
    static let pointDecodes = 200_000

    func validate() throws {
        if zstdLevel < 0 || zstdLevel > 22 { throw ValidationError("--zstd-level must be 0...22") }
    }

    func run() throws {
        let machine = MachineInfo.current()
        let names: [String]
        do { names = try SensorDatasets.files(in: data) } catch {
            throw BenchError("\(error); pass --data with the datasets folder (shared/data)")
        }
        let selected = names.filter { n in only.isEmpty || only.contains { n.contains($0) } }
        guard !selected.isEmpty else { throw BenchError("no CSV files under \(data) match") }
        let runDir = skipSQLite ? nil : try BenchFiles.makeRunDirectory(parent: dir ?? BenchFiles.defaultParent())
        defer { if let runDir { BenchFiles.removeTree(runDir) } }
        if machine.loadAverageStart > 0.5 {
            Console.progress("warning: load average \(NumberText.fixed(machine.loadAverageStart, 2)) at start: speeds will be noisy (sizes are exact)")
        }
        var cache = ZstdSizeCache(path: zstdCache.isEmpty ? nil : zstdCache)
        var files: [DatasetFigures] = []
        var largest: (name: String, times: [Int64], values: [Double]) = ("", [], [])
        for name in selected {
            Console.progress("reading \(name)")
            let dataset: SensorDataset
            do { dataset = try SensorDatasets.read(directory: data, file: name, keepText: zstdLevel > 0) } catch {
                throw BenchError("\(error)")
            }
            Console.progress("measuring \(name): \(dataset.series.count) series, \(NumberText.grouped(dataset.readings)) readings\(zstdLevel >= 19 && dataset.textBytes > 10_000_000 ? " (zstd -\(zstdLevel) of \(NumberText.mebibytes(dataset.textBytes)) takes minutes unless cached)" : "")")
            let f = try CompressionRun.measure(dataset, sqliteDirectory: runDir, zstdLevel: zstdLevel > 0 ? zstdLevel : nil, zstdCache: &cache)
            files.append(f)
            Console.progress("  ours \(NumberText.fixed(f.oursPerReading, 3)) B/r, Gorilla \(NumberText.fixed(f.gorillaPerReading, 3)) B/r, SQLite \(f.sqlitePerReading.map { NumberText.fixed($0, 3) } ?? "-"), zstd \(f.zstdPerReading.map { NumberText.fixed($0, 3) } ?? "-")")
            for s in dataset.series where s.count > largest.times.count { largest = (name + " " + s.name, s.timesMs, s.values) }
        }
        var folders: [DatasetFigures] = []
        var seen: [String] = []
        for f in files where !seen.contains(f.folder) {
            seen.append(f.folder)
            folders.append(DatasetFigures.sum(name: f.folder + "/", folder: f.folder, files.filter { $0.folder == f.folder }))
        }
        let (pointTime, pointValue, pointRange) = pointDecodeNs(times: largest.times, values: largest.values)
        let report = CompressReport(
            machine: machine, loadAverageEnd: MachineInfo.loadAverage(), dataDirectory: data,
            zstdLevel: zstdLevel > 0 ? zstdLevel : nil, zstdVersion: Zstd.libraryVersion,
            files: files, folders: folders, pointTimeNs: pointTime, pointValueNs: pointValue, pointRangeNs: pointRange,
            pointSeries: largest.name)
        let jsonText = report.json().render() + "\n"
        if let jsonFile, !BenchFiles.writeNewFile(jsonFile, jsonText) {
            throw BenchError("cannot write the JSON report to \(jsonFile): \(BenchFiles.errnoText())")
        }
        print(json ? jsonText : report.text(seriesDetail: series), terminator: "")
    }

    /// CPU nanoseconds to decode one value at a random position: `value(at:)` of each
    /// column (what a point read, `get(at:)` after its time search, pays in a warm block)
    /// and DoubleColumn's `decode(range: i..<i+1)` (the same plus an array).
    private func pointDecodeNs(times: [Int64], values: [Double]) -> (Double, Double, Double) {
        guard !times.isEmpty else { return (.nan, .nan, .nan) }
        let t = TimeColumn.encode(times)
        let v = DoubleColumn.encode(values)
        var random = SplitMix64(seed: 5)
        let positions = (0..<Self.pointDecodes).map { _ in Int.random(in: 0..<times.count, using: &random) }
        func measure(_ bytes: [UInt8], _ decode: (UnsafeRawBufferPointer, Int) -> Int) -> Double {
            bytes.withUnsafeBytes { raw in
                var sink = 0
                let start = ThreadCPUClock.nowNs()
                for p in positions { sink &+= decode(raw, p) }
                let ns = Double(ThreadCPUClock.nowNs() - start) / Double(positions.count)
                if sink == Int.min { Console.progress("") }
                return ns
            }
        }
        let n = times.count
        let timeNs = measure(t) { raw, p in Int(truncatingIfNeeded: (try? TimeColumn.value(raw, count: n, at: p)) ?? 0) }
        let valueNs = measure(v) { raw, p in Int((try? DoubleColumn.value(raw, count: n, at: p)) ?? 0) }
        let rangeNs = measure(v) { raw, p in Int((try? DoubleColumn.decode(raw, count: n, range: p..<(p + 1)))?.first ?? 0) }
        return (timeNs, valueNs, rangeNs)
    }
}
