import KDeltaModel
import KDeltaStorageTestSupport
import Testing

@Suite struct JSONCanonicalTests {
    @Test func canonicalTextIsCompactWithMembersSorted() throws {
        let v = try JSONParser.parse(#" { "b" : 1 , "a" : [ true , null , 2.5 , "x\ny" ] , "c": {"z":-3,"y":{}} } "#)
        #expect(v.canonicalText == #"{"a":[true,null,2.5,"x\ny"],"b":1,"c":{"y":{},"z":-3}}"#)
    }

    @Test func integralDoublesKeepAMarkerSoTheyReadBackAsDoubles() throws {
        let cases: [(Double, String)] = [
            (2, "2.0"), (-0.0, "-0.0"), (0, "0.0"), (1e16, "1e+16"), (1e-5, "1e-05"), (0.1, "0.1"),
            (Double.leastNonzeroMagnitude, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"),
            (9007199254740992, "9007199254740992.0"), (123.456, "123.456"),
        ]
        for (d, text) in cases {
            #expect(JSONValue.double(d).canonicalText == text, "\(d)")
            let back = try JSONParser.parse(text)
            #expect(back == .double(d), "\(text)")
            if case .double(let e) = back { #expect(e.bitPattern == d.bitPattern, "\(text)") }
        }
        #expect(JSONValue.int(-9_223_372_036_854_775_808).canonicalText == "-9223372036854775808")
        #expect(JSONValue.int(0).canonicalText == "0")
        #expect(JSONValue.int(42).canonicalText == "42")
    }

    @Test func stringsEscapeOnlyWhatJSONRequires() {
        let s = "q\" b\\ / \u{8}\u{C}\n\r\t \u{0}\u{1F} \u{7F} é 😀 \u{2028}"
        #expect(JSONValue.string(s).canonicalText == "\"q\\\" b\\\\ / \\b\\f\\n\\r\\t \\u0000\\u001f \u{7F} é 😀 \u{2028}\"")
    }

    @Test func valueDescriptionIsTheCanonicalText() throws {
        let doc = try JSONParser.parse(#"{"b":[1,2],"a":"x"}"#)
        #expect(Value.document(doc).description == #"{"a":"x","b":[1,2]}"#)
    }

    @Test func writeCanonicalAppendsWithoutClearing() {
        var out = Array("prefix:".utf8)
        JSONValue.array([.int(1), .bool(false)]).writeCanonical(into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "prefix:[1,false]")
    }

    @Test func seededRandomDocumentsRoundTripThroughCanonicalText() throws {
        for seed in UInt64(1)...400 {
            var rng = SplitMix64(seed: seed)
            let doc = Self.randomValue(&rng, depth: 0)
            let text = doc.canonicalText
            let back = try JSONParser.parse(text, bytesMax: 1 << 24)
            #expect(back == doc, "seed \(seed): \(text)")
            #expect(back.canonicalText == text, "seed \(seed)")
            // Whitespace and member order in the input do not change the canonical text.
            let pretty = Self.scrambled(doc, &rng)
            let reparsed = try JSONParser.parse(pretty, bytesMax: 1 << 24)
            #expect(reparsed.canonicalText == text, "seed \(seed): \(pretty)")
        }
    }

    static func randomValue(_ rng: inout SplitMix64, depth: Int) -> JSONValue {
        let leaf = depth >= 5 || Int.random(in: 0..<3, using: &rng) > 0
        if leaf {
            switch Int.random(in: 0..<7, using: &rng) {
            case 0: return .null
            case 1: return .bool(Bool.random(using: &rng))
            case 2: return .int(Int64.random(in: Int64.min...Int64.max, using: &rng) >> Int64.random(in: 0...63, using: &rng))
            case 3:
                var d: Double
                repeat { d = Double(bitPattern: rng.next()) } while !d.isFinite
                return .double(d)
            case 4: return .double(Double(Int.random(in: -100_000...100_000, using: &rng)) / 100)
            case 5: return .double(Double(Int.random(in: -1000...1000, using: &rng)))
            default: return .string(randomString(&rng))
            }
        }
        if Bool.random(using: &rng) {
            return .array((0..<Int.random(in: 0...5, using: &rng)).map { _ in randomValue(&rng, depth: depth + 1) })
        }
        var members: [(String, JSONValue)] = []
        for _ in 0..<Int.random(in: 0...5, using: &rng) {
            members.append((randomString(&rng), randomValue(&rng, depth: depth + 1)))
        }
        return .object(members)
    }

    static func randomString(_ rng: inout SplitMix64) -> String {
        let alphabet: [Unicode.Scalar] = ["a", "b", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}",
                                          "é", "€", "😀", "\u{2028}", "\u{FFFF}", "\u{10FFFF}"]
        var s = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...8, using: &rng) { s.append(alphabet.randomElement(using: &rng)!) }
        return String(s)
    }

    /// The same document with random whitespace, reversed member order, and strings with
    /// every character escaped as \uXXXX, as another JSON writer might produce it.
    static func scrambled(_ value: JSONValue, _ rng: inout SplitMix64) -> String {
        let ws = ["", " ", "\n", "\t", "\r\n  "]
        func w() -> String { ws.randomElement(using: &rng)! }
        switch value {
        case .array(let elements):
            return "[" + w() + elements.map { scrambled($0, &rng) }.joined(separator: w() + "," + w()) + w() + "]"
        case .object(let members):
            return "{" + w() + members.reversed().map { m in
                escapedFully(m.key) + w() + ":" + w() + scrambled(m.value, &rng)
            }.joined(separator: "," + w()) + w() + "}"
        case .string(let s):
            return escapedFully(s)
        default:
            return value.canonicalText
        }
    }

    static func escapedFully(_ s: String) -> String {
        var out = "\""
        for unit in s.utf16 {
            let hex = String(unit, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
        return out + "\""
    }
}
