import KDeltaIngest
import KDeltaModel
import Testing

@Suite struct JSONLinesBatchReaderTests {
    @Test func everyValueKindReads() throws {
        let text = """
        {"key":"sensors/a","time":1166289840000,"value":21.5}
        {"key":"sensors/b","time":"2006-12-16T17:24:00Z","value":42}
        {"key":"sensors/c","value":42,"type":"int"}
        {"key":"sensors/d","value":1e3,"type":"int"}
        {"key":"sensors/e","value":true}
        {"key":"sensors/f","value":"open"}
        {"key":"sensors/g","value":{"b":1,"a":[2]}}
        {"key":"sensors/h","value":[1,"x"]}
        {"key":"sensors/i","value":"NaN","type":"double"}
        {"key":"sensors/j","value":"-Inf","type":"double"}
        {"key":"sensors/k","value":"17","type":"int"}
        {"key":"sensors/l","value":"42","type":"string"}
        {"key":"sensors/m","value":7,"type":"document"}
        {"type":"bool","value":false,"time":0,"key":"sensors/n"}
        """
        let readings = try readAllJSONLines(MemoryByteSource(text, name: "t.jsonl"))
        #expect(readings.map(\.value) == [
            .double(21.5), .double(42), .int(42), .int(1000), .bool(true), .string("open"),
            .document(.object([("a", .array([.int(2)])), ("b", .int(1))])), .document(.array([.int(1), .string("x")])),
            .double(.nan), .double(-.infinity), .int(17), .string("42"), .document(.int(7)), .bool(false),
        ])
        #expect(readings[0].sourceTimeMs == 1_166_289_840_000)
        #expect(readings[1].sourceTimeMs == 1_166_289_840_000)
        #expect(readings[2].sourceTimeMs == nil)
        #expect(readings[13].sourceTimeMs == 0)
        #expect(readings.map(\.key.rawValue).first == "sensors/a")
    }

    @Test func blankLinesCRLFAndByteOrderMarkAreSkipped() throws {
        let lines = ["{\"key\":\"a\",\"value\":1}", "{\"key\":\"b\",\"value\":2}"]
        let expected = [Reading(key: key("a"), value: .double(1)), Reading(key: key("b"), value: .double(2))]
        for text in [lines.joined(separator: "\n"), lines.joined(separator: "\r\n") + "\r\n",
                     "\u{FEFF}\n  \n" + lines.joined(separator: "\n\n\t\n") + "\n\n"] {
            for chunk in [1, 3, Int.max] {
                #expect(try readAllJSONLines(MemoryByteSource(text, chunkBytes: chunk), batch: 1) == expected, "\(text.debugDescription)")
            }
        }
        #expect(try readAllJSONLines(MemoryByteSource("")) == [])
    }

    @Test func invalidJSONNamesLineAndColumn() {
        let e = jsonLinesFailure("{\"key\":\"a\",\"value\":1}\n\n{\"key\":\"a\" \"value\":1}\n")
        #expect(e?.code == .json)
        #expect(e?.line == 3)
        #expect(e?.column == 12)
        #expect(e?.message.hasPrefix("expected ',' or '}' after an object member, found '\"'") == true)
        #expect(e?.description.hasPrefix("test.jsonl:3:12: ") == true)
    }

    @Test func unknownMembersAreNamed() {
        let e = jsonLinesFailure("{\"key\":\"a\",\"value\":1,\"tme\":5}")
        #expect(e?.code == .json)
        #expect(e?.column == 22)
        #expect(e?.message.contains("\"tme\" is not one a batch line can hold") == true)
    }

    @Test func missingOrMistypedMembersSayWhatToWrite() {
        let cases: [(String, BatchFileError.Code, Int, String)] = [
            ("[1,2]", .json, 1, "not an object"),
            ("{\"value\":1}", .key, 1, "no \"key\" member"),
            ("{\"key\":5,\"value\":1}", .key, 2, "must be a string"),
            ("{\"key\":\"a b\",\"value\":1}", .key, 2, "a space (U+0020)"),
            ("{\"key\":\"a\"}", .value, 1, "no \"value\" member"),
            ("{\"key\":\"a\",\"value\":null}", .value, 12, "leave the line out"),
            ("{\"key\":\"a\",\"value\":1.5,\"type\":\"int\"}", .value, 12, "needs an integer that fits 64 bits"),
            ("{\"key\":\"a\",\"value\":1e19,\"type\":\"int\"}", .value, 12, "needs an integer that fits 64 bits"),
            ("{\"key\":\"a\",\"value\":\"x\",\"type\":\"int\"}", .value, 12, "is not such a number"),
            ("{\"key\":\"a\",\"value\":\"4.5\",\"type\":\"int\"}", .value, 12, "the i suffix marks an integer"),
            ("{\"key\":\"a\",\"value\":1,\"type\":\"bool\"}", .value, 12, "does not match the value 1"),
            ("{\"key\":\"a\",\"value\":1,\"type\":\"string\"}", .value, 12, "does not match"),
            ("{\"key\":\"a\",\"value\":1,\"type\":\"float\"}", .value, 22, "must be one of"),
            ("{\"key\":\"a\",\"value\":1,\"time\":1700000000}", .time, 22, "looks like Unix seconds"),
            ("{\"key\":\"a\",\"value\":1,\"time\":1.7e12}", .time, 22, "must be an integer"),
            ("{\"key\":\"a\",\"value\":1,\"time\":\"2017-05-01\"}", .time, 22, "time of day is missing"),
            ("{\"key\":\"a\",\"value\":1,\"time\":-1}", .time, 22, "before 1970-01-01"),
        ]
        for (line, code, column, fragment) in cases {
            let e = jsonLinesFailure("{\"key\":\"ok\",\"value\":0}\n" + line + "\n")
            #expect(e?.code == code, "\(line): \(String(describing: e))")
            #expect(e?.line == 2, "\(line)")
            #expect(e?.column == column, "\(line): \(String(describing: e))")
            #expect(e?.message.contains(fragment) == true, "\(line): \(String(describing: e))")
        }
    }

    @Test func aNumberTooSmallForADoubleIsABadLine() {
        let tiny = jsonLinesFailure("{\"key\":\"sensors/a\",\"value\":1e-400}\n")
        #expect(tiny?.code == .json, "\(String(describing: tiny))")
        #expect(tiny?.message.contains("too small for a double") == true, "\(String(describing: tiny))")
        let typed = jsonLinesFailure("{\"key\":\"sensors/a\",\"value\":\"1e-400\",\"type\":\"double\"}\n")
        #expect(typed?.message.contains("too small for a double") == true, "\(String(describing: typed))")
    }

    @Test func oversizedDocumentValueIsRefused() {
        let big = "[" + Array(repeating: "1", count: Limits.valueBytesMax / 2 + 1).joined(separator: ",") + "]"
        let e = jsonLinesFailure("{\"key\":\"a\",\"value\":\(big)}")
        #expect(e?.code == .value)
        #expect(e?.message.contains("values are at most \(Limits.valueBytesMax) bytes") == true)
    }

    @Test func lineLongerThanTheLimitIsRefused() {
        let long = String(repeating: "x", count: IngestLimits.batchFileLineBytesMax + 1)
        let e = jsonLinesFailure("{\"key\":\"a\",\"value\":1}\n{\"key\":\"a\",\"value\":\"\(long)\"}\n")
        #expect(e?.code == .lineTooLong)
        #expect(e?.line == 2)
    }

    @Test func oneByteAtATimeGivesTheSameReadingsAsAllAtOnce() throws {
        var rng = SeededRandom(seed: 7)
        var text = ""
        var expected: [Reading] = []
        for i in 0..<300 {
            let k = ["sensors/a", "sensors/küche", "x/y"].randomElement(using: &rng)!
            let ms = Int64.random(in: 0...Limits.sourceTimeMsMax, using: &rng)
            let d = Double(Int.random(in: -10_000...10_000, using: &rng)) / 100
            let time = (1_000_000_000...9_999_999_999).contains(ms) || i % 2 == 0
                ? "\"\(RFC3339.format(ms: ms))\"" : "\(ms)"
            text += "{\"key\":\"\(k)\",\"time\":\(time),\"value\":\(JSONValue.double(d).canonicalText)}" + (i % 3 == 0 ? "\r\n" : "\n")
            expected.append(Reading(key: key(k), value: .double(d), sourceTimeMs: ms))
        }
        for (chunk, batch) in [(Int.max, 1000), (1, 1000), (2, 7), (5, 1)] {
            #expect(try readAllJSONLines(MemoryByteSource(text, chunkBytes: chunk), batch: batch) == expected, "chunks of \(chunk)")
        }
    }
}
