@testable import kdelta_edge
import KDeltaModel
import KDeltaStorage
import Testing

/// Golden strings for `query` output in every format.
@Suite struct QueryOutputTests {
    let t0: Int64 = 1_714_564_800_000  // 2024-05-01T12:00:00Z

    func rows() throws -> [QueryRow] {
        [
            QueryRow(key: try Key("sensors/greenhouse/temp1"), timeMs: t0, value: .double(21.5)),
            QueryRow(key: try Key("sensors/küche/temp"), timeMs: t0 + 60_000, value: .int(42)),
            QueryRow(key: try Key("door/front"), timeMs: t0 + 61_500, value: .string("open, wide")),
            QueryRow(key: try Key("door/front"), timeMs: t0 + 62_000, value: .string("42")),
            QueryRow(key: try Key("x"), timeMs: t0 + 63_000, value: .double(.nan)),
            QueryRow(key: try Key("x"), timeMs: t0 + 64_000, value: .document(.object([("b", .int(1)), ("a", .string("q\""))]))),
        ]
    }

    @Test func rawRowsAsATable() throws {
        let expected = """
            KEY                       TIME                      VALUE
            sensors/greenhouse/temp1  2024-05-01T12:00:00.000Z  21.5
            sensors/küche/temp        2024-05-01T12:01:00.000Z  42i
            door/front                2024-05-01T12:01:01.500Z  open, wide
            door/front                2024-05-01T12:01:02.000Z  "42"
            x                         2024-05-01T12:01:03.000Z  NaN
            x                         2024-05-01T12:01:04.000Z  {"a":"q\\"","b":1}

            """
        #expect(try QueryOutput.rows(rows(), format: .table) == expected)
    }

    @Test func rawRowsAsCSVReadBackWithPutBatch() throws {
        let expected = #"""
            key,time,value
            sensors/greenhouse/temp1,2024-05-01T12:00:00.000Z,21.5
            sensors/küche/temp,2024-05-01T12:01:00.000Z,42i
            door/front,2024-05-01T12:01:01.500Z,"open, wide"
            door/front,2024-05-01T12:01:02.000Z,"""42"""
            x,2024-05-01T12:01:03.000Z,NaN
            x,2024-05-01T12:01:04.000Z,"{""a"":""q\"""",""b"":1}"

            """#
        #expect(try QueryOutput.rows(rows(), format: .csv) == expected)
    }

    @Test func rawRowsAsJSON() throws {
        let expected = #"""
            [
            {"key":"sensors/greenhouse/temp1","time":"2024-05-01T12:00:00.000Z","timeMs":1714564800000,"type":"double","value":21.5},
            {"key":"sensors/küche/temp","time":"2024-05-01T12:01:00.000Z","timeMs":1714564860000,"type":"int","value":42},
            {"key":"door/front","time":"2024-05-01T12:01:01.500Z","timeMs":1714564861500,"type":"string","value":"open, wide"},
            {"key":"door/front","time":"2024-05-01T12:01:02.000Z","timeMs":1714564862000,"type":"string","value":"42"},
            {"key":"x","time":"2024-05-01T12:01:03.000Z","timeMs":1714564863000,"type":"double","value":"NaN"},
            {"key":"x","time":"2024-05-01T12:01:04.000Z","timeMs":1714564864000,"type":"document","value":{"a":"q\"","b":1}}
            ]

