import KDeltaCodec
import KDeltaModel
import SensorDatasets
import Testing

/// Real sensor data through TimeColumn and DoubleColumn, bit for bit: slices of every
/// dataset committed under Fixtures/ (always run), and every series of every dataset in
/// ../shared/data when that folder is there.
@Suite struct DatasetRoundTripTests {
    /// The package root, from this file's path (Tests/KDeltaCodecTests/ThisFile.swift).
    static let packageRoot: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()
    static let fixtures = packageRoot + "/Tests/KDeltaCodecTests/Fixtures"
    /// The shared datasets sit beside the repository: ../shared/data.
    static let sharedData = packageRoot + "/../shared/data"
    static let sharedDataPresent = (try? SensorDatasets.files(in: sharedData))?.isEmpty == false

    /// Encodes and decodes every series of `dataset`, and checks ranges and single values
    /// at every frame edge; returns the readings checked.
    static func checkRoundTrip(_ dataset: SensorDataset) -> Int {
        var readings = 0
        for s in dataset.series {
            let what = "\(dataset.name) \(s.name)"
            let times = TimeColumn.encode(s.timesMs)
            let values = DoubleColumn.encode(s.values)
            do {
                let t = try TimeCoding.decode(times, count: s.count)
                let v = try DoubleCoding.decode(values, count: s.count)
                #expect(t == s.timesMs, "\(what): times differ")
                #expect(DoubleCoding.same(v, s.values), "\(what): values differ")
                for edge in stride(from: 0, to: s.count, by: 1_280) {
                    let r = max(0, edge - 2)..<min(s.count, edge + 3)
                    #expect(try TimeCoding.decode(times, count: s.count, range: r) == Array(s.timesMs[r]), "\(what) times \(r)")
                    #expect(try DoubleCoding.same(DoubleCoding.decode(values, count: s.count, range: r), Array(s.values[r])), "\(what) values \(r)")
                    #expect(try DoubleCoding.value(values, count: s.count, at: edge)?.bitPattern == s.values[edge].bitPattern, "\(what) value(at: \(edge))")
                }
            } catch {
                Issue.record("\(what): \(error)")
            }
            readings += s.count
        }
        return readings
    }

    @Test func fixtureSlicesOfEveryDatasetRoundTripBitExactly() throws {
        let files = try SensorDatasets.files(in: Self.fixtures)
        #expect(files.count == 10, "\(files)")
        for file in files {
            let dataset = try SensorDatasets.read(directory: Self.fixtures, file: file)
            #expect(!dataset.series.isEmpty, "\(file) has no series")
            #expect(Self.checkRoundTrip(dataset) > 0, "\(file) has no readings")
        }
    }

    @Test func fixturesParseTheirTimesDecimalsAndMissingCells() throws {
        let power = try SensorDatasets.read(directory: Self.fixtures, file: "uci-household-power/minute_household_power.csv")
        #expect(power.series.map(\.name) == ["Global_active_power", "Global_reactive_power", "Voltage", "Global_intensity", "Sub_metering_1", "Sub_metering_2", "Sub_metering_3"])
        let voltage = power.series[2]
        let first = try RFC3339.parseMs("2006-12-16T17:24:00Z")
        #expect(voltage.timesMs.first == first)
        #expect(voltage.values.first == 234.84)
        #expect(voltage.typicalTextDecimals == 3)
        let missingRows = 2
        #expect(voltage.missing == missingRows)
        #expect(voltage.count + voltage.missing == power.rows)

        let appliances = try SensorDatasets.read(directory: Self.fixtures, file: "uci-appliances-energy/minute_energy_appliance.csv")
        #expect(appliances.skippedColumns == ["rv1", "rv2"])
        #expect(appliances.series.count == 26)
        #expect(appliances.series[2].values.first == 19.89, "\"19.890000000000001\" is the double 19.89")

        let irradiance = try SensorDatasets.read(directory: Self.fixtures, file: "nrel-pvanalytics-sensors/irradiance_RMIS_NREL.csv")
        #expect(irradiance.skippedColumns.count == 4, "\(irradiance.skippedColumns)")
        let february = try RFC3339.parseMs("2019-02-01T00:05:00Z")
        #expect(irradiance.series[0].timesMs.first == february, "2/1/2019 is month first")

        let midc = try SensorDatasets.read(directory: Self.fixtures, file: "nrel-pvanalytics-sensors/midc_bms_ghi_20220120.csv")
        let utc = try RFC3339.parseMs("2022-01-20T07:00:00Z")
        #expect(midc.series[0].timesMs.first == utc, "-07:00 is applied")

        let weather = try SensorDatasets.read(directory: Self.fixtures, file: "nrel-pvanalytics-sensors/rmis_weather_data.csv")
        #expect(weather.series.allSatisfy { $0.missing >= 1 }, "the last row's empty cells are missing readings")
    }

    /// Rows read per file. Debug builds read the first 40,000 rows of each file: the
    /// household file's 2 million rows take over a minute to parse and code there (the
    /// whole test must stay within seconds); every other file has fewer rows, so only
    /// household is cut, to its first 280,000 readings. Release builds
    /// (`swift test -c release`, and `kdelta-bench compress`, which checks every series
    /// too) read everything.
    #if DEBUG
    static let sharedRowsMax = 40_000
    #else
    static let sharedRowsMax = Int.max
    #endif

    @Test(.enabled(if: DatasetRoundTripTests.sharedDataPresent, "../shared/data (the real datasets beside the repository) is not present"))
    func everySeriesOfEverySharedDatasetRoundTripsBitExactly() throws {
        var readings = 0
        for file in try SensorDatasets.files(in: Self.sharedData) {
            let dataset = try SensorDatasets.read(directory: Self.sharedData, file: file, rowsMax: Self.sharedRowsMax)
            readings += Self.checkRoundTrip(dataset)
        }
        let expected = Self.sharedRowsMax == Int.max ? 14_344_960 : 800_000
        #expect(readings > expected, "\(readings) readings checked")
    }
}
