import KDeltaModel
import Testing

@Suite struct JSONParserTests {
    func parse(_ text: String, bytesMax: Int = Limits.valueBytesMax, depthMax: Int = Limits.jsonDepthMax) throws -> JSONValue {
        try JSONParser.parse(text, bytesMax: bytesMax, depthMax: depthMax)
    }

    func failure(_ text: String, bytesMax: Int = Limits.valueBytesMax, depthMax: Int = Limits.jsonDepthMax) -> JSONError? {
        do {
            _ = try JSONParser.parse(text, bytesMax: bytesMax, depthMax: depthMax)
            return nil
        } catch {
            return error
        }
    }

    func failure(bytes: [UInt8]) -> JSONError? {
        do {
            _ = try JSONParser.parse(bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test func scalarsParseToTheirCases() throws {
        #expect(try parse("null") == .null)
        #expect(try parse("true") == .bool(true))
        #expect(try parse(" false ") == .bool(false))
        #expect(try parse("0") == .int(0))
        #expect(try parse("-12") == .int(-12))
        #expect(try parse("\"hi\"") == .string("hi"))
        #expect(try parse("2.5") == .double(2.5))
        #expect(try parse("1e3") == .double(1000))
        #expect(try parse("1E-2") == .double(0.01))
        #expect(try parse("\t\r\n[ ]\n") == .array([]))
        #expect(try parse("{}") == .object([JSONMember]()))
    }

    @Test func integersThatFitInt64AreIntsAndOthersAreDoubles() throws {
        #expect(try parse("9223372036854775807") == .int(Int64.max))
        #expect(try parse("-9223372036854775808") == .int(Int64.min))
        #expect(try parse("9223372036854775808") == .double(9_223_372_036_854_775_808.0))
        #expect(try parse("-9223372036854775809") == .double(-9_223_372_036_854_775_809.0))
        #expect(try parse("123456789012345678901234567890") == .double(1.2345678901234568e29))
        #expect(try parse("2.0") == .double(2.0))
        #expect(try parse("2e0") == .double(2.0))
    }

    @Test func minusZeroIsADoubleThatKeepsItsSign() throws {
        let v = try parse("-0")
        guard case .double(let d) = v else {
            Issue.record("expected a double, got \(v)")
            return
        }
        #expect(d == 0 && d.sign == .minus)
        #expect(try parse("0") == .int(0))
    }

    @Test func doublesAreCorrectlyRounded() throws {
        for text in ["0.1", "5e-324", "1.7976931348623157e308", "2.2250738585072014e-308", "19.890000000000001",
                     "9007199254740993", "4.9406564584124654e-324", "123456789012345678e-5"] {
            let expected = Double(text)!
            let v = try parse(text.contains(".") || text.contains("e") ? text : text + ".0")
            #expect(v == .double(expected), "\(text)")
        }
    }

    @Test func numberThatOverflowsToInfinityIsRefused() {
        let e = failure("[1, 1e309]")
        #expect(e?.code == .numberOutOfRange)
        #expect(e?.byteOffset == 4)
        #expect(e?.column == 5)
        #expect(e?.detail.contains("1e309") == true)
    }

    @Test func aNonZeroNumberThatUnderflowsToZeroIsRefusedAndSubnormalsAreKept() throws {
        let e = failure("{\"a\": 1e-400}")
        #expect(e?.code == .numberTooSmall)
        #expect(e?.byteOffset == 6)
        #expect(e?.detail.contains("too small for a double") == true, "\(String(describing: e))")
        #expect(failure("-2.5e-330")?.code == .numberTooSmall)
        #expect(try parse("1e-310") == .double(Double("1e-310")!))
        #expect(try parse("0e-400") == .double(0))
        #expect(try parse("-0.000e-999") == .double(-0.0))
    }

    @Test func objectsAreSortedByUTF8BytesOfTheirNames() throws {
        let v = try parse(#"{"b": 1, "a": 2, "é": 3, "Z": 4, "aa": 5}"#)
        guard case .object(let members) = v else {
            Issue.record("not an object: \(v)")
            return
        }
        #expect(members.map(\.key) == ["Z", "a", "aa", "b", "é"])
        #expect(v["aa"] == .int(5))
    }

    @Test func duplicateMemberNameIsRefusedAtItsSecondOccurrence() {
        let e = failure("{\"a\": 1,\n \"b\": 2,\n \"a\": 3}")
        #expect(e?.code == .duplicateKey)
        #expect(e?.line == 3)
        #expect(e?.column == 2)
        #expect(e?.detail.contains("\"a\" appears twice") == true)
    }

    @Test func namesThatDifferOnlyInUnicodeNormalisationAreDistinct() throws {
        // "é" precomposed and "e" + combining acute are equal Swift Strings but different JSON names.
        let v = try parse("{\"\u{E9}\": 1, \"e\u{301}\": 2}")
        guard case .object(let members) = v else {
            Issue.record("not an object")
            return
        }
        #expect(members.count == 2)
    }

    @Test func escapesDecodeIncludingSurrogatePairs() throws {
        #expect(try parse(#""\" \\ \/ \b \f \n \r \t""#) == .string("\" \\ / \u{8} \u{C} \n \r \t"))
        #expect(try parse(#""\u0041\u00e9\u20AC""#) == .string("Aé€"))
        #expect(try parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try parse(#""\u0000""#) == .string("\u{0}"))
        #expect(try parse("\"héllo 😀\"") == .string("héllo 😀"))
    }

    @Test func loneSurrogatesAreRefused() {
        let high = failure(#""ab\ud83d""#)
        #expect(high?.code == .loneSurrogate)
        #expect(high?.byteOffset == 3)
        let highThenOther = failure(#""\ud83d\u0041""#)
        #expect(highThenOther?.code == .loneSurrogate)
        #expect(highThenOther?.byteOffset == 7)
        let low = failure(#""\ude00""#)
        #expect(low?.code == .loneSurrogate)
        #expect(low?.byteOffset == 1)
    }

    @Test func invalidEscapesAreRefused() {
        let e = failure(#""a\x""#)
        #expect(e?.code == .invalidEscape)
        #expect(e?.byteOffset == 2)
        let hex = failure(#""\u12G4""#)
        #expect(hex?.code == .invalidEscape)
        #expect(hex?.byteOffset == 5)
    }

    @Test func invalidUTF8IsRefusedAtTheOffendingByte() {
        let q = UInt8(ascii: "\"")
        let cases: [([UInt8], Int)] = [
            ([q, 0xC0, 0x80, q], 1),              // overlong NUL
            ([q, 0xE0, 0x80, 0x80, q], 2),        // overlong 3-byte
            ([q, 0xED, 0xA0, 0x80, q], 2),        // encoded surrogate
            ([q, 0xF4, 0x90, 0x80, 0x80, q], 2),  // above U+10FFFF
            ([q, 0xF5, 0x80, 0x80, 0x80, q], 1),  // never a lead byte
            ([q, 0x80, q], 1),                    // lone continuation
            ([q, 0x61, 0xC3, q], 3),              // truncated sequence
        ]
        for (bytes, offset) in cases {
            let e = failure(bytes: bytes)
            #expect(e?.code == .invalidUTF8, "\(bytes)")
            #expect(e?.byteOffset == offset, "\(bytes)")
        }
    }

    @Test func rawControlCharacterInStringIsRefused() {
        let e = failure("[\"a\tb\"]")
        #expect(e?.code == .controlCharacter)
        #expect(e?.byteOffset == 3)
        #expect(e?.detail.contains("\\t") == true)
    }

    @Test func errorsNameLineAndColumn() {
        let e = failure("{\n  \"a\": 1,\n  \"b\" 2\n}")
        #expect(e?.code == .unexpectedByte)
        #expect(e?.line == 3)
        #expect(e?.column == 7)
        #expect(e?.byteOffset == 18)
        #expect(e?.detail == "expected ':' after the member name, found '2'")
        #expect(e?.description == "invalid JSON at line 3, column 7 (byte 18): expected ':' after the member name, found '2'")
    }

    @Test func grammarMistakesSayWhatWasExpected() {
        let cases: [(String, JSONError.Code, Int, String)] = [
            ("", .unexpectedEnd, 0, "expected a JSON value"),
            ("   ", .unexpectedEnd, 3, "found the end of the text"),
            ("[1,]", .unexpectedByte, 3, "no trailing comma"),
            ("{\"a\":1,}", .unexpectedByte, 7, "no trailing comma"),
            ("[1 2]", .unexpectedByte, 3, "expected ',' or ']'"),
            ("{\"a\":1 \"b\":2}", .unexpectedByte, 7, "expected ',' or '}'"),
            ("{a:1}", .unexpectedByte, 1, "member name in double quotes"),
            ("01", .invalidNumber, 0, "leading zeros; write 1"),
            ("-", .invalidNumber, 1, "expected a digit after '-'"),
            ("1.", .invalidNumber, 2, "after the decimal point"),
            (".5", .unexpectedByte, 0, "expected a JSON value"),
            ("1e", .invalidNumber, 2, "in the exponent"),
            ("+1", .unexpectedByte, 0, "expected a JSON value"),
            ("tru", .unexpectedByte, 0, "true, false and null"),
            ("nul", .unexpectedByte, 0, "true, false and null"),
            ("NaN", .unexpectedByte, 0, "expected a JSON value"),
            ("'a'", .unexpectedByte, 0, "found '''"),
            ("\"abc", .unexpectedEnd, 0, "no closing"),
            ("\"a\\", .unexpectedEnd, 2, "inside an escape"),
            ("[1] x", .trailingContent, 4, "one value"),
            ("{} {}", .trailingContent, 3, "one value"),
            ("\u{FEFF}{}", .unexpectedByte, 0, "byte 0xEF"),
            ("[1", .unexpectedEnd, 2, "expected ',' or ']'"),
            ("{\"a\"", .unexpectedEnd, 4, "expected ':'"),
        ]
        for (text, code, offset, fragment) in cases {
            let e = failure(text)
            #expect(e?.code == code, "\(text): \(String(describing: e))")
            #expect(e?.byteOffset == offset, "\(text): \(String(describing: e))")
            #expect(e?.detail.contains(fragment) == true, "\(text): \(String(describing: e))")
        }
    }

    @Test func depthLimitAllowsExactlyTheLimit() throws {
        let ok = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        #expect(throws: Never.self) { try parse(ok) }
        let deep = String(repeating: "[", count: 33) + String(repeating: "]", count: 33)
        let e = failure(deep)
        #expect(e?.code == .tooDeep)
        #expect(e?.byteOffset == 32)
        let mixed = String(repeating: "{\"a\":", count: 33) + "1" + String(repeating: "}", count: 33)
        #expect(failure(mixed)?.code == .tooDeep)
        #expect(failure("[[1]]", depthMax: 1)?.code == .tooDeep)
    }

    @Test func sizeLimitIsAParameter() throws {
        let text = "\"" + String(repeating: "x", count: 100) + "\""
        let e = failure(text, bytesMax: 50)
        #expect(e?.code == .tooLarge)
        #expect(e?.detail.contains("102 bytes") == true)
        #expect(try parse(text, bytesMax: 102) == .string(String(repeating: "x", count: 100)))
        let big = "[" + Array(repeating: "1", count: Limits.valueBytesMax / 2).joined(separator: ",") + "]"
        #expect(failure(big)?.code == .tooLarge)
        #expect(throws: Never.self) { try parse(big, bytesMax: 1 << 20) }
    }

    @Test func allEntryPointsAgree() throws {
        let text = #"{"k":[1,2.5,"é",null,{"x":true}]}"#
        let bytes = Array(text.utf8)
        let a = try JSONParser.parse(text)
        let b = try JSONParser.parse(bytes)
        let c = try bytes.withUnsafeBytes { raw in try JSONParser.parse(raw) }
        let d = try JSONParser.parse(bytes[...])
        #expect(a == b)
        #expect(a == c)
        #expect(a == d)
    }
}
