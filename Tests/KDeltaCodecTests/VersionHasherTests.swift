import KDeltaCodec
import KDeltaModel
import Testing

/// The canonical version encoding (docs/format/version.md) byte for byte, the ids it hashes
/// to (computed independently with `sha256sum`), and ids that change with every field.
@Suite struct VersionHasherTests {
    static let key = Array("sensors/greenhouse/temp1".utf8)
    static let wallMs: Int64 = 1_700_000_000_000  // 0x0000_018B_CFE5_6800

    static func bytes(key: [UInt8] = key, parent: VersionID? = nil, seq: UInt64 = 1, hlc: HLC = HLC(wallMs: wallMs, logical: 0),
                      sourceTimeMs: Int64? = wallMs, value: Value = .double(21.5)) -> [UInt8] {
        key.withUnsafeBytes { VersionHasher().canonicalBytes(key: $0, parent: parent, seq: seq, hlc: hlc, sourceTimeMs: sourceTimeMs, value: value) }
    }

    static func id(key: [UInt8] = key, parent: VersionID? = nil, seq: UInt64 = 1, hlc: HLC = HLC(wallMs: wallMs, logical: 0),
                   sourceTimeMs: Int64? = wallMs, value: Value = .double(21.5)) -> VersionID {
        key.withUnsafeBytes { VersionHasher().id(key: $0, parent: parent, seq: seq, hlc: hlc, sourceTimeMs: sourceTimeMs, value: value) }
    }

