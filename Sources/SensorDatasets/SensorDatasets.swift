#if canImport(Glibc)
import Glibc
#endif

/// Reads the real sensor datasets of shared/data (see its README.md and each folder's
/// PROVENANCE.txt) into series: one per (file, measured value column), times in Unix
/// milliseconds, values parsed from their decimal text. Missing cells (`?`, empty) are
/// skipped; columns that are computed rather than measured are left out.
public enum SensorDatasets {
    /// The CSV files (`.csv`, `.csv.xz`) under `directory`, one folder deep, sorted by
    /// folder and name: "folder/file" relative paths.
    public static func files(in directory: String) throws(SensorDataError) -> [String] {
        var out: [String] = []
        for folder in try entries(of: directory) where isDirectory(directory + "/" + folder) {
            for file in try entries(of: directory + "/" + folder) where file.hasSuffix(".csv") || file.hasSuffix(".csv.xz") {
                out.append(folder + "/" + file)
            }
        }
        return out.sorted()
    }

    /// True for columns the data README names as computed, not measured: pvlib's
    /// `*clearsky*` and `zenith` columns, and the appliances dataset's random `rv1`/`rv2`.
    public static func isComputedColumn(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.contains("clearsky") || lower.contains("zenith") || lower == "rv1" || lower == "rv2"
    }

    /// Reads `directory/relativePath` ("folder/file"). With `keepText`, the uncompressed
    /// CSV text is kept in the result; with `rowsMax`, only the first data rows are read.
    public static func read(directory: String, file relativePath: String, keepText: Bool = false, rowsMax: Int = .max) throws(SensorDataError) -> SensorDataset {
        let path = directory + "/" + relativePath
        let parts = relativePath.split(separator: "/", maxSplits: 1).map(String.init)
        let folder = parts.count == 2 ? parts[0] : ""
        let file = parts.count == 2 ? parts[1] : relativePath
        let text = try FileBytes.read(path)
        var result: Result<SensorDataset, SensorDataError> = .failure(SensorDataError(""))
        text.withUnsafeBufferPointer { bytes in
            do throws(SensorDataError) {
                var dataset = try parse(bytes, path: path, rowsMax: rowsMax)
                dataset.folder = folder
                dataset.file = file
                dataset.textBytes = text.count
                result = .success(dataset)
            } catch {
                result = .failure(error)
            }
        }
        var dataset = try result.get()
        if keepText { dataset.text = text }
        return dataset
    }

    /// Parses CSV text: the header names the columns; the first column (or the first two,
    /// `Date` and `Time`) holds the time.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, path: String, rowsMax: Int = .max) throws(SensorDataError) -> SensorDataset {
        var scanner = CSVScanner(bytes)
        var cells: [CSVScanner.Cell] = []
        guard try scanner.nextRow(into: &cells) else { throw SensorDataError("\(path): no header line") }
        let names = cells.map { scanner.text(of: $0) }
        let splitDateTime = names.count >= 2 && names[0].lowercased() == "date" && names[1].lowercased() == "time"
        let firstValue = splitDateTime ? 2 : 1
        var columns: [Int] = []
        var skipped: [String] = []
        for c in firstValue..<max(firstValue, names.count) {
            if isComputedColumn(names[c]) { skipped.append(names[c]) } else { columns.append(c) }
        }
        var series = columns.map { SensorSeries(name: names[$0]) }
        let order = slashOrder(bytes)
        var rows = 0
        while rows < rowsMax, try scanner.nextRow(into: &cells) {
            rows += 1
            let line = scanner.line
            func cellBytes(_ c: Int) -> UnsafeBufferPointer<UInt8> {
                c < cells.count ? UnsafeBufferPointer(rebasing: bytes[cells[c].start..<cells[c].end]) : UnsafeBufferPointer(rebasing: bytes[0..<0])
            }
            let time: Int64
            if splitDateTime {
                guard let day = TimeText.parse(cellBytes(0), order: order), let ms = TimeText.parseTimeOfDay(cellBytes(1)) else {
                    throw SensorDataError("\(path):\(line): cannot read the date and time \"\(cells.count > 1 ? scanner.text(of: cells[0]) + "," + scanner.text(of: cells[1]) : "")\"")
                }
                time = day + ms
            } else {
                guard let t = TimeText.parse(cellBytes(0), order: order) else {
                    throw SensorDataError("\(path):\(line): cannot read the time \"\(cells.isEmpty ? "" : scanner.text(of: cells[0]))\"")
                }
                time = t
            }
            for (s, c) in columns.enumerated() {
                switch DecimalText.parse(cellBytes(c)) {
                case .missing:
                    series[s].missing += 1
                case .value(let v, let decimals):
                    series[s].timesMs.append(time)
                    series[s].values.append(v)
                    series[s].textDecimals[min(decimals, SensorSeries.textDecimalsMax)] += 1
                case .invalid:
                    throw SensorDataError("\(path):\(line): column \"\(names[c])\" holds \"\(scanner.text(of: cells[c]))\", not a number")
                }
            }
        }
        return SensorDataset(folder: "", file: "", path: path, rows: rows, text: [], textBytes: bytes.count, series: series, skippedColumns: skipped)
    }

    /// Month first unless some slash date in the first column has a first field above 12.
    static func slashOrder(_ bytes: UnsafeBufferPointer<UInt8>) -> TimeText.SlashOrder {
        var scanner = CSVScanner(bytes)
        var cells: [CSVScanner.Cell] = []
        var seen = 0
        while seen < 100_000, (try? scanner.nextRow(into: &cells)) == true {
            seen += 1
            guard let first = cells.first else { continue }
            if let (a, b) = TimeText.slashFields(UnsafeBufferPointer(rebasing: bytes[first.start..<first.end])) {
                if a > 12 { return .dayFirst }
                if b > 12 { return .monthFirst }
            }
        }
        return .monthFirst
    }

    private static func entries(of directory: String) throws(SensorDataError) -> [String] {
        guard let dir = opendir(directory) else {
            throw SensorDataError("cannot list \(directory): \(FileBytes.errnoText())")
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if !name.hasPrefix(".") { names.append(name) }
        }
        return names.sorted()
    }

    private static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }
}
