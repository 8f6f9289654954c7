import Foundation
import KDeltaIngest
import KDeltaModel
import Testing

@Suite struct CSVBatchReaderTests {
    @Test func headerColumnsMayComeInAnyOrderAndCase() throws {
        let csv = "VALUE,Key,Time\n21.5,sensors/a,2017-05-01T00:00:00Z\n42i,sensors/b,1493596800000\n"
        let readings = try readAllCSV(MemoryByteSource(csv))
        #expect(readings == [
            Reading(key: key("sensors/a"), value: .double(21.5), sourceTimeMs: 1_493_596_800_000),
            Reading(key: key("sensors/b"), value: .int(42), sourceTimeMs: 1_493_596_800_000),
        ])
        let reader = try CSVBatchReader(source: MemoryByteSource(csv))
        #expect(reader.columns == ["value", "key", "time"])
    }

    @Test func valuesFollowValueParseAfterCSVUnquoting() throws {
        let csv = """
        key,time,value
        "sensors/a",0,"{""b"":[1,2],""a"":1}"
        sensors/b,1,\"\"\"open\"\"\"
        sensors/c,2,"line one
        line two"
        sensors/d,3,"a,b"
        sensors/e,4,"  padded  "
        sensors/f,5,  7.5\t
        sensors/g,6,true
        sensors/h,7,-7i
        sensors/i,8,NaN
        sensors/j,9,door open
        sensors/k,10,"[1,""x""]"
        sensors/l,11,\"\"\"\"\"\"

        """
        let readings = try readAllCSV(MemoryByteSource(csv))
        #expect(readings.map(\.value) == [
            .document(.object([("a", .int(1)), ("b", .array([.int(1), .int(2)]))])),
            .string("open"), .string("line one\nline two"), .string("a,b"), .string("  padded  "), .double(7.5),
            .bool(true), .int(-7), .double(.nan), .string("door open"), .document(.array([.int(1), .string("x")])),
            .string(""),
        ])
        let times: [Int64?] = (0...11).map { Int64($0) }
        #expect(readings.map(\.sourceTimeMs) == times)
    }

    @Test func lineNumbersCountLineBreaksInsideQuotedFields() {
        let e = csvFailure("key,value\nsensors/a,\"one\ntwo\nthree\"\nsensors/b,\n")
        #expect(e?.code == .value)
        #expect(e?.line == 5)
        #expect(e?.column == 11)
    }

    @Test func lineEndingsByteOrderMarkAndBlankLinesDoNotChangeTheReadings() throws {
        let rows = ["key,time,value", "sensors/a,1,1.5", "sensors/b,2,\"x\ny\"", "sensors/c,3,2i"]
        let expected = try readAllCSV(MemoryByteSource(rows.joined(separator: "\n") + "\n"))
        #expect(expected.count == 3)
        let lf: String = rows.joined(separator: "\n")
        let crlf: String = rows.joined(separator: "\r\n")
        let blanks: String = rows.joined(separator: "\n\n")
        let variants: [String] = [lf, crlf + "\r\n", crlf, "\u{FEFF}" + lf + "\n", "\n\n" + blanks + "\n\n  \n"]
        for text in variants {
            for chunk in [1, 2, 5, Int.max] {
                let readings = try readAllCSV(MemoryByteSource(text, chunkBytes: chunk))
                #expect(readings == expected, "\(text.debugDescription) in chunks of \(chunk)")
            }
        }
    }

    @Test func headerOnlyFileHasNoReadings() throws {
        for text in ["key,time,value\n", "key,time,value", "key,value\r\n\r\n", "\u{FEFF}key,value"] {
            var reader = try CSVBatchReader(source: MemoryByteSource(text))
            #expect(try reader.next(maxReadings: 10) == nil, "\(text.debugDescription)")
        }
    }

    @Test func emptyFileHasNoHeader() {
        for text in ["", "\n\n", "\u{FEFF}", "  \r\n"] {
            let e = csvFailure(text)
            #expect(e?.code == .missingHeader, "\(text.debugDescription)")
            #expect(e?.message.contains("key,time,value") == true)
        }
    }

    @Test func withoutTimeColumnReadingsHaveNoSourceTime() throws {
        let readings = try readAllCSV(MemoryByteSource("value,key\n1,sensors/a\n2,sensors/b\n"))
        #expect(readings == [
            Reading(key: key("sensors/a"), value: .double(1)),
            Reading(key: key("sensors/b"), value: .double(2)),
        ])
    }

    @Test func unknownHeaderColumnsAreNamed() {
        let e = csvFailure("key,time,value,unit,Site\nsensors/a,0,1,C,x\n")
        #expect(e?.code == .header)
        #expect(e?.line == 1)
        #expect(e?.column == 16)
        #expect(e?.message.contains("the columns 'unit', 'site'") == true)
        #expect(e?.message.contains("remove the other columns") == true)
        #expect(e?.description.hasPrefix("test.csv:1:16: the header has the columns 'unit', 'site'") == true)
    }

    @Test func headerlessFileIsToldToAddAHeader() {
        let e = csvFailure("sensors/a,2017-05-01T00:00:00Z,1\n")
        #expect(e?.code == .header)
        #expect(e?.message.contains("add the header line key,time,value") == true)
    }

    @Test func repeatedOrMissingHeaderColumnsAreRefused() {
        let twice = csvFailure("key,value,Key\n")
        #expect(twice?.code == .header)
        #expect(twice?.column == 11)
        #expect(twice?.message.contains("'key' twice") == true)
        let noValue = csvFailure("key,time\n")
        #expect(noValue?.message.contains("no 'value' column") == true)
        let noKey = csvFailure("time,value\n")
        #expect(noKey?.message.contains("no 'key' column") == true)
        let wide = csvFailure(Array(repeating: "x", count: 65).joined(separator: ",") + "\n")
        #expect(wide?.message.contains("65 columns") == true)
    }

    @Test func wrongFieldCountNamesTheLine() {
        let e = csvFailure("key,time,value\nsensors/a,0,1\nsensors/b,0\n")
        #expect(e?.code == .fieldCount)
        #expect(e?.line == 3)
        #expect(e?.column == 1)
        #expect(e?.message == "this line has 2 fields but the header names 3 (key,time,value); quote a field that contains a comma")
        #expect(e?.text == "sensors/b,0")
        let more = csvFailure("key,value\nsensors/a,1,2\n")
        #expect(more?.message.contains("has 3 fields but the header names 2") == true)
    }

    @Test func badKeyNamesLineColumnAndTheKeyRule() {
        let e = csvFailure("key,time,value\nsensors/a,0,1\nsensors/a b,0,1\n")
        #expect(e?.code == .key)
        #expect(e?.line == 3)
        #expect(e?.column == 10)
        #expect(e?.text == "sensors/a b")
        #expect(e?.message.contains("a space (U+0020) at byte 9") == true)
        #expect(csvFailure("key,value\n,1\n")?.message.contains("the key is empty") == true)
        #expect(csvFailure("key,value\nsensors//a,1\n")?.column == 9)
        #expect(csvFailure("key,value\nsensors/#,1\n")?.code == .key)
    }

    @Test func invalidUTF8KeyIsRefused() {
        var bytes = Array("key,value\nsensors/".utf8)
        bytes += [0xFF, 0x61]
        bytes += Array(",1\n".utf8)
        do {
            _ = try readAllCSV(MemoryByteSource(bytes: bytes))
            Issue.record("expected an error")
        } catch let e as BatchFileError {
            #expect(e.code == .key)
            #expect(e.column == 9)
            #expect(e.message.contains("not valid UTF-8"))
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func repeatedAndSimilarTimesEachReadTheirOwnInstant() throws {
        let times = ["2017-05-01T00:00:00Z", "2017-05-01T00:00:00Z", "2017-05-01T00:00:01Z", "2017-05-01T00:00:01+00:00",
                     "2017-05-01T00:00:01.5Z", "2017-05-01T00:00:01.5Z", "5", "5", "1493596801000", "1493596801001",
                     "2017-05-01T00:00:01.123456789012345678901234Z", "2017-05-01T00:00:01.123456789012345678901235Z",
                     "2017-05-01T02:00:00+02:00", "2017-05-01T00:00:00Z"]
        let expected: [Int64] = [1_493_596_800_000, 1_493_596_800_000, 1_493_596_801_000, 1_493_596_801_000,
                                 1_493_596_801_500, 1_493_596_801_500, 5, 5, 1_493_596_801_000, 1_493_596_801_001,
                                 1_493_596_801_123, 1_493_596_801_123, 1_493_596_800_000, 1_493_596_800_000]
        let csv = "key,time,value\n" + times.map { "sensors/a,\($0),1\n" }.joined()
        #expect(try readAllCSV(MemoryByteSource(csv)).map(\.sourceTimeMs) == expected)
        // A bad time right after a good one of the same length is still refused.
        #expect(csvFailure("key,time,value\nsensors/a,2017-05-01T00:00:00Z,1\nsensors/a,2017-05-01T00:00:00Y,1\n")?.code == .time)
    }

    @Test func tenDigitTimeIsRefusedAsUnixSeconds() {
        let e = csvFailure("key,time,value\nsensors/a,1700000000,1\n")
        #expect(e?.code == .time)
        #expect(e?.line == 2)
        #expect(e?.column == 11)
        #expect(e?.message == "the time 1700000000 has ten digits and looks like Unix seconds (2023-11-14T22:13:20.000Z), but times are Unix milliseconds: multiply by 1000 (append 000) or write an RFC 3339 time")
    }

    @Test func timeMistakesSayWhatToWrite() {
        let cases: [(String, Int, String)] = [
            ("1700000000000000", 11, "looks like Unix microseconds"),
            ("1700000000000000000", 11, "looks like Unix nanoseconds"),
            ("99999999999999999999999", 11, "looks like Unix nanoseconds"),
            ("253402300800000", 11, "after 9999-12-31"),
            ("-5", 11, "the time is negative"),
            ("1.7e12", 11, "not an integer"),
            ("", 11, "the time is empty"),
            ("2017-05-01T00:00:00", 30, "at byte 20 of the field, the time has no offset"),
            ("2017-02-30T00:00:00Z", 19, "day 30 is not 01-28"),
            ("yesterday", 11, "expected the year"),
        ]
        for (time, column, fragment) in cases {
            let e = csvFailure("key,time,value\nsensors/a,\(time),1\n")
            #expect(e?.code == .time, "\(time)")
            #expect(e?.column == column, "\(time): \(String(describing: e))")
            #expect(e?.message.contains(fragment) == true, "\(time): \(String(describing: e))")
        }
        // Small integers are milliseconds: tests and simulations count from 0.
        #expect(csvFailure("key,time,value\nsensors/a,999999999,1\nsensors/a,10000000000,1\n") == nil)
    }

    @Test func valueMistakesNameTheField() {
        let empty = csvFailure("key,time,value\nsensors/a,0,\n")
        #expect(empty?.code == .value)
        #expect(empty?.column == 13)
        #expect(empty?.message.contains("the value is empty") == true)
        let quotedEmpty = csvFailure("key,time,value\nsensors/a,0,\"\"\n")
        #expect(quotedEmpty?.code == .value)
        let doc = csvFailure("key,time,value\nsensors/a,0,\"{\"\"a\"\":}\"\n")
        #expect(doc?.code == .value)
        #expect(doc?.message.contains("starts like a JSON document") == true)
        let int = csvFailure("key,value\nsensors/a,1.5i\n")
        #expect(int?.column == 11)
        #expect(int?.message.contains("the i suffix marks an integer") == true)
        let huge = csvFailure("key,value\nsensors/a,1e999\n")
        #expect(huge?.message.contains("beyond the range of a double") == true)
    }

    /// A power cut leaves a file's tail zeroed: `21` followed by NULs would be text that
    /// prints as 21. It is a bad line, and its message shows the NULs escaped.
    @Test func aValueWithNULBytesIsABadLine() {
        var bytes = Array("key,time,value\nsensors/a,0,21.5\nsensors/a,1,21".utf8)
        bytes += [0, 0, 0, 0]
        for chunk in [1, Int.max] {
            do {
                _ = try readAllCSV(MemoryByteSource(bytes: bytes, chunkBytes: chunk))
                Issue.record("stored a value with NUL bytes")
            } catch let e as BatchFileError {
                #expect(e.code == .value)
                #expect(e.line == 3 && e.column == 15, "\(e)")
                #expect(e.message.contains("has a NUL byte at byte 2"), "\(e)")
                #expect(e.description.contains("(text: '21\\u0000\\u0000\\u0000\\u0000')"), "\(e)")
                #expect(!e.description.contains("\0"))
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test func aNumberTooSmallForADoubleIsABadLine() throws {
        let tiny = csvFailure("key,value\nsensors/a,1e-400\n")
        #expect(tiny?.code == .value)
        #expect(tiny?.message.contains("too small for a double") == true, "\(String(describing: tiny))")
        #expect(try readAllCSV(MemoryByteSource("key,value\nsensors/a,1e-310\n")).map(\.value) == [.double(Double("1e-310")!)])
    }

    @Test func aLeapSecondIsStoredAsTheLastMillisecondOfItsMinute() throws {
        let readings = try readAllCSV(MemoryByteSource("key,time,value\nsensors/a,2016-12-31T23:59:60Z,1\nsensors/a,2017-01-01T00:59:60.5+01:00,2\n"))
        #expect(readings.map(\.sourceTimeMs) == [1_483_228_799_999, 1_483_228_799_999])
    }

    @Test func quotingMistakesPointAtTheQuote() {
        let unclosed = csvFailure("key,time,value\nsensors/a,0,\"abc\n")
        #expect(unclosed?.code == .quoting)
        #expect(unclosed?.line == 2)
        #expect(unclosed?.column == 13)
        #expect(unclosed?.message.contains("never closed") == true)
        let inside = csvFailure("key,time,value\nsensors/a,0,ab\"c\n")
        #expect(inside?.code == .quoting)
        #expect(inside?.column == 15)
        let after = csvFailure("key,time,value\nsensors/a,0,\"ab\"c\n")
        #expect(after?.code == .quoting)
        #expect(after?.column == 17)
        #expect(after?.message.contains("text follows the closing quote") == true)
        let bareCR = csvFailure("key,time,value\nsensors/a,0,1\rsensors/b,0,2\n")
        #expect(bareCR?.code == .quoting)
        #expect(bareCR?.column == 14)
        #expect(bareCR?.message.contains("carriage return without a line feed") == true)
    }

    @Test func lineLongerThanTheLimitIsRefused() {
        let long = String(repeating: "x", count: IngestLimits.batchFileLineBytesMax + 10)
        for chunk in [Int.max, 65536] {
            let e = csvFailure("key,value\nsensors/a,1\nsensors/b,\"\(long)\"\n", chunkBytes: chunk)
            #expect(e?.code == .lineTooLong)
            #expect(e?.line == 3)
            #expect(e?.text.hasPrefix("sensors/b,\"xxx") == true)
            #expect(e?.text.count ?? 0 <= IngestLimits.batchFileErrorTextBytesMax + 3)
            // An unclosed quote that would swallow the rest of the file is caught the same way.
            let swallow = csvFailure("key,value\nsensors/a,\"1\n" + String(repeating: "sensors/b,2\n", count: 100_000))
            #expect(swallow?.code == .lineTooLong)
            #expect(swallow?.line == 2)
        }
    }

    @Test func sourceErrorsReachTheCaller() {
        do {
            _ = try readAllCSV(FailingByteSource())
            Issue.record("expected an error")
        } catch let e as BatchFileError {
            #expect(e.code == .io)
            #expect(e.description == "broken.csv: cannot read the file (Input/output error, errno 5)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func keyCacheStartsOverWhenFullAndStaysCorrect() throws {
        var text = "key,value\n"
        var expected: [Reading] = []
        for round in 0..<2 {
            for i in 0..<(IngestLimits.batchFileKeyCacheCountMax * 2 + 17) {
                text += "sensors/n\(i),\(round)i\n"
                expected.append(Reading(key: key("sensors/n\(i)"), value: .int(Int64(round))))
            }
        }
        #expect(try readAllCSV(MemoryByteSource(text), batch: 999) == expected)
    }

    /// Seeded random files with every quoting feature, read whole and one byte at a time,
    /// in batches of different sizes: the readings are the ones written.
    @Test func oneByteAtATimeGivesTheSameReadingsAsAllAtOnce() throws {
        for seed in UInt64(1)...6 {
            var rng = SeededRandom(seed: seed)
            let (text, expected) = Self.randomFile(&rng, rows: 400)
            for (chunk, batch) in [(Int.max, 1000), (1, 1000), (2, 7), (3, 1), (4096, 64)] {
                let readings = try readAllCSV(MemoryByteSource(text, chunkBytes: chunk), batch: batch)
                #expect(readings == expected, "seed \(seed), chunks of \(chunk), batches of \(batch)")
            }
        }
    }

    @Test func realDataSliceReads() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/yosemite-air-temp-300.csv")
        let source = try FileByteSource(path: url.path)
        let readings = try readAllCSV(source)
        #expect(readings.count == 300)
        #expect(readings.first == Reading(key: key("sensors/yosemite/air_temp"), value: .double(27.8), sourceTimeMs: 1_493_596_800_000))
        #expect(readings.allSatisfy { $0.key == key("sensors/yosemite/air_temp") })
        let times = readings.compactMap(\.sourceTimeMs)
        #expect(zip(times, times.dropFirst()).allSatisfy { $1 - $0 == 300_000 })
    }

    /// A throwaway figure, printed: rows per second of the CSV reader on a generated file
    /// of 1,000 keys. Debug builds are many times slower; run
    /// `KDELTA_MEASURE_ROWS=1000000 swift test -c release --filter csvReaderSpeedIsPrinted`.
    @Test func csvReaderSpeedIsPrinted() throws {
        let rows = ProcessInfo.processInfo.environment["KDELTA_MEASURE_ROWS"].flatMap { Int($0) } ?? 50_000
        for timeStyle in ["rfc3339", "ms"] {
            var rng = SeededRandom(seed: 99)
            var bytes: [UInt8] = Array("key,time,value\n".utf8)
            bytes.reserveCapacity(rows * 60)
            let start: Int64 = 1_700_000_000_000
            for i in 0..<rows {
                let ms = start + Int64(i / 1000) * 10_000
                let time = timeStyle == "ms" ? String(ms) : RFC3339.format(ms: ms)
                let value = String(Double(Int.random(in: -500...3500, using: &rng)) / 100)
                bytes += Array("sensors/room\(i % 1000)/temp,\(time),\(value)\n".utf8)
            }
            let t0 = DispatchTime.now().uptimeNanoseconds
            var reader = try CSVBatchReader(source: MemoryByteSource(bytes: bytes, chunkBytes: IngestLimits.batchFileReadBytes))
            var count = 0
            while let batch = try reader.next(maxReadings: 10_000) { count += batch.count }
            let ns = DispatchTime.now().uptimeNanoseconds - t0
            #expect(count == rows)
            print("CSVBatchReader (\(timeStyle) times): \(rows) rows, \(bytes.count / rows) bytes/row, \(ns / UInt64(rows)) ns/row")
        }
    }

    // MARK: Random files

    static func randomFile(_ rng: inout SeededRandom, rows: Int) -> (String, [Reading]) {
        let keys = ["sensors/a", "sensors/küche/temp", "sensors/with,comma", "x", "sensors/😀/1", "a/b/c/d"]
        var columns = ["key", "time", "value"]
        let withTime = Bool.random(using: &rng)
        if !withTime { columns.removeAll { $0 == "time" } }
        columns.shuffle(using: &rng)
        var text = Bool.random(using: &rng) ? "\u{FEFF}" : ""
        text += columns.map { Bool.random(using: &rng) ? $0.uppercased() : $0 }.joined(separator: ",") + "\n"
        var expected: [Reading] = []
        for _ in 0..<rows {
            let k = keys.randomElement(using: &rng)!
            let ms = Int64.random(in: 0...Limits.sourceTimeMsMax, using: &rng)
            let timeText = Bool.random(using: &rng) || (1_000_000_000...9_999_999_999).contains(ms) ? RFC3339.format(ms: ms) : String(ms)
            let (value, valueText) = randomValue(&rng)
            expected.append(Reading(key: try! Key(k), value: value, sourceTimeMs: withTime ? ms : nil))
            let fields = columns.map { column -> String in
                switch column {
                case "key": return csvField(k, &rng)
                case "time": return csvField(timeText, &rng)
                default: return csvField(valueText, &rng)
                }
            }
            text += fields.joined(separator: ",") + (Bool.random(using: &rng) ? "\n" : "\r\n")
            if Int.random(in: 0..<20, using: &rng) == 0 { text += "\n" }
        }
        return (text, expected)
    }

    static func randomValue(_ rng: inout SeededRandom) -> (Value, String) {
        switch Int.random(in: 0..<7, using: &rng) {
        case 0:
            let d = Double(Int.random(in: -100_000...100_000, using: &rng)) / 100
            return (.double(d), String(d))
        case 1:
            var d: Double
            repeat { d = Double(bitPattern: rng.next()) } while d.isNaN
            return (.double(d), Value.formatDouble(d))
        case 2:
            let i = Int64.random(in: Int64.min...Int64.max, using: &rng) >> Int64.random(in: 0...63, using: &rng)
            return (.int(i), "\(i)i")
        case 3:
            let b = Bool.random(using: &rng)
            return (.bool(b), b ? "true" : "false")
        case 4:
            let words = ["open", "closed", "a,b", "say \"hi\"", "two\nlines", "  spaced  ", "é😀", "42", "true", ""]
            let s = words.randomElement(using: &rng)!
            return (.string(s), JSONValue.string(s).canonicalText)
        case 5:
            let s = ["open", "closed", "door ajar", "é😀"].randomElement(using: &rng)!
            return (.string(s), s)
        default:
            let doc = JSONValue.object([("t", .double(21.5)), ("on", .bool(true)), ("s", .string("a,\"b\"\n")), ("n", .array([.int(1), .null]))])
            return (.document(doc), doc.canonicalText)
        }
    }

    /// The field as CSV, quoted when it must be and sometimes when it need not be.
    static func csvField(_ text: String, _ rng: inout SeededRandom) -> String {
        let needs = text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")
            || text.hasPrefix(" ") || text.hasSuffix(" ") || text.isEmpty
        if needs || Int.random(in: 0..<4, using: &rng) == 0 {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }
}
