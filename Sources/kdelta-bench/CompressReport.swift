/// Everything `kdelta-bench compress` measured, as a table or as one JSON object, with the
/// issue's targets checked: the median over datasets of our bytes per reading (times and
/// values) at most 1.0, and ours below Gorilla on every dataset.
struct CompressReport {
    let machine: MachineInfo
    let loadAverageEnd: Double
    let dataDirectory: String
    let zstdLevel: Int32?
    let zstdVersion: String
    /// One entry per CSV file, then one per folder (their sums).
    let files: [DatasetFigures]
    let folders: [DatasetFigures]
    /// CPU nanoseconds to decode one value at a random position of the largest series:
    /// `value(at:)` per column, and DoubleColumn's `decode(range: i..<i+1)`.
    let pointTimeNs: Double
    let pointValueNs: Double
    let pointRangeNs: Double
    let pointSeries: String
    /// The per-reading target for our codec.
    static let targetBytesPerReading = 1.0

    static func median(_ xs: [Double]) -> Double {
        let s = xs.filter { $0.isFinite }.sorted()
        if s.isEmpty { return .nan }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// The medians of a metric over files and over folders.
    func medians(_ metric: (DatasetFigures) -> Double?) -> (files: Double, folders: Double) {
        (Self.median(files.compactMap(metric)), Self.median(folders.compactMap(metric)))
    }

    /// Datasets where our bytes per reading are not below Gorilla's.
    var notBelowGorilla: [String] { (files + folders).filter { $0.oursPerReading >= $0.gorillaPerReading }.map(\.name) }

    private static func b(_ x: Double?) -> String { x.map { NumberText.fixed($0, 3) } ?? "n/a" }
    private static func m(_ x: Double) -> String { NumberText.fixed(x / 1e6, 1) }

    private func table(_ rows: [DatasetFigures]) -> String {
        var t = TextTable([
            ("dataset", .left), ("readings", .right), ("series", .right),
            ("ours t+v", .right), ("ours v", .right), ("Gorilla t+v", .right), ("Gorilla v", .right),
            ("SQLite", .right), ("zstd CSV", .right),
            ("ours enc M/s", .right), ("ours dec M/s", .right), ("Gor enc M/s", .right), ("Gor dec M/s", .right),
        ])
        for f in rows {
            t.add([
                f.name, NumberText.grouped(f.readings), String(f.series.isEmpty ? rows.filter { $0.folder == f.folder }.count : f.series.count),
                Self.b(f.oursPerReading), Self.b(f.oursValuesPerReading), Self.b(f.gorillaPerReading), Self.b(f.gorillaValuesPerReading),
                Self.b(f.sqlitePerReading), Self.b(f.zstdPerReading),
                Self.m(f.oursEncodeRate), Self.m(f.oursDecodeRate), Self.m(f.gorillaEncodeRate), Self.m(f.gorillaDecodeRate),
            ])
        }
        return t.render()
    }

    /// The report as text: per file, per folder, medians, targets, the costliest series.
    func text(seriesDetail: Bool) -> String {
        var out = "kdelta-bench compress: bytes per reading (B/r) and readings per CPU second (M/s = millions), \(dataDirectory)\n"
        out += "machine: \(machine.cpus) CPUs, \(machine.kernel)\(machine.cpuModel.isEmpty ? "" : ", " + machine.cpuModel); load \(NumberText.fixed(machine.loadAverageStart, 2)) -> \(NumberText.fixed(loadAverageEnd, 2)); commit \(machine.gitCommit ?? "?")\(machine.gitDirty ? " (dirty)" : "")\n"
        out += "ours = TimeColumn + DoubleColumn (frames of 128); Gorilla = the paper's coder, one stream per series; SQLite \(machine.sqliteVersion) = (series, time, value) WITHOUT ROWID after VACUUM; zstd CSV = the file's CSV text at level \(zstdLevel.map(String.init) ?? "-") (zstd \(zstdVersion))\n\n"
        out += "Per file:\n" + table(files) + "\nPer folder (the folder's files together):\n" + table(folders) + "\n"
        let rows: [(String, (DatasetFigures) -> Double?)] = [
            ("ours t+v", { $0.oursPerReading }), ("ours v", { $0.oursValuesPerReading }),
            ("Gorilla t+v", { $0.gorillaPerReading }), ("Gorilla v", { $0.gorillaValuesPerReading }),
            ("SQLite", { $0.sqlitePerReading }), ("zstd CSV", { $0.zstdPerReading }),
        ]
        var t = TextTable([("median B/r", .left), ("over \(files.count) files", .right), ("over \(folders.count) folders", .right)])
        for (name, metric) in rows {
            let (a, b) = medians(metric)
            t.add([name, Self.b(a), Self.b(b)])
        }
        out += t.render() + "\n"
        let (mf, mo) = medians { $0.oursPerReading }
        out += "target: median ours t+v <= \(NumberText.fixed(Self.targetBytesPerReading, 1)) B/r: over files \(Self.b(mf)) (\(mf <= Self.targetBytesPerReading ? "met" : "MISSED")), over folders \(Self.b(mo)) (\(mo <= Self.targetBytesPerReading ? "met" : "MISSED"))\n"
        let worse = notBelowGorilla
        out += "target: ours below Gorilla on every dataset: \(worse.isEmpty ? "met" : "MISSED on " + worse.joined(separator: ", "))\n"
        out += "one value at a random position of \(pointSeries), CPU time: value(at:) TimeColumn \(NumberText.fixed(pointTimeNs, 0)) ns, DoubleColumn \(NumberText.fixed(pointValueNs, 0)) ns; DoubleColumn decode(range: i..<i+1) \(NumberText.fixed(pointRangeNs, 0)) ns\n"
        out += "speeds are readings per CPU second of one thread (M/s = millions); ours dec = TimeColumn + DoubleColumn decode\n\n"
        var all: [(String, SeriesFigures)] = []
        for f in files { for s in f.series { all.append((f.name, s)) } }
        if seriesDetail {
            out += "Per series:\n" + seriesTable(all) + "\n"
        } else {
            let costly = all.sorted { $0.1.oursPerReading > $1.1.oursPerReading }.prefix(12)
            out += "Costliest series (--series lists all):\n" + seriesTable(Array(costly)) + "\n"
        }
        return out
    }

    private func seriesTable(_ rows: [(String, SeriesFigures)]) -> String {
        var t = TextTable([
            ("dataset", .left), ("series", .left), ("readings", .right), ("text decimals", .right),
            ("ours t", .right), ("ours v", .right), ("Gorilla t", .right), ("Gorilla v", .right),
        ])
        for (d, s) in rows {
            let n = Double(max(1, s.readings))
            t.add([
                d, s.name, NumberText.grouped(s.readings), String(s.typicalTextDecimals),
                Self.b(Double(s.oursTimeBytes) / n), Self.b(s.oursValuesPerReading),
                Self.b(Double(s.gorillaTimeBits) / 8 / n), Self.b(s.gorillaValuesPerReading),
            ])
        }
        return t.render()
    }

    private func json(_ f: DatasetFigures) -> JSONOutput {
        var members: [(String, JSONOutput)] = [
            ("name", .string(f.name)), ("folder", .string(f.folder)), ("readings", .int(f.readings)),
            ("csvBytes", .int(f.csvBytes)),
            ("oursTimeBytes", .int(f.oursTimeBytes)), ("oursValueBytes", .int(f.oursValueBytes)),
            ("gorillaBytes", .int(f.gorillaBytes)), ("gorillaValueBits", .int(f.gorillaValueBits)),
            ("sqliteBytes", f.sqliteBytes.map { .int($0) } ?? .null), ("sqliteDuplicateKeys", .int(f.sqliteDuplicates)),
            ("zstdBytes", f.zstdBytes.map { .int($0) } ?? .null), ("zstdCached", .bool(f.zstdCached)),
            ("bytesPerReading", .object([
                ("oursTimesAndValues", .number(f.oursPerReading, decimals: 4)),
                ("oursValues", .number(f.oursValuesPerReading, decimals: 4)),
                ("gorillaTimesAndValues", .number(f.gorillaPerReading, decimals: 4)),
                ("gorillaValues", .number(f.gorillaValuesPerReading, decimals: 4)),
                ("sqlite", .number(f.sqlitePerReading, decimals: 4)),
                ("zstdCSV", .number(f.zstdPerReading, decimals: 4)),
            ])),
            ("readingsPerSecond", .object([
                ("oursEncode", .number(f.oursEncodeRate, decimals: 0)),
                ("oursDecode", .number(f.oursDecodeRate, decimals: 0)),
                ("oursTimeColumnDecode", .number(f.oursTimeDecodeRate, decimals: 0)),
                ("oursValueColumnDecode", .number(f.oursValueDecodeRate, decimals: 0)),
                ("gorillaEncode", .number(f.gorillaEncodeRate, decimals: 0)),
                ("gorillaDecode", .number(f.gorillaDecodeRate, decimals: 0)),
            ])),
        ]
        if !f.series.isEmpty {
            members.append(("series", .array(f.series.map { s in
                .object([
                    ("name", .string(s.name)), ("readings", .int(s.readings)), ("typicalTextDecimals", .int(s.typicalTextDecimals)),
                    ("oursTimeBytes", .int(s.oursTimeBytes)), ("oursValueBytes", .int(s.oursValueBytes)),
                    ("gorillaTimeBits", .int(s.gorillaTimeBits)), ("gorillaValueBits", .int(s.gorillaValueBits)),
                ])
            })))
        }
        return .object(members)
    }

    /// The report as one JSON object.
    func json() -> JSONOutput {
        func medianObject(_ metric: @escaping (DatasetFigures) -> Double?) -> JSONOutput {
            let (a, b) = medians(metric)
            return .object([("overFiles", .number(a, decimals: 4)), ("overFolders", .number(b, decimals: 4))])
        }
        let (mf, mo) = medians { $0.oursPerReading }
        return .object([
            ("benchmark", .string("compress")),
            ("machine", .object([
                ("cpus", .int(machine.cpus)), ("kernel", .string(machine.kernel)), ("cpuModel", .string(machine.cpuModel)),
                ("loadAverageStart", .number(machine.loadAverageStart, decimals: 2)), ("loadAverageEnd", .number(loadAverageEnd, decimals: 2)),
                ("gitCommit", .string(machine.gitCommit)), ("gitDirty", .bool(machine.gitDirty)),
                ("sqliteVersion", .string(machine.sqliteVersion)), ("zstdVersion", .string(zstdVersion)),
            ])),
            ("dataDirectory", .string(dataDirectory)),
            ("zstdLevel", zstdLevel.map { .int(Int($0)) } ?? .null),
            ("files", .array(files.map(json))),
            ("folders", .array(folders.map(json))),
            ("medianBytesPerReading", .object([
                ("oursTimesAndValues", medianObject { $0.oursPerReading }),
                ("oursValues", medianObject { $0.oursValuesPerReading }),
                ("gorillaTimesAndValues", medianObject { $0.gorillaPerReading }),
                ("gorillaValues", medianObject { $0.gorillaValuesPerReading }),
                ("sqlite", medianObject { $0.sqlitePerReading }),
                ("zstdCSV", medianObject { $0.zstdPerReading }),
            ])),
            ("pointDecodeNs", .object([
                ("series", .string(pointSeries)), ("timeColumnValueAt", .number(pointTimeNs, decimals: 1)),
                ("doubleColumnValueAt", .number(pointValueNs, decimals: 1)), ("doubleColumnRangeOfOne", .number(pointRangeNs, decimals: 1)),
            ])),
            ("targets", .object([
                ("medianOursBytesPerReadingMax", .number(Self.targetBytesPerReading, decimals: 2)),
                ("metOverFiles", .bool(mf <= Self.targetBytesPerReading)),
                ("metOverFolders", .bool(mo <= Self.targetBytesPerReading)),
                ("oursNotBelowGorilla", .array(notBelowGorilla.map { .string($0) })),
            ])),
        ])
    }
}
