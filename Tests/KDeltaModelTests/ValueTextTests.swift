import Foundation
import KDeltaModel
import KDeltaStorageTestSupport
import Testing

@Suite struct ValueTextTests {
    func failure(_ text: String) -> ValueTextError? {
        do {
            _ = try Value.parse(text: text)
            return nil
        } catch {
            return error
        }
    }

    @Test func textsReadAsTheLineProtocolDoes() throws {
        let cases: [(String, Value)] = [
            ("21.5", .double(21.5)), ("-3", .double(-3)), ("+2", .double(2)), (".5", .double(0.5)), ("5.", .double(5)),
            ("1e-3", .double(0.001)), ("2E+08", .double(2e8)), ("0", .double(0)), ("-0", .double(-0.0)),
            ("NaN", .double(.nan)), ("nan", .double(.nan)), ("+Inf", .double(.infinity)), ("-Inf", .double(-.infinity)),
            ("inf", .double(.infinity)), ("Infinity", .double(.infinity)), ("-infinity", .double(-.infinity)),
            ("42i", .int(42)), ("-7i", .int(-7)), ("+7i", .int(7)), ("0i", .int(0)),
            ("9223372036854775807i", .int(.max)), ("-9223372036854775808i", .int(.min)),
            ("true", .bool(true)), ("false", .bool(false)),
            ("t", .string("t")), ("True", .string("True")), ("FALSE", .string("FALSE")),
            ("open", .string("open")), ("door open", .string("door open")), (" 21.5", .string(" 21.5")),
            ("21.5 ", .string("21.5 ")), ("1.2.3", .string("1.2.3")), ("0x10", .string("0x10")), ("1_000", .string("1_000")),
            ("-", .string("-")), ("+", .string("+")), (".", .string(".")), ("e5", .string("e5")), ("1e", .string("1e")),
            ("i", .string("i")), ("hi", .string("hi")), ("-nan", .string("-nan")), ("info", .string("info")), ("42 i", .string("42 i")),
            ("\"42\"", .string("42")), ("\"true\"", .string("true")), ("\"\"", .string("")), ("\"a\\\"b\\u00e9\"", .string("a\"bé")),
            ("{\"b\":1,\"a\":[2.5]}", .document(.object([("a", .array([.double(2.5)])), ("b", .int(1))]))),
            ("[1,\"x\"]", .document(.array([.int(1), .string("x")]))),
            ("é 😀", .string("é 😀")),
        ]
        for (text, expected) in cases {
            let v = try Value.parse(text: text)
            #expect(v == expected, "\(text) read as \(v)")
        }
    }

    @Test func mistakesAreRefusedWithTheirReason() {
        #expect(failure("")?.code == .empty)
        #expect(failure("{\"a\":}")?.code == .invalidDocument)
        #expect(failure("{\"a\":}")?.json?.byteOffset == 5)
        #expect(failure("[1,2")?.code == .invalidDocument)
        #expect(failure("\"unclosed")?.code == .invalidString)
        #expect(failure("\"a\" b")?.code == .invalidString)
        #expect(failure("1e400")?.code == .numberOutOfRange)
        #expect(failure("-1e400")?.code == .numberOutOfRange)
        #expect(failure("9223372036854775808i")?.code == .integerOutOfRange)
        #expect(failure("-9223372036854775809i")?.code == .integerOutOfRange)
        #expect(failure("1.5i")?.code == .notAnInteger)
        #expect(failure("1e3i")?.code == .notAnInteger)
        #expect(failure(String(repeating: "x", count: Limits.valueBytesMax + 1))?.code == .tooLong)
        // 16,000 four-byte numbers fit 64 KiB as typed but not as stored ("1e2" is "100.0").
        let growing = "[" + Array(repeating: "1e2", count: 16_000).joined(separator: ",") + "]"
        #expect(growing.utf8.count <= Limits.valueBytesMax)
        #expect(failure(growing)?.code == .tooLong)
        #expect(failure("1.5i")?.description == "'1.5i': the i suffix marks an integer, and this number is not one; drop the i to store it as a double")
        #expect(failure("{\"a\":}")?.description.contains("invalid JSON at line 1, column 6 (byte 5)") == true)
    }