    /// The worked example of docs/format/version.md, written out by hand from the doc; its
    /// id was computed independently (Python's hashlib over the same bytes).
    @Test func workedExampleOfTheFormatDocEncodesByteForByteAndHashesToItsId() {
        var expected: [UInt8] = []
        expected += [0x4B, 0x44, 0x56, 0x31]  // "KDV1"
        expected += [UInt8](repeating: 0, count: 32)  // parent: none
        expected += [0x00, 0x09] + [0x73, 0x65, 0x6E, 0x73, 0x6F, 0x72, 0x73, 0x2F, 0x61]  // key: 9 bytes "sensors/a"
        expected += [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01]  // seq 1
        expected += [0x01, 0x8F, 0x34, 0x06, 0x9E, 0x00, 0x00, 0x02]  // hlc (1714564800000 << 16) | 2
        expected += [0x01]  // flags: source time present
        expected += [0x00, 0x00, 0x01, 0x8F, 0x34, 0x06, 0x9E, 0x00]  // source time 1714564800000
        expected += [0x01]  // tag: double
        expected += [0x40, 0x35, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00]  // 21.5
        let key = Array("sensors/a".utf8)
        let hlc = HLC(wallMs: 1_714_564_800_000, logical: 2)
        #expect(expected.count == 72 + key.count)
        #expect(Self.bytes(key: key, hlc: hlc, sourceTimeMs: 1_714_564_800_000) == expected)
        #expect(Self.id(key: key, hlc: hlc, sourceTimeMs: 1_714_564_800_000).hex
                == "ad4be4498269869c1cc6b360a489757eff733bf5b1c3f074899f8b52fd69ee69")
    }

    /// The first version of `sensors/greenhouse/temp1`: 21.5 at 2023-11-14T22:13:20Z.
    @Test func firstVersionOfTheDocumentedExampleEncodesByteForByte() {
        var expected: [UInt8] = []
        expected += [0x4B, 0x44, 0x56, 0x31]  // magic "KDV1"
        expected += [UInt8](repeating: 0, count: 32)  // parent: none, 32 zero bytes
        expected += [0x00, 0x18]  // key length 24, u16 BE
        expected += Array("sensors/greenhouse/temp1".utf8)  // key
        expected += [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01]  // seq 1, u64 BE
        expected += [0x01, 0x8B, 0xCF, 0xE5, 0x68, 0x00, 0x00, 0x00]  // HLC wall << 16 | logical 0, u64 BE
        expected += [0x01]  // flags: source time present
        expected += [0x00, 0x00, 0x01, 0x8B, 0xCF, 0xE5, 0x68, 0x00]  // source time ms, i64 BE
        expected += [0x01]  // value tag: double
        expected += [0x40, 0x35, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00]  // 21.5, IEEE 754 bits BE
        #expect(expected.count == 96)
        #expect(Self.bytes() == expected)
        #expect(Self.id().hex == "4ec5bf593eaf2a7259c215e6dac0b951ac2a3f0671dd107373e8d1ff4ca718e8")
    }

    /// Its child: no source time, an int, the parent's id in place of the zeros.
    @Test func secondVersionChainsToTheFirst() {
        let parent = Self.id()
        var expected: [UInt8] = [0x4B, 0x44, 0x56, 0x31]
        expected += parent.bytes
        expected += [0x00, 0x18] + Array("sensors/greenhouse/temp1".utf8)
        expected += [0, 0, 0, 0, 0, 0, 0, 0x02]  // seq 2
        expected += [0x01, 0x8B, 0xCF, 0xE5, 0x68, 0x01, 0x00, 0x03]  // wall + 1 ms, logical 3
        expected += [0x00]  // flags: no source time (and no time bytes)
        expected += [0x02]  // value tag: int
        expected += [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFD]  // -3, i64 BE two's complement
        let hlc = HLC(wallMs: Self.wallMs + 1, logical: 3)
        #expect(Self.bytes(parent: parent, seq: 2, hlc: hlc, sourceTimeMs: nil, value: .int(-3)) == expected)
        #expect(Self.id(parent: parent, seq: 2, hlc: hlc, sourceTimeMs: nil, value: .int(-3)).hex
                == "5dd23b898d6d1d8104a20fa4ea7645f2ddc1fc5347776d802e75859ccf52b426")
    }

    @Test func stringsCarryAU32LengthAndTheirUTF8() {
        let key = Array("door/front".utf8)
        var expected: [UInt8] = [0x4B, 0x44, 0x56, 0x31] + [UInt8](repeating: 0, count: 32)
        expected += [0x00, 0x0A] + key
        expected += [0, 0, 0, 0, 0, 0, 0, 0x07]
        expected += [0x00, 0x01, 0, 0, 0, 0, 0, 0x02]
        expected += [0x00, 0x04]  // no time; tag string
        expected += [0x00, 0x00, 0x00, 0x07] + [0x6F, 0x70, 0x65, 0x6E, 0x20, 0xC3, 0xA9]  // "open é"
        let hlc = HLC(rawValue: 0x0001_0000_0000_0002)
        #expect(Self.bytes(key: key, seq: 7, hlc: hlc, sourceTimeMs: nil, value: .string("open é")) == expected)
        #expect(Self.id(key: key, seq: 7, hlc: hlc, sourceTimeMs: nil, value: .string("open é")).hex
                == "6918ded9ef5b1ac4626129f881a8a819d98cdca295a8e05ddd7324ed8ca0c765")
    }

    @Test func idChangesWhenAnyFieldChanges() {
        let base = Self.id()
        let variants: [(String, VersionID)] = [
            ("key", Self.id(key: Array("sensors/greenhouse/temp2".utf8))),
            ("parent", Self.id(parent: VersionID(w0: 0, w1: 0, w2: 0, w3: 1))),
            ("seq", Self.id(seq: 2)),
            ("hlc logical", Self.id(hlc: HLC(wallMs: Self.wallMs, logical: 1))),
            ("hlc wall", Self.id(hlc: HLC(wallMs: Self.wallMs + 1, logical: 0))),
            ("source time absent", Self.id(sourceTimeMs: nil)),
            ("source time", Self.id(sourceTimeMs: Self.wallMs + 1)),
            ("value", Self.id(value: .double(21.25))),
            ("value tag", Self.id(value: .int(21))),
        ]
        for (field, id) in variants { #expect(id != base, "changing the \(field) kept the id") }
        #expect(Set(variants.map(\.1)).count == variants.count)
        // Equal content, equal id: the hash is deterministic.
        #expect(Self.id() == base)
    }

    @Test func edgeValuesHashApart() {
        #expect(Self.id(value: .double(0.0)) != Self.id(value: .double(-0.0)))
        #expect(Self.id(value: .double(.nan)) != Self.id(value: .double(Double(nan: 1, signaling: false))))
        #expect(Self.id(value: .int(1)) != Self.id(value: .double(1)))
        #expect(Self.id(value: .int(1)) != Self.id(value: .bool(true)))
        #expect(Self.id(value: .int(0)) != Self.id(value: .bool(false)))
        #expect(Self.id(value: .string("1")) != Self.id(value: .document(.int(1))))
        #expect(Self.id(value: .string("")) != Self.id(value: .document(.string(""))))
        // Time 0 is a time: present differs from absent.
        #expect(Self.id(sourceTimeMs: 0) != Self.id(sourceTimeMs: nil))
        // "No parent" is encoded as the zero id (docs/format/version.md).
        #expect(Self.id(parent: nil) == Self.id(parent: VersionID.zero))
    }

    @Test func documentsHashTheirCanonicalText() {
        let a = JSONValue.object([("b", .int(1)), ("a", .string("x"))])
        let b = JSONValue.object([("a", .string("x")), ("b", .int(1))])
        #expect(Self.id(value: .document(a)) == Self.id(value: .document(b)))
        let encoded = Self.bytes(value: .document(a))
        let text = Array(#"{"a":"x","b":1}"#.utf8)
        #expect(Array(encoded.suffix(text.count + 5)) == [0x05, 0, 0, 0, UInt8(text.count)] + text)
    }

    /// A hasher starts small and grows for a long text: one hasher used for numbers, a
    /// 64 KiB string, a document and numbers again writes each encoding whole, with the
    /// fields before the value as for a double, the length and the value's bytes after.
    @Test func oneHasherGrowsForLongTextsAndKeepsEveryEncoding() throws {
        let hasher = VersionHasher()
        let long = String(repeating: "é", count: Limits.valueBytesMax / 2)
        let document = Value.document(try JSONParser.parse("{\"a\":[1,2.5,\"x\"]}"))
        let values: [Value] = [.double(1.5), .string(long), .string("short"), document, .int(7), .string(long)]
        let prefixCount = 4 + 32 + 2 + Self.key.count + 8 + 8 + 1 + 8
        let numberPrefix = Array(Self.bytes(value: .double(1.5)).prefix(prefixCount))
        for v in values {
            let encoded = Self.key.withUnsafeBytes {
                hasher.canonicalBytes(key: $0, parent: nil, seq: 1, hlc: HLC(wallMs: Self.wallMs, logical: 0), sourceTimeMs: Self.wallMs, value: v)
            }
            #expect(Array(encoded.prefix(prefixCount)) == numberPrefix)
            #expect(encoded[prefixCount] == v.tag.rawValue)
            var text: [UInt8]? = nil
            if case .string(let s) = v { text = Array(s.utf8) }
            if case .document(let j) = v {
                var t: [UInt8] = []
                j.writeCanonical(into: &t)
                text = t
            }
            if let text {
                let length = encoded[(prefixCount + 1)..<(prefixCount + 5)].reduce(0) { $0 << 8 | Int($1) }
                #expect(length == text.count)
                #expect(Array(encoded[(prefixCount + 5)...]) == text)
            } else {
                #expect(encoded.count == prefixCount + 1 + 8)
            }
            let id = Self.key.withUnsafeBytes {
                hasher.id(key: $0, parent: nil, seq: 1, hlc: HLC(wallMs: Self.wallMs, logical: 0), sourceTimeMs: Self.wallMs, value: v)
            }
            #expect(id == Self.id(value: v), "a fresh hasher gives the same id")
        }
    }
}