            """#
        #expect(try QueryOutput.rows(rows(), format: .json) == expected)
        #expect(QueryOutput.rows([], format: .json) == "[]\n")
        #expect(QueryOutput.rows([], format: .csv) == "key,time,value\n")
        #expect(QueryOutput.rows([], format: .table) == "KEY  TIME  VALUE\n")
    }

    func windows() throws -> [QueryWindowRow] {
        let k = try Key("sensors/greenhouse/temp1")
        let hour: Int64 = 3_600_000
        let seven: Int64 = 7
        let zero: Int64 = 0
        let twelve: Int64 = 12
        return [
            QueryWindowRow(key: k, window: WindowValue(startMs: t0, endMs: t0 + hour, value: 21.425, count: seven)),
            QueryWindowRow(key: k, window: WindowValue(startMs: t0 + hour, endMs: t0 + 2 * hour, value: nil, count: zero)),
            QueryWindowRow(key: k, window: WindowValue(startMs: t0 + 2 * hour, endMs: t0 + 3 * hour, value: -.infinity, count: twelve)),
        ]
    }

    @Test func windowsAsATable() throws {
        let expected = """
            KEY                       START                     END                       AVG     COUNT
            sensors/greenhouse/temp1  2024-05-01T12:00:00.000Z  2024-05-01T13:00:00.000Z  21.425  7
            sensors/greenhouse/temp1  2024-05-01T13:00:00.000Z  2024-05-01T14:00:00.000Z  -       0
            sensors/greenhouse/temp1  2024-05-01T14:00:00.000Z  2024-05-01T15:00:00.000Z  -Inf    12

            """
        #expect(try QueryOutput.windows(windows(), aggregation: .avg, format: .table) == expected)
    }

    @Test func windowsAsCSV() throws {
        let expected = """
            key,start,end,avg,count
            sensors/greenhouse/temp1,2024-05-01T12:00:00.000Z,2024-05-01T13:00:00.000Z,21.425,7
            sensors/greenhouse/temp1,2024-05-01T13:00:00.000Z,2024-05-01T14:00:00.000Z,,0
            sensors/greenhouse/temp1,2024-05-01T14:00:00.000Z,2024-05-01T15:00:00.000Z,-Inf,12

            """
        #expect(try QueryOutput.windows(windows(), aggregation: .avg, format: .csv) == expected)
    }

    @Test func windowsAsJSONWithCountsAsIntegers() throws {
        let expected = """
            [
            {"aggregation":"avg","count":7,"end":"2024-05-01T13:00:00.000Z","endMs":1714568400000,"key":"sensors/greenhouse/temp1","start":"2024-05-01T12:00:00.000Z","startMs":1714564800000,"value":21.425},
            {"aggregation":"avg","count":0,"end":"2024-05-01T14:00:00.000Z","endMs":1714572000000,"key":"sensors/greenhouse/temp1","start":"2024-05-01T13:00:00.000Z","startMs":1714568400000,"value":null},
            {"aggregation":"avg","count":12,"end":"2024-05-01T15:00:00.000Z","endMs":1714575600000,"key":"sensors/greenhouse/temp1","start":"2024-05-01T14:00:00.000Z","startMs":1714572000000,"value":"-Inf"}
            ]

            """
        #expect(try QueryOutput.windows(windows(), aggregation: .avg, format: .json) == expected)
        let k = try Key("k")
        let three: Int64 = 3
        let counted = QueryOutput.windows([QueryWindowRow(key: k, window: WindowValue(startMs: 0, endMs: 1000, value: 3, count: three))],
                                          aggregation: .count, format: .json)
        #expect(counted == "[\n{\"aggregation\":\"count\",\"count\":3,\"end\":\"1970-01-01T00:00:01.000Z\",\"endMs\":1000,\"key\":\"k\",\"start\":\"1970-01-01T00:00:00.000Z\",\"startMs\":0,\"value\":3}\n]\n")
    }

    @Test func csvQuotesFieldsThatPutBatchWouldOtherwiseSplitOrTrim() {
        let text = QueryOutput.csv(header: ["a"], [[" padded"], ["tab\t"], ["line\nbreak"], ["plain"]])
        #expect(text == "a\n\" padded\"\n\"tab\t\"\n\"line\nbreak\"\nplain\n")
    }

    @Test func formatNamesParseFromTheCommandLine() {
        #expect(QueryOutputFormat(argument: "csv") == .csv)
        #expect(QueryOutputFormat(argument: "xml") == nil)
        #expect(QueryOutputFormat.allCases.map(\.rawValue) == ["table", "csv", "json"])
    }
}