    @Test func invalidUTF8TextIsRefused() {
        let bytes: [UInt8] = [0x61, 0x62, 0xFF, 0x63]
        let result = bytes.withUnsafeBufferPointer { buffer -> ValueTextError? in
            do {
                _ = try Value.parse(textBytes: buffer)
                return nil
            } catch {
                return error as? ValueTextError
            }
        }
        #expect(result?.code == .invalidUTF8)
        #expect(result?.byteOffset == 2)
    }

    @Test func numberEdgeCasesMatchDoubleFromString() {
        let texts = [
            "0", "-0", "0.0", "-0.0", "0e10", "-0e-10", "1", "-1", "0.1", "0.2", "0.3", "1e308", "1.7976931348623157e308",
            "1.7976931348623158e308", "1.8e308", "4.9e-324", "5e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
            "2.2250738585072011e-308", "2.2250738585072014e-308", "9007199254740992", "9007199254740993", "9007199254740994",
            "9007199254740995", "18014398509481985", "1e22", "1e23", "8.98846567431158e307", "123456789012345678901234567890",
            "0.000000000000000000000000000001", "1.0000000000000002", "1.00000000000000011102230246251565404236316680908203125",
            "1.00000000000000011102230246251565404236316680908203124", "1.00000000000000011102230246251565404236316680908203126",
            "19.890000000000001", "47.596666666666700", "7.026666666666669947", "6.5999999999999996e+00", "1e-400", "1e400",
            "12e25", "3e37", "9007199254740991e22", "0.5e23", "100000000000000000000000", "1.5e-22", "4.35e-22",
            "00000000000000000000000001.5", "1.0000000000000000000000000000001", "+.5", "-5.", "1E5", "1e+0005",
            "4503599627370496.5", "4503599627370497.5", "4503599627370497.4999", "4503599627370497.5001",
            "1234567890123456789e19", "1234567890123456789e-19", "9999999999999999999e-19", "9999999999999999999e19",
            "9999999999999999999e-20", "9999999999999999999e20", "1000000000000000000e-19", "18446744073709551615",
            "29.120685437784989", "0.30000000000000004", "123456789012345678.9", "-7.026666666666669947",
        ]
        for text in texts {
            let fast = Value.parseNumberFast(text)
            let reference = Double(text)
            #expect(fast?.bitPattern == reference?.bitPattern, "\(text): \(String(describing: fast)) vs \(String(describing: reference))")
        }
    }

    @Test func nonNumbersAreNil() {
        for text in ["", "+", "-", ".", "-.", "e5", ".e5", "1e", "1e+", "1.2.3", "0x10", "1_000", " 1", "1 ", "--1", "+-1",
                     "1,5", "+nan", "-NaN", "nan1", "infinit", "infinityy", "1i", "١"] {
            #expect(Value.parseNumberFast(text) == nil, "\(text)")
        }
        #expect(Value.parseNumberFast("NaN")?.isNaN == true)
        #expect(Value.parseNumberFast("-inf") == -.infinity)
    }

    /// Seeded random decimals in the shapes sensors and exports produce, each compared bit
    /// for bit with `Double(String)`: 200,000 per run (a million was checked once, and under
    /// qemu emulation the suite must stay fast); `KDELTA_DECIMAL_ROUNDS` asks for more.
    @Test func seededRandomDecimalsMatchDoubleFromString() {
        var rng = SplitMix64(seed: 2024)
        var mismatches = 0
        var fastNs: UInt64 = 0
        var referenceNs: UInt64 = 0
        let rounds = ProcessInfo.processInfo.environment["KDELTA_DECIMAL_ROUNDS"].flatMap(Int.init) ?? 200_000
        let batch = 10_000
        var texts: [String] = []
        texts.reserveCapacity(batch)
        var done = 0
        while done < rounds {
            texts.removeAll(keepingCapacity: true)
            for _ in 0..<batch { texts.append(Self.randomDecimal(&rng)) }
            var fast: [Double?] = []
            var reference: [Double?] = []
            fast.reserveCapacity(batch)
            reference.reserveCapacity(batch)
            let t0 = DispatchTime.now().uptimeNanoseconds
            for t in texts { fast.append(Value.parseNumberFast(t)) }
            let t1 = DispatchTime.now().uptimeNanoseconds
            for t in texts { reference.append(Double(t)) }
            let t2 = DispatchTime.now().uptimeNanoseconds
            fastNs += t1 - t0
            referenceNs += t2 - t1
            for i in 0..<batch where fast[i]?.bitPattern != reference[i]?.bitPattern {
                mismatches += 1
                if mismatches <= 10 { Issue.record("\(texts[i]): fast \(String(describing: fast[i])), Double(String) \(String(describing: reference[i]))") }
            }
            done += batch
        }
        #expect(mismatches == 0)
        print("parseNumberFast: \(fastNs / UInt64(rounds)) ns/number, Double(String): \(referenceNs / UInt64(rounds)) ns/number (\(rounds) random decimals; meaningful in release builds only)")
    }

    static func randomDecimal(_ rng: inout SplitMix64) -> String {
        func digits(_ n: Int) -> String {
            String((0..<n).map { _ in Character(Unicode.Scalar(UInt8(ascii: "0") + UInt8.random(in: 0...9, using: &rng))) })
        }
        let sign = ["", "", "-", "+"].randomElement(using: &rng)!
        switch Int.random(in: 0..<8, using: &rng) {
        case 0:  // sensor values: 21.37, -3.5, 1013
            let f = Int.random(in: 0...4, using: &rng)
            return sign + digits(Int.random(in: 1...4, using: &rng)) + (f > 0 ? "." + digits(f) : "")
        case 1:  // long mantissas as exports print them: 19.890000000000001
            return sign + digits(Int.random(in: 1...3, using: &rng)) + "." + digits(Int.random(in: 10...25, using: &rng))
        case 2:  // scientific, across the whole range
            return sign + digits(1) + "." + digits(Int.random(in: 0...20, using: &rng)) + "e" + String(Int.random(in: -340...310, using: &rng))
        case 3:  // shortest round-trip text of any finite double
            var d: Double
            repeat { d = Double(bitPattern: rng.next()) } while !d.isFinite
            return d.description
        case 4:  // integers of every length, some beyond 2^53 and 2^64
            return sign + digits(Int.random(in: 1...25, using: &rng))
        case 6:  // 16 to 19 significant digits, as printf("%.15f") and friends write them
            let total = Int.random(in: 16...19, using: &rng)
            let whole = Int.random(in: 1...total, using: &rng)
            return sign + digits(whole) + "." + digits(total - whole) + (Bool.random(using: &rng) ? "" : "e" + String(Int.random(in: -25...25, using: &rng)))
        case 7:  // exact midpoints between neighbouring doubles (ties to even), and one unit off
            let odd = 2 * UInt64.random(in: (1 << 52)...((1 << 53) - 1), using: &rng) + 1
            let k = Int.random(in: -2...6, using: &rng)
            var digitsText: String
            var pointFromRight = 0
            if k >= 0 {
                let (v, overflow) = odd.multipliedReportingOverflow(by: 1 << UInt64(k))
                digitsText = overflow ? String(odd) : String(v)
            } else {
                digitsText = String(odd * (k == -1 ? 5 : 25))
                pointFromRight = -k
            }
            var value = UInt64(digitsText)!
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: value -= 1
            case 1: value += 1
            default: break
            }
            digitsText = String(value)
            if pointFromRight > 0 {
                digitsText.insert(".", at: digitsText.index(digitsText.endIndex, offsetBy: -pointFromRight))
            }
            return sign + digitsText
        default:  // exponents near the fast path's edges and leading zeros
            let mantissa = digits(Int.random(in: 1...17, using: &rng))
            let point = Bool.random(using: &rng) ? "" : "." + digits(Int.random(in: 0...3, using: &rng))
            return sign + "0" + mantissa + point + "e" + String(Int.random(in: -40...40, using: &rng))
        }
    }

    /// A string is shown the way `put` takes it back: bare when its text reads as that
    /// string, JSON-quoted when it would read as a number, an int, a bool, a document or
    /// nothing, so "42" never looks like the number 42.
    @Test func aStringIsShownQuotedOnlyWhenItsTextWouldReadAsSomethingElse() throws {
        for text in ["open", "-text", "21.5 C", "t", "True", "a\"b"] {
            #expect(Value.string(text).description == text)
        }
        let quoted: [(String, String)] = [("42", #""42""#), ("true", #""true""#), ("7i", #""7i""#), ("NaN", #""NaN""#),
                                          ("", #""""#), ("{}", #""{}""#), (#""x""#, #""\"x\"""#)]
        for (text, shown) in quoted {
            #expect(Value.string(text).description == shown)
        }
        for value: Value in [.string("42"), .string(""), .string("open"), .string(#""q""#), .double(42), .int(42), .bool(true)] {
            #expect(try Value.parse(text: value.description) == value, "\(value.description) reads back")
        }
    }

    /// Text that prints like a number is text all the same: every aggregation skips it. So
    /// it is shown JSON-quoted, whatever hides the difference (blanks at its ends, NULs,
    /// zero-width or bidi characters), and reads back as the same text.
    @Test func storedTextThatWouldPrintLikeANumberIsShownJSONQuoted() throws {
        let quoted: [(String, String)] = [
            (" 21.5", #"" 21.5""#), ("21.5 ", #""21.5 ""#), ("\t21.5\n", #""\t21.5\n""#), ("21\0\0", #""21\u0000\u0000""#),
            ("21.5\u{200B}", "\"21.5\u{200B}\""), ("\u{202E}42i", "\"\u{202E}42i\""), (" true", #"" true""#),
            ("  ", #""  ""#), (" {}", #"" {}""#), ("\u{00A0}7", "\"\u{00A0}7\""),
        ]
        for (text, shown) in quoted {
            #expect(Value.string(text).description == shown, "\(text)")
            #expect(try Value.parse(text: Value.string(text).description) == .string(text), "\(text) reads back")
        }
        for text in [" open", "door open", "21.5 C", " 21.5 C", "a\tb"] {
            #expect(Value.string(text).description == text, "\(text)")
        }
    }

    @Test func blanksAroundANumberOnTheCommandLineAreRefusedWhereTheyAre() throws {
        func refusal(_ text: String) -> ValueTextError? {
            do { _ = try Value.parse(argument: text); return nil } catch { return error }
        }
        let leading = refusal(" 21.5")
        #expect(leading?.code == .blankAroundValue)
        #expect(leading?.byteOffset == 0)
        #expect(leading?.description.hasPrefix("the value ' 21.5' has a space (U+0020) at byte 0, around '21.5', which reads as a number") == true,
                "\(String(describing: leading))")
        #expect(leading?.description.contains(#"JSON-quoted ('" 21.5"')"#) == true)
        #expect(refusal("21.5\t")?.byteOffset == 4)
        #expect(refusal("21.5\t")?.scalar == "\t")
        #expect(refusal("42i ")?.byteOffset == 3)
        #expect(refusal(" true")?.code == .blankAroundValue)
        #expect(refusal("21.5\u{200B}")?.description.contains("an invisible character (U+200B) at byte 4") == true)
        // Text stays text, and a number without blanks, or JSON-quoted text, is as before.
        #expect(try Value.parse(argument: " open") == .string(" open"))
        #expect(try Value.parse(argument: "21.5") == .double(21.5))
        #expect(try Value.parse(argument: #"" 21.5""#) == .string(" 21.5"))
        // A batch file is not the command line: its quoted fields keep their blanks.
        #expect(try Value.parse(text: " 21.5") == .string(" 21.5"))
    }

    @Test func aNonZeroNumberTooSmallForADoubleIsRefusedLikeOneTooLarge() throws {
        for text in ["1e-400", "-1e-400", "2.4703282292062327e-324", "0.0001e-321"] {
            #expect(failure(text)?.code == .numberTooSmall, "\(text)")
        }
        #expect(failure("1e-400")?.description.hasPrefix("the number '1e-400' is too small for a double") == true)
        #expect(try Value.parse(text: "1e-310") == .double(Double("1e-310")!))
        #expect(try Value.parse(text: "4.9e-324") == .double(.leastNonzeroMagnitude))
        #expect(try Value.parse(text: "0e-400") == .double(0))
        #expect(try Value.parse(text: "-0.0") == .double(-0.0))
    }
}
